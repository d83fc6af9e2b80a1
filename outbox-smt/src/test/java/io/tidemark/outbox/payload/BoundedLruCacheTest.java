package io.tidemark.outbox.payload;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedLruCacheTest {

    @Test
    void evictsTheLeastRecentlyUsedEntry() {
        BoundedLruCache<String, Integer> cache = new BoundedLruCache<>(2);
        cache.put("a", 1);
        cache.put("b", 2);
        cache.get("a");
        cache.put("c", 3);

        assertThat(cache.get("a")).isEqualTo(1);
        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("c")).isEqualTo(3);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void computesOnlyAbsentEntries() {
        BoundedLruCache<String, Integer> cache = new BoundedLruCache<>(2);

        assertThat(cache.computeIfAbsent("a", k -> 1)).isEqualTo(1);
        assertThat(cache.computeIfAbsent("a", k -> 2)).isEqualTo(1);
    }

    @Test
    void refusesAZeroSize() {
        assertThatThrownBy(() -> new BoundedLruCache<String, String>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
