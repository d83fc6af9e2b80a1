package io.tidemark.sink.schema;

import org.apache.kafka.connect.data.Schema;

import java.util.function.Function;

/**
 * What a record schema yields (its fields looked up by name, say), remembered for the last schema instance.
 * Converters hand out one instance per distinct schema, so consecutive records nearly always share it and the
 * lookup runs once per change of schema instead of once per record. A lookup that throws remembers nothing.
 */
public final class PerSchema<T> {

    private record Entry<T>(Schema schema, T value) {
    }

    private final Function<Schema, T> lookup;
    private volatile Entry<T> last;

    public PerSchema(Function<Schema, T> lookup) {
        this.lookup = lookup;
    }

    public T of(Schema schema) {
        Entry<T> entry = last;
        if (entry == null || entry.schema() != schema) {
            entry = new Entry<>(schema, lookup.apply(schema));
            last = entry;
        }
        return entry.value();
    }
}
