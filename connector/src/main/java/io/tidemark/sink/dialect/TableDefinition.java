package io.tidemark.sink.dialect;

import io.tidemark.sink.event.TableId;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * A target table as the database describes it.
 *
 * @param columns    column name to its SQL type as {@code format_type} prints it, in column order
 * @param primaryKey the primary-key column names, in key order
 */
public record TableDefinition(TableId id, Map<String, String> columns, List<String> primaryKey) {

    public TableDefinition {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        primaryKey = List.copyOf(primaryKey);
    }

    public String typeOf(String column) {
        String type = columns.get(column);
        if (type == null) {
            throw new IllegalStateException("table " + id + " has no column " + column);
        }
        return type;
    }

    public boolean has(String column) {
        return columns.containsKey(column);
    }
}
