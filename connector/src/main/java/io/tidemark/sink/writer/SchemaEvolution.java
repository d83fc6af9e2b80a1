package io.tidemark.sink.writer;

/** What the sink may change in an existing target table (schema.evolution). */
public enum SchemaEvolution {
    /** Nothing: a change event with a column the table lacks fails. */
    NONE,
    /** Add missing columns (nullable), never drop or alter one. */
    BASIC
}
