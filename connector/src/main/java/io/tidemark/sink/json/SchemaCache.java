package io.tidemark.sink.json;

import org.apache.kafka.connect.data.Schema;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * Connect schemas by the exact bytes of their JSON, least recently used first out. A message's schema is
 * found by hashing and comparing a range of the message's bytes, without parsing it; only a schema not seen
 * before is parsed. The most recent entry is kept aside, so a run of records of one table needs no hashing.
 */
final class SchemaCache {

    /** A schema, the JSON bytes it was read from and the names of its fields. */
    record Entry(byte[] json, Schema schema, FieldNames names) {

        /** Whether {@code bytes} hold this entry's JSON at {@code from}. */
        boolean matchesAt(byte[] bytes, int from) {
            return from >= 0 && from + json.length <= bytes.length
                    && Arrays.equals(bytes, from, from + json.length, json, 0, json.length);
        }
    }

    private final Map<Key, Entry> entries;
    private Entry last;

    SchemaCache(int capacity) {
        this.entries = Lru.map(capacity);
    }

    /** The entry used last, or null. */
    synchronized Entry last() {
        return last;
    }

    /**
     * The schema whose JSON is {@code bytes[from, to)}; {@code parse} reads it on a miss.
     */
    synchronized Entry get(byte[] bytes, int from, int to, Function<byte[], Schema> parse) {
        Key probe = new Key(bytes, from, to);
        Entry entry = entries.get(probe);
        if (entry == null) {
            byte[] json = Arrays.copyOfRange(bytes, from, to);
            Schema schema = parse.apply(json);
            entry = new Entry(json, schema, new FieldNames(schema));
            entries.put(new Key(json, 0, json.length), entry);
        }
        last = entry;
        return entry;
    }

    synchronized int size() {
        return entries.size();
    }

    private static final class Key {
        private final byte[] bytes;
        private final int from;
        private final int to;
        private final int hash;

        Key(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.from = from;
            this.to = to;
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && Arrays.equals(bytes, from, to, k.bytes, k.from, k.to);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
