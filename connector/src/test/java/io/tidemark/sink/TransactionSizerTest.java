package io.tidemark.sink;

import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionSizerTest {

    private static final long NO_BYTE_LIMIT = Long.MAX_VALUE;

    private static List<SinkRecord> inserts(int count) {
        DebeziumEvents events = new DebeziumEvents();
        List<SinkRecord> records = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            records.add(events.insert(id, String.format("name %05d", id), id, 1000 + id, 1));
        }
        return records;
    }

    @Test
    void aTransactionTakesWhatTheTargetAppliedInTheMaximumDurationAtTheLastCommitsRate() {
        TransactionSizer sizer = new TransactionSizer(true, 100, NO_BYTE_LIMIT, 2_000);
        sizer.weigh(inserts(10));
        assertThat(sizer.end(10_000, 0)).as("batch.size before a commit was measured").isEqualTo(100);

        sizer.committed(1_000, 1_000_000_000L);
        assertThat(sizer.end(10_000, 0)).as("1,000 records a second, 2 s").isEqualTo(2_000);
        assertThat(sizer.end(10_000, 9_000)).as("what is left").isEqualTo(10_000);

        sizer.committed(10, 1_000_000_000L);
        assertThat(sizer.end(10_000, 0)).as("never fewer than batch.size").isEqualTo(100);
    }

    @Test
    void aTransactionTakesTheRecordsWhoseEstimatedBytesFitTheBudget() {
        List<SinkRecord> records = inserts(1_000);
        long each = RecordBytes.of(records.get(0));
        TransactionSizer sizer = new TransactionSizer(true, 10, 50 * each, 60_000);
        sizer.committed(1_000_000, 1_000_000_000L);
        assertThat(sizer.weigh(records)).isBetween(999 * each, 1_001 * each);
        assertThat(sizer.end(1_000, 0)).isBetween(49, 51);
        assertThat(sizer.gathers(49 * each)).isTrue();
        assertThat(sizer.gathers(50 * each)).isFalse();
    }

    @Test
    void oneRecordInSixteenIsWeighedForTheRecordsAroundIt() {
        DebeziumEvents events = new DebeziumEvents();
        List<SinkRecord> records = new ArrayList<>();
        for (int id = 0; id < 32; id++) {
            records.add(events.insert(id, id % TransactionSizer.SAMPLE_EVERY == 0 ? "x".repeat(10_000) : "x", id, 100, 1));
        }
        assertThat(sizer().weigh(records)).as("the large records are the sampled ones").isGreaterThan(32 * 20_000L);
    }

    private static TransactionSizer sizer() {
        return new TransactionSizer(true, 100, NO_BYTE_LIMIT, 2_000);
    }

    @Test
    void withoutAdaptiveBatchesATransactionTakesBatchSizeRecordsAndNothingIsGathered() {
        TransactionSizer sizer = new TransactionSizer(false, 100, NO_BYTE_LIMIT, 2_000);
        sizer.weigh(inserts(10));
        sizer.committed(1_000_000, 1_000_000L);
        assertThat(sizer.end(1_000, 0)).isEqualTo(100);
        assertThat(sizer.gathers(0)).isFalse();
    }

    @Test
    void aRecordsEstimatedSizeGrowsWithItsValues() {
        DebeziumEvents events = new DebeziumEvents();
        long small = RecordBytes.of(events.insert(1, "a", 1, 100, 1));
        long large = RecordBytes.of(events.insert(1, "a".repeat(10_000), 1, 100, 1));
        assertThat(small).isBetween(300L, 5_000L);
        assertThat(large - small).as("two bytes a character, at most").isBetween(10_000L, 20_000L);
    }
}
