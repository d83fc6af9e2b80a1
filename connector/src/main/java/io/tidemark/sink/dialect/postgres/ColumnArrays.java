package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.TableDefinition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The statement parameters of a batch: one array per column holding that column's value of every row, each
 * with its {@link ParameterType}. A column is typed only when every row's field maps to the same type, so rows
 * of an older and a newer schema in one batch still travel together (as text where they differ).
 */
final class ColumnArrays {

    private final List<ParameterType> types = new ArrayList<>();
    private final List<Object[]> arrays = new ArrayList<>();

    /** The values of {@code columns} (field names) of {@code rows}, typed for the columns of {@code table}. */
    static ColumnArrays of(TableDefinition table, List<String> columns, List<Struct> rows) {
        Map<Schema, Field[]> fieldsBySchema = new IdentityHashMap<>();
        for (Struct row : rows) {
            fieldsBySchema.computeIfAbsent(row.schema(), schema -> {
                Field[] fields = new Field[columns.size()];
                for (int c = 0; c < fields.length; c++) {
                    fields[c] = schema.field(columns.get(c));
                }
                return fields;
            });
        }
        ColumnArrays out = new ColumnArrays();
        int n = rows.size();
        for (int c = 0; c < columns.size(); c++) {
            ParameterType type = null;
            for (Field[] fields : fieldsBySchema.values()) {
                ParameterType own = ParameterType.of(fields[c].schema(), table.typeOf(columns.get(c)));
                type = type == null || type == own ? own : ParameterType.TEXT;
            }
            Object[] values = type.newArray(n);
            Schema last = null;
            Field field = null;
            Function<Object, ?> encoder = null;
            for (int r = 0; r < n; r++) {
                Struct row = rows.get(r);
                if (row.schema() != last) {
                    last = row.schema();
                    field = fieldsBySchema.get(last)[c];
                    encoder = type.encoder(field.schema());
                }
                // A NULL stays NULL: Struct.get would give the field's default instead.
                Object value = row.getWithoutDefault(field.name());
                values[r] = value == null ? null : encoder.apply(value);
            }
            out.add(type, values);
        }
        return out;
    }

    void add(ParameterType type, Object[] values) {
        types.add(type);
        arrays.add(values);
    }

    /** The types of the arrays added so far (a copy). */
    List<ParameterType> types() {
        return List.copyOf(types);
    }

    List<Object[]> arrays() {
        return Collections.unmodifiableList(arrays);
    }
}
