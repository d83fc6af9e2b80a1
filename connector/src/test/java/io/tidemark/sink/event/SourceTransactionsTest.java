package io.tidemark.sink.event;

import io.tidemark.sink.DebeziumEvents;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SourceTransactionsTest {

    private final SourceTransactions transactions = new SourceTransactions();
    private final DebeziumEvents items = new DebeziumEvents();
    private final DebeziumEvents orders = new DebeziumEvents("shop.public.orders", 0, 0);

    @Test
    void theLastTransactionOfAPartitionIsHeldUntilItsEndIsSeen() {
        SinkRecord t1 = items.insert(1, "a", 1, 100, 7);
        SinkRecord t2a = items.insert(2, "b", 1, 110, 8);
        SinkRecord t2b = items.update(3, "c", 1, 111, 8);
        SourceTransactions.Split split = transactions.split(List.of(t1, t2a, t2b));
        assertThat(split.complete()).containsExactly(t1);
        assertThat(split.held()).containsExactly(t2a, t2b);
    }

    @Test
    void eachPartitionHoldsItsOwnTailAndKeepsItsOrder() {
        SinkRecord i1 = items.insert(1, "a", 1, 100, 7);
        SinkRecord o1 = orders.insert(1, "o", 1, 101, 7);
        SinkRecord i2 = items.insert(2, "b", 1, 110, 8);
        SinkRecord o2 = orders.insert(2, "o", 1, 111, 9);
        SinkRecord o3 = orders.insert(3, "o", 1, 112, 10);
        SourceTransactions.Split split = transactions.split(List.of(i1, o1, i2, o2, o3));
        assertThat(split.complete()).containsExactly(i1, o1, o2);
        assertThat(split.held()).containsExactly(i2, o3);
    }

    @Test
    void snapshotReadsAndIncrementalReadsAreTransactionsOfTheirOwn() {
        SinkRecord s1 = items.snapshot(1, "a", 1, 500);
        SinkRecord s2 = items.snapshot(2, "b", 1, 500);
        SinkRecord r = items.incremental(3, "c", 1, 600);
        SourceTransactions.Split split = transactions.split(List.of(s1, s2, r));
        assertThat(split.complete()).containsExactly(s1, s2, r);
        assertThat(split.held()).isEmpty();
        assertThat(transactions.commitPoints(List.of(s1, s2, r))).containsExactly(true, true, true);
    }

    @Test
    void aTombstoneBelongsToTheTransactionOfTheDeleteBeforeIt() {
        SinkRecord delete = items.delete(1, 100, 7);
        SinkRecord tombstone = items.tombstone(1);
        SinkRecord update = items.update(2, "b", 1, 101, 7);
        SinkRecord next = items.update(2, "c", 1, 120, 8);
        assertThat(transactions.commitPoints(List.of(delete, tombstone, update, next)))
                .containsExactly(false, false, true, true);
        assertThat(transactions.split(List.of(delete, tombstone)).held()).containsExactly(delete, tombstone);
    }

    @Test
    void commitPointsFallWhereNoPartitionIsInsideATransaction() {
        SinkRecord i1 = items.insert(1, "a", 1, 100, 7);
        SinkRecord o1 = orders.insert(1, "o", 1, 101, 7);
        SinkRecord i2 = items.insert(2, "b", 1, 102, 7);
        SinkRecord o2 = orders.insert(2, "o", 1, 103, 7);
        SinkRecord i3 = items.insert(3, "c", 1, 110, 8);
        SinkRecord o3 = orders.insert(3, "o", 1, 111, 9);
        // After i1 both partitions are inside transaction 7 until o2; after i3 orders has moved on to 9.
        assertThat(transactions.commitPoints(List.of(i1, o1, i2, o2, i3, o3)))
                .containsExactly(false, false, false, true, true, true);
    }

    @Test
    void neighbourRecordsAndUnreadableValuesNeverHoldAnything() {
        SinkRecord heartbeat = new SinkRecord("__debezium-heartbeat.shop", 0, null, null, null, "not a struct", 0);
        assertThat(transactions.split(List.of(heartbeat)).held()).isEmpty();
    }
}
