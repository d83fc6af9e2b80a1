package io.tidemark.outbox.payload;

/**
 * A JSON document read into plain Java values ({@link JsonObject} for objects,
 * {@code List<Object>}, {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code null})
 * together with its shape key: a compact, unambiguous description of the document's structure and
 * value kinds. Two documents with the same shape key always infer the same schema, so the key is what
 * the schema cache is indexed by.
 */
public record ParsedJson(Object root, String shapeKey) {
}
