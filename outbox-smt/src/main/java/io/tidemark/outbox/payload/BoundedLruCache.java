package io.tidemark.outbox.payload;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A least-recently-used map with a hard size limit. Connect gives every task its own
 * transformation instance and calls it from one thread, so no locking is needed.
 */
public final class BoundedLruCache<K, V> {

    private final int maxEntries;
    private final LinkedHashMap<K, V> entries;

    public BoundedLruCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("an LRU cache needs room for at least one entry, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedLruCache.this.maxEntries;
            }
        };
    }

    public V get(K key) {
        return entries.get(key);
    }

    public V computeIfAbsent(K key, Function<? super K, ? extends V> compute) {
        V value = entries.get(key);
        if (value == null) {
            value = compute.apply(key);
            entries.put(key, value);
        }
        return value;
    }

    public void put(K key, V value) {
        entries.put(key, value);
    }

    public int size() {
        return entries.size();
    }
}
