package io.tidemark.deploy;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BacklogTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("shop.public.orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("shop.public.orders", 1);
    private static final TopicPartition MARKERS = new TopicPartition("shop.transaction", 0);

    @Test
    void theRecordsBehindEachPartitionsEndAddUp() {
        assertThat(Backlog.behind(Map.of(ORDERS_0, 100L, ORDERS_1, 50L), Map.of(ORDERS_0, 90L, ORDERS_1, 47L))).isEqualTo(13);
    }

    @Test
    void aPartitionWithoutPositionIsBehindByAllItsRecords() {
        assertThat(Backlog.behind(Map.of(ORDERS_0, 100L, MARKERS, 7L), Map.of(ORDERS_0, 100L))).isEqualTo(7);
    }

    @Test
    void aPositionAtOrPastTheEndCountsNothing() {
        assertThat(Backlog.behind(Map.of(ORDERS_0, 100L, ORDERS_1, 5L), Map.of(ORDERS_0, 100L, ORDERS_1, 9L))).isZero();
    }

    @Test
    void positionsOfPartitionsWithoutAnEndAreNotCounted() {
        assertThat(Backlog.behind(Map.of(ORDERS_0, 10L), Map.of(ORDERS_0, 4L, MARKERS, 0L))).isEqualTo(6);
    }
}
