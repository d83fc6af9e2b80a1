package io.tidemark.outbox.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a JSON payload (text or UTF-8 bytes) into a schema'd Connect value. Schemas are inferred
 * once per document shape and kept in a bounded LRU cache; equal schemas reached from different
 * shapes (fields in another order, say) are shared as one instance, so converters downstream that
 * cache by schema see one schema per payload structure.
 */
public final class JsonPayloadExpander {

    private static final JsonFactory TEXT_FACTORY = new JsonFactory();

    private final JsonReader reader = new JsonReader();
    private final PayloadSchemaInference inference;
    private final BoundedLruCache<String, Schema> schemasByShape;
    private final BoundedLruCache<Schema, Schema> canonicalSchemas;

    public JsonPayloadExpander(NullFieldBehavior nullFieldBehavior, int schemaCacheSize) {
        this.inference = new PayloadSchemaInference(nullFieldBehavior);
        this.schemasByShape = new BoundedLruCache<>(schemaCacheSize);
        this.canonicalSchemas = new BoundedLruCache<>(schemaCacheSize);
    }

    /**
     * The expanded payload, or {@code null} when {@code text} is not a JSON document. A JSON
     * {@code null} document expands to a {@code null} schema and value.
     */
    public SchemaAndValue expand(Object text) {
        ParsedJson parsed = reader.read(text);
        if (parsed == null) {
            return null;
        }
        if (parsed.root() == null) {
            return SchemaAndValue.NULL;
        }
        Schema schema = schemasByShape.get(parsed.shapeKey());
        if (schema == null) {
            Schema inferred = inference.infer(parsed.root());
            schema = canonicalSchemas.computeIfAbsent(inferred, s -> s);
            schemasByShape.put(parsed.shapeKey(), schema);
        }
        return new SchemaAndValue(schema, toConnect(parsed.root(), schema));
    }

    /** How many document shapes currently have a cached schema. */
    public int cachedShapes() {
        return schemasByShape.size();
    }

    private static Object toConnect(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        switch (schema.type()) {
            case STRING:
                return value instanceof String s ? s : toJsonText(value);
            case INT64:
                return value;
            case FLOAT64:
                return ((Number) value).doubleValue();
            case BOOLEAN:
                return value;
            case BYTES:
                // Only fields that were null everywhere get this type, and null returned above.
                throw new IllegalStateException("a null-only field received a value");
            case ARRAY:
                Schema elementSchema = schema.valueSchema();
                List<?> items = (List<?>) value;
                List<Object> converted = new ArrayList<>(items.size());
                for (Object item : items) {
                    converted.add(toConnect(item, elementSchema));
                }
                return converted;
            case STRUCT:
                JsonObject object = (JsonObject) value;
                Struct struct = new Struct(schema);
                for (int i = 0; i < object.size(); i++) {
                    // Absent from the schema: a field that was null throughout, left out by 'ignore'.
                    Field field = schema.field(object.name(i));
                    if (field != null) {
                        struct.put(field, toConnect(object.value(i), field.schema()));
                    }
                }
                return struct;
            default:
                throw new IllegalStateException("inference never produces " + schema.type());
        }
    }

    /** The compact JSON text of a parsed value, for elements whose kinds could not be merged. */
    static String toJsonText(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = TEXT_FACTORY.createGenerator(out)) {
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String s) {
            generator.writeString(s);
        } else if (value instanceof Long l) {
            generator.writeNumber(l);
        } else if (value instanceof Double d) {
            generator.writeNumber(d);
        } else if (value instanceof Boolean b) {
            generator.writeBoolean(b);
        } else if (value instanceof JsonObject object) {
            generator.writeStartObject();
            for (int i = 0; i < object.size(); i++) {
                generator.writeFieldName(object.name(i));
                write(generator, object.value(i));
            }
            generator.writeEndObject();
        } else {
            generator.writeStartArray();
            for (Object item : (List<?>) value) {
                write(generator, item);
            }
            generator.writeEndArray();
        }
    }
}
