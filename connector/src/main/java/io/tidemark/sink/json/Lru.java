package io.tidemark.sink.json;

import java.util.LinkedHashMap;
import java.util.Map;

/** Access-ordered maps that forget their least recently used entry beyond a capacity. */
final class Lru {

    private Lru() {
    }

    static <K, V> Map<K, V> map(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
