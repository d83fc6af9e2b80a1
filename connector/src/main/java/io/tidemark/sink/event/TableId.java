package io.tidemark.sink.event;

import java.util.Objects;

/** A target table, optionally schema-qualified. Names are kept exactly as given and always quoted in SQL. */
public record TableId(String schema, String table) {

    public TableId {
        Objects.requireNonNull(table, "table");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("a table name cannot be empty");
        }
        if (schema != null && schema.isEmpty()) {
            throw new IllegalArgumentException("a schema name cannot be empty");
        }
    }

    /**
     * Parses {@code table} or {@code schema.table}: the first dot separates the schema. Names with
     * dots of their own come from placeholders, which the formatter escapes before this parse.
     */
    public static TableId parse(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? new TableId(null, name) : new TableId(name.substring(0, dot), name.substring(dot + 1));
    }

    @Override
    public String toString() {
        return schema == null ? table : schema + "." + table;
    }
}
