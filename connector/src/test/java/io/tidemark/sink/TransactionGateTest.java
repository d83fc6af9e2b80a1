package io.tidemark.sink;

import io.tidemark.sink.dialect.postgres.PostgresDialect;
import io.tidemark.sink.writer.SqlErrors;
import io.tidemark.sink.event.SourceTransactions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate's decisions, put() by put(), with in-memory records and no database (correctness.md §4.1). */
class TransactionGateTest {

    private static final long MS = 1_000_000L;
    private static final TopicPartition ITEMS = new TopicPartition(DebeziumEvents.TOPIC, 0);

    private final SinkTaskMetrics metrics = new SinkTaskMetrics("gate-test", "0");
    private final Map<TopicPartition, Long> seeks = new HashMap<>();
    private final List<Long> wakes = new ArrayList<>();
    private final TransactionGate gate = new TransactionGate(new SourceTransactions(), true, 5,
            new SourceTransactions.Waits(250 * MS, 60_000 * MS), now -> new OpenTransaction(null, now), metrics,
            new TransactionGate.Worker() {
                @Override
                public void seek(TopicPartition tp, long offset) {
                    seeks.put(tp, offset);
                }

                @Override
                public void callAgainWithin(long ms) {
                    wakes.add(ms);
                }
            }, failure -> SqlErrors.isTransient(failure, new PostgresDialect()));
    private final DebeziumEvents items = new DebeziumEvents();

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    /** {@code count} inserts of transaction {@code txId}. */
    private List<SinkRecord> transaction(long txId, int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(items.insert(i, "n", 1, txId * 100 + i, txId));
        }
        return records;
    }

    private static List<SinkRecord> concat(List<SinkRecord> a, List<SinkRecord> b) {
        List<SinkRecord> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void theLastTransactionIsHeldUntilTheNextOneFollowsAndThenAppliedAtCommitPoints() {
        List<SinkRecord> first = transaction(1, 2);
        List<SinkRecord> second = transaction(2, 2);
        assertThat(gate.next(first, 0)).as("transaction 1 may continue").isNull();
        assertThat(wakes).containsExactly(250L);
        TransactionGate.Step step = gate.next(second, 10 * MS);
        assertThat(step).isEqualTo(new TransactionGate.Step.Apply(first, true));
    }

    @Test
    void aHeldTransactionIsAppliedOnceItsPartitionHasBeenQuietForTheIdleWait() {
        List<SinkRecord> first = transaction(1, 2);
        gate.next(first, 0);
        assertThat(gate.next(List.of(), 249 * MS)).isNull();
        assertThat(gate.next(List.of(), 250 * MS)).isEqualTo(new TransactionGate.Step.Apply(first, true));
    }

    @Test
    void aTransactionLargerThanTheHeldBoundIsWrittenIntoAnOpenTransactionThatCommitsWhenItIsFollowed() {
        List<SinkRecord> start = transaction(1, 4);
        assertThat(gate.next(start, 0)).as("4 held, within the bound of 5").isNull();
        List<SinkRecord> more = transaction(1, 3);
        TransactionGate.Step.Write open = (TransactionGate.Step.Write) gate.next(more, MS);
        assertThat(open.records()).containsExactlyElementsOf(concat(start, more));
        assertThat(open.commit()).isFalse();
        assertThat(metrics.getSourceTransactionsStreamed()).isEqualTo(1);

        List<SinkRecord> end = transaction(1, 2);
        List<SinkRecord> next = transaction(2, 1);
        TransactionGate.Step.Write commit = (TransactionGate.Step.Write) gate.next(concat(end, next), 2 * MS);
        assertThat(commit.transaction()).isSameAs(open.transaction());
        assertThat(commit.records()).as("up to the end of transaction 1").containsExactlyElementsOf(end);
        assertThat(commit.commit()).isTrue();
        assertThat(wakes).as("the record after the commit point is handled at the next put()").contains(1L);
    }

    @Test
    void aTransientFailureSeeksBackToTheFirstRecordWrittenAndDropsCopiesUntilItComesAgain() {
        List<SinkRecord> big = transaction(1, 7);
        gate.next(big.subList(0, 4), 0);
        gate.next(big.subList(4, 7), MS);
        List<SinkRecord> later = transaction(1, 2);
        gate.next(later, 2 * MS);

        gate.failed(new SQLTransientConnectionException("connection is not available"));
        assertThat(seeks).containsExactly(Map.entry(ITEMS, big.get(0).kafkaOffset()));
        assertThat(gate.next(later, 3 * MS)).as("a copy from before the seek").isNull();
        assertThat(gate.atomic()).as("a transient failure: atomic again").isTrue();

        List<SinkRecord> again = concat(big, later);
        TransactionGate.Step.Write reopened = (TransactionGate.Step.Write) gate.next(again, 4 * MS);
        assertThat(reopened.records()).containsExactlyElementsOf(again);
        assertThat(reopened.commit()).isFalse();
    }

    @Test
    void anotherFailureAppliesTheRecordsUpToTheLastOneWrittenAsIfAtomicApplyWereOff() {
        List<SinkRecord> big = transaction(1, 7);
        gate.next(big.subList(0, 4), 0);
        gate.next(big.subList(4, 7), MS);
        gate.failed(new SQLException("invalid input syntax for type integer", "22P02"));
        assertThat(metrics.getSourceTransactionsSplit()).isEqualTo(1);
        assertThat(gate.atomic()).isFalse();

        TransactionGate.Step step = gate.next(big.subList(0, 5), 2 * MS);
        assertThat(step).isEqualTo(new TransactionGate.Step.Apply(big.subList(0, 5), false));
        assertThat(gate.atomic()).as("not yet past the last record written").isFalse();
        gate.next(big.subList(5, 7), 3 * MS);
        assertThat(gate.atomic()).isTrue();
    }

    @Test
    void revokingAPartitionOfTheOpenTransactionAbandonsItAndKeepsNoSeekForThatPartition() {
        List<SinkRecord> big = transaction(1, 7);
        gate.next(big.subList(0, 4), 0);
        gate.next(big.subList(4, 7), MS);
        gate.revoked(List.of(ITEMS));
        assertThat(seeks).as("the new owner starts from the watermark").isEmpty();
        assertThat(gate.next(transaction(2, 1), 2 * MS)).as("nothing dropped, nothing held from before").isNull();
    }
}
