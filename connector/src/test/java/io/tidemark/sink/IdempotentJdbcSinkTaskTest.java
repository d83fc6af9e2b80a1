package io.tidemark.sink;

import io.tidemark.sink.FakeSinkTaskContext.Reported;
import io.tidemark.sink.FakeTarget.Key;
import io.tidemark.sink.FakeTarget.Operation;
import io.tidemark.sink.FakeTarget.Outcome;
import io.tidemark.sink.FakeTarget.Transaction;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * The task's state machine, start() to stop(), with everything it builds real (transaction gate, apply thread,
 * applier, catalog, connection pool) over an in-memory target ({@link FakeTarget}), and the worker played by a
 * {@link FakeSinkTaskContext}. Each test calls the task as Connect's worker does: open() after start(), put() again
 * with the same records after a {@link RetriableException}, preCommit() with the consumer's positions.
 */
class IdempotentJdbcSinkTaskTest {

    private static final String ITEMS = "items";
    private static final TopicPartition P0 = new TopicPartition(DebeziumEvents.TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(DebeziumEvents.TOPIC, 1);

    private final FakeTarget target = new FakeTarget();
    private final FakeSinkTaskContext context = new FakeSinkTaskContext();
    private final DebeziumEvents p0 = new DebeziumEvents();
    /** Per partition, the offset after the last record put: the consumer's position. */
    private final Map<TopicPartition, Long> consumed = new HashMap<>();
    private IdempotentJdbcSinkTask task;

    @AfterEach
    void stopTask() {
        if (task != null) {
            task.stop();
        }
        assertThat(context.callsOffTaskThread).as("calls into the worker from threads other than the task's").isEmpty();
    }

    /**
     * Starts a task on the fake target; {@code overrides} are key, value pairs. Retries back off by 10 ms, and a
     * partition's last source transaction is held until another follows it: the idle wait (a minute) never passes.
     * Adaptive batches are off unless a test turns them on: whether a put() finds the apply thread still busy is a
     * matter of timing, and with them off every put() waits for it, as the tests of other mechanisms expect.
     */
    private void start(String... overrides) {
        Map<String, String> props = new HashMap<>(DebeziumEvents.sinkProps("jdbc:postgresql://fake-target/items"));
        props.put("topics", DebeziumEvents.TOPIC);
        props.put("retry.backoff.ms", "10");
        props.put("atomic.idle.ms", "60000");
        props.put("batch.adaptive", "false");
        for (int i = 0; i < overrides.length; i += 2) {
            props.put(overrides[i], overrides[i + 1]);
        }
        task = new IdempotentJdbcSinkTask(target.dataSource(), target);
        task.initialize(context);
        task.start(props);
    }

    private void put(List<SinkRecord> records) {
        for (SinkRecord r : records) {
            consumed.merge(new TopicPartition(r.topic(), r.kafkaPartition()), r.kafkaOffset() + 1, Math::max);
        }
        task.put(records);
    }

    /** What preCommit reports when the consumer is at its position in each of {@code assigned}. */
    private Map<TopicPartition, Long> preCommit(TopicPartition... assigned) {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (TopicPartition tp : assigned) {
            positions.put(tp, new OffsetAndMetadata(consumed.getOrDefault(tp, 0L)));
        }
        Map<TopicPartition, Long> reported = new HashMap<>();
        task.preCommit(positions).forEach((tp, offset) -> reported.put(tp, offset.offset()));
        return reported;
    }

    /** One insert of source transaction {@code txId} per id, at LSNs that grow with both. */
    private static List<SinkRecord> transaction(DebeziumEvents events, long txId, int... ids) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id : ids) {
            records.add(events.insert(id, "n" + id, id, txId * 1000 + id, txId));
        }
        return records;
    }

    @SafeVarargs
    private static List<SinkRecord> concat(List<SinkRecord>... parts) {
        List<SinkRecord> all = new ArrayList<>();
        for (List<SinkRecord> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    /** {@code records} as changes of the source table {@code table}, which is also their target table. */
    private static List<SinkRecord> onTable(String table, List<SinkRecord> records) {
        records.forEach(r -> ((Struct) r.value()).getStruct("source").put("table", table));
        return records;
    }

    /** preCommit's promise: no offset beyond the one the target's watermark table holds. */
    private void assertNotAheadOfTheTarget(Map<TopicPartition, Long> reported) {
        Map<TopicPartition, Long> stored = target.storedOffsets();
        reported.forEach((tp, offset) -> assertThat(offset).as("reported for %s", tp)
                .isLessThanOrEqualTo(stored.getOrDefault(tp, -1L)));
    }

    /** The committed items rows: name by id. */
    private Map<Object, Object> names() {
        return target.column(ITEMS, "name");
    }

    private static Key item(int id) {
        return FakeTarget.key(ITEMS, id);
    }

    /** The rows sent by the transactions that ended with {@code outcome}, in order. */
    private List<Key> sentIn(Outcome outcome) {
        return target.transactions().stream().filter(t -> t.outcome() == outcome)
                .flatMap(t -> t.sent().stream()).toList();
    }

    /** Returns once {@code thread} waits without a timeout (as in awaiting a future), or after 10 s. */
    private static void awaitWaiting(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    @Test
    void openSeeksEachAssignedPartitionToTheOffsetStoredInTheTargetAndPreCommitReportsThoseOffsets() {
        TopicPartition p2 = new TopicPartition(DebeziumEvents.TOPIC, 2);
        target.storeOffsets(Map.of(P0, 7L, P1, 3L));
        start();
        task.open(List.of(P0, P1, p2));

        assertThat(context.seeks).isEqualTo(Map.of(P0, 7L, P1, 3L));
        assertThat(preCommit(P0, P1, p2)).as("partition 2 has no stored offset: its consumer position is not committed")
                .isEqualTo(Map.of(P0, 7L, P1, 3L));
    }

    @Test
    void preCommitReportsNothingBeforeARecordIsCommitted() {
        start();
        task.open(List.of(P0));
        assertThat(context.seeks).isEmpty();
        assertThat(preCommit(P0)).isEmpty();

        put(List.of());
        assertThat(preCommit(P0)).isEmpty();
    }

    @Test
    void preCommitReportsWhatTheTargetCommittedAndNotTheRecordsHeldForAnUnfinishedSourceTransaction() {
        start();
        task.open(List.of(P0));
        put(concat(transaction(p0, 1, 0, 1), transaction(p0, 2, 2, 3)));

        assertThat(preCommit(P0)).as("transaction 2 may go on in the next put()")
                .isEqualTo(Map.of(P0, 2L)).isEqualTo(target.storedOffsets());
        assertThat(names()).containsOnlyKeys(0, 1);
        assertThat(context.timeouts).as("put() is to be called again when the idle wait is over")
                .containsExactly(60_000L);

        put(transaction(p0, 3, 4));
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 4L)).isEqualTo(target.storedOffsets());
        assertThat(names()).containsOnlyKeys(0, 1, 2, 3);
        assertThat(context.pausesAndResumes).as("holding back needs no pause").isEmpty();
        assertThat(context.commitRequests).isZero();
    }

    @Test
    void putReturnsWhileTheApplyThreadWritesAndPreCommitWaitsForThatCommit() throws InterruptedException {
        start("atomic.source.transactions", "false");
        task.open(List.of(P0));
        FakeTarget.Pause pause = target.pauseNextCommit();
        put(transaction(p0, 1, 0, 1, 2));

        pause.awaitReached();
        assertThat(target.storedOffsets()).as("put() returned before its records were committed").isEmpty();
        assertThat(target.uncommitted()).containsExactly(item(0), item(1), item(2));

        Thread releaser = releaseWhenTheTaskWaits(pause);
        assertThat(preCommit(P0)).as("the batch in flight, once committed")
                .isEqualTo(Map.of(P0, 3L)).isEqualTo(target.storedOffsets());
        releaser.join();
    }

    /** Releases {@code pause} once the task thread waits for the apply thread, however long that takes to happen. */
    private static Thread releaseWhenTheTaskWaits(FakeTarget.Pause pause) {
        Thread taskThread = Thread.currentThread();
        Thread releaser = new Thread(() -> {
            awaitWaiting(taskThread);
            pause.release();
        }, "release-the-commit");
        releaser.start();
        return releaser;
    }

    @Test
    void recordsArrivingWhileATransactionIsAppliedAreGatheredIntoOneLargerTransactionThatFoldsThem()
            throws InterruptedException {
        start("atomic.source.transactions", "false", "batch.adaptive", "true", "batch.size", "1",
                "batch.max.duration.ms", "600000");
        task.open(List.of(P0));
        FakeTarget.Pause pause = target.pauseNextCommit();
        put(List.of(p0.insert(0, "first", 1, 100, 1)));
        pause.awaitReached();
        Thread releaser = releaseWhenTheTaskWaits(pause);

        put(List.of(p0.insert(5, "a", 1, 200, 2)));
        put(List.of(p0.update(5, "b", 2, 300, 3)));
        put(List.of(p0.insert(6, "c", 3, 400, 4)));
        assertThat(target.storedOffsets()).as("the puts returned while the first transaction was being applied")
                .isEmpty();
        assertThat(context.timeouts).as("the worker is asked to come back soon").contains(5L);

        assertThat(preCommit(P0)).as("gathered records are not durable").isEqualTo(Map.of(P0, 1L));
        releaser.join();
        put(List.of());
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 4L)).isEqualTo(target.storedOffsets());
        assertThat(target.transactions()).as("the first transaction, then all that arrived while it was applied")
                .extracting(t -> t.sent().size()).containsExactly(1, 2);
        assertThat(sentIn(Outcome.COMMITTED)).as("the insert and the update of 5 written once")
                .containsExactly(item(0), item(5), item(6));
        assertThat(names()).containsOnly(entry(0, "first"), entry(5, "b"), entry(6, "c"));
    }

    @Test
    void aPutOfMoreThanBatchSizeRecordsGrowsTheTransactionsOnceACommitShowsHowFastTheTargetIs() {
        start("atomic.source.transactions", "false", "batch.adaptive", "true", "batch.size", "2");
        task.open(List.of(P0));
        put(transaction(p0, 1, 0, 1, 2, 3, 4, 5, 6));
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 7L));
        assertThat(target.transactions()).as("batch.size before the first commit, then the rest at once")
                .extracting(t -> t.sent().size()).containsExactly(2, 5);
    }

    @Test
    void withoutAdaptiveBatchesATransactionTakesBatchSizeRecords() {
        start("atomic.source.transactions", "false", "batch.size", "2");
        task.open(List.of(P0));
        put(transaction(p0, 1, 0, 1, 2, 3, 4));
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 5L));
        assertThat(target.transactions()).extracting(t -> t.sent().size()).containsExactly(2, 2, 1);
    }

    @Test
    void aTransactionTakesNoMoreRecordsThanTheByteBudgetAllows() {
        start("atomic.source.transactions", "false", "batch.adaptive", "true", "batch.size", "2",
                "batch.max.bytes", "1");
        task.open(List.of(P0));
        put(transaction(p0, 1, 0, 1, 2, 3, 4));
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 5L));
        assertThat(target.transactions()).as("batch.size records, then one more each time the budget is spent")
                .extracting(t -> t.sent().size()).containsExactly(2, 2, 1);
    }

    @Test
    void gatheringStopsAtTheByteBudgetAndThePutWaitsForTheTransactionBeingApplied() throws InterruptedException {
        start("atomic.source.transactions", "false", "batch.adaptive", "true", "batch.max.bytes", "1");
        task.open(List.of(P0));
        FakeTarget.Pause pause = target.pauseNextCommit();
        put(transaction(p0, 1, 0));
        pause.awaitReached();
        Thread releaser = releaseWhenTheTaskWaits(pause);

        put(transaction(p0, 2, 1));
        assertThat(target.storedOffsets()).as("the first put after it was gathered").isEmpty();
        put(transaction(p0, 3, 2));
        assertThat(target.storedOffsets()).as("the budget was spent: this put waited for the commit")
                .containsKey(P0);
        releaser.join();
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 3L)).isEqualTo(target.storedOffsets());
        assertThat(target.transactions()).extracting(t -> t.sent().size()).containsExactly(1, 2);
    }

    @Test
    void closingAPartitionDropsItsGatheredRecords() throws InterruptedException {
        DebeziumEvents p1 = new DebeziumEvents(DebeziumEvents.TOPIC, 1, 0);
        start("atomic.source.transactions", "false", "batch.adaptive", "true");
        task.open(List.of(P0, P1));
        FakeTarget.Pause pause = target.pauseNextCommit();
        put(transaction(p0, 1, 0));
        pause.awaitReached();
        Thread releaser = releaseWhenTheTaskWaits(pause);
        put(transaction(p1, 2, 10));
        put(transaction(p0, 3, 1));

        task.close(List.of(P1));
        releaser.join();
        put(List.of());
        assertThat(preCommit(P0, P1)).isEqualTo(Map.of(P0, 2L)).isEqualTo(target.storedOffsets());
        assertThat(names()).as("the record of partition 1 gathered before it was revoked is its new owner's")
                .containsOnlyKeys(0, 1);
    }

    @Test
    void aFailedTransactionAndTheRecordsGatheredWhileItRanAreAllApplied() {
        start("atomic.source.transactions", "false", "batch.adaptive", "true");
        task.open(List.of(P0));
        target.fail(Operation.SAVE_OFFSETS, 1, "08006");
        put(List.of(p0.insert(0, "old", 1, 100, 1)));
        put(List.of(p0.update(0, "new", 2, 200, 2)));
        preCommit(P0);

        put(List.of());
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 2L)).isEqualTo(target.storedOffsets());
        assertThat(names()).containsOnly(entry(0, "new"));
    }

    @Test
    void aTransientFailureMakesTheNextPutRetriableAndTheRecordsApplyOnceWhenItIsCalledAgain() {
        start("atomic.source.transactions", "false");
        task.open(List.of(P0));
        target.fail(Operation.SAVE_OFFSETS, 2, "08006");
        put(transaction(p0, 1, 0, 1, 2));
        assertThat(preCommit(P0)).as("the apply thread's attempt failed").isEmpty();

        assertThatThrownBy(() -> put(List.of())).as("the task thread's attempt failed too")
                .isInstanceOf(RetriableException.class);
        assertThat(context.timeouts).containsExactly(10L);
        assertThat(target.storedOffsets()).isEmpty();

        put(List.of());
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 3L)).isEqualTo(target.storedOffsets());
        assertThat(names()).containsOnlyKeys(0, 1, 2);
        assertThat(sentIn(Outcome.ROLLED_BACK)).containsExactly(item(0), item(1), item(2), item(0), item(1), item(2));
        assertThat(sentIn(Outcome.COMMITTED)).as("each record in one committed transaction")
                .containsExactly(item(0), item(1), item(2));
        assertThat(context.pausesAndResumes).as("the worker pauses for a retry, not the task").isEmpty();
    }

    @Test
    void transientFailuresBeyondMaxRetriesFailTheTask() {
        start("atomic.source.transactions", "false", "max.retries", "2");
        task.open(List.of(P0));
        target.fail(Operation.UPSERT, 100, "08006");
        put(transaction(p0, 1, 0, 1));
        assertThat(preCommit(P0)).isEmpty();

        assertThatThrownBy(() -> put(List.of())).isInstanceOf(RetriableException.class);
        assertThatThrownBy(() -> put(List.of())).isInstanceOf(RetriableException.class);
        assertThatThrownBy(() -> put(List.of())).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class).hasMessageContaining("giving up after 2 retries");
        assertThat(context.timeouts).as("the back-off doubles").containsExactly(10L, 20L);
        assertThat(target.storedOffsets()).isEmpty();
    }

    @Test
    void aRecordTheDatabaseRejectsIsReportedFromTheTaskThreadAndTheRestOfTheBatchIsApplied() {
        start("atomic.source.transactions", "false");
        task.open(List.of(P0));
        target.reject(ITEMS, 2);
        List<SinkRecord> records = transaction(p0, 1, 0, 1, 2, 3, 4);
        put(records);

        assertNotAheadOfTheTarget(preCommit(P0));
        assertThat(context.reported).as("the apply thread leaves the report to the task thread").isEmpty();

        put(List.of());
        assertThat(context.reported).extracting(Reported::record).containsExactly(records.get(2));
        assertThat(context.reported.get(0).error()).hasMessageContaining("shop.public.items-0@2")
                .hasRootCauseInstanceOf(SQLException.class);
        assertThat(names()).containsOnlyKeys(0, 1, 3, 4);
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 5L)).isEqualTo(target.storedOffsets());
    }

    /**
     * The apply thread commits the first half of a batch before it meets the rejected record and leaves the batch to
     * the task thread, whose redo starts again from the batch's first record: a snapshot read and the change after it
     * of a transaction open across the snapshot point (correctness.md §2.2) are applied a second time, and the second
     * time the guard lets the snapshot image over the change (its point is above the change's LSN) but not the change
     * (its LSN equals the row's).
     */
    @Test
    void recordsTheApplyThreadCommittedBeforeAnErrantRecordAreNotAppliedAgainByTheTaskThread() {
        start("atomic.source.transactions", "false");
        task.open(List.of(P0));
        target.reject(ITEMS, 2);
        put(List.of(p0.snapshot(1, "snapshot image", 1, 1000), p0.update(1, "changed after the snapshot", 2, 900, 5),
                p0.insert(2, "rejected", 3, 1001, 6), p0.insert(3, "n3", 3, 1002, 7)));
        assertNotAheadOfTheTarget(preCommit(P0));
        put(List.of());

        assertThat(names()).as("the source's rows: 1 as the transaction that committed after the snapshot left it")
                .containsOnlyKeys(1, 3).containsEntry(1, "changed after the snapshot");
    }

    @Test
    void aTaskStartedAfterACrashAppliesTheReemittedTailOfATransactionTheTargetHoldsWithoutWaitingForItsEnd() {
        TransactionMetadata metadata = new TransactionMetadata();
        TopicPartition markers = new TopicPartition("shop.transaction", 0);
        String topics = DebeziumEvents.TOPIC + ",shop.transaction";
        start("topics", topics);
        task.open(List.of(P0, markers));
        SinkRecord first = metadata.withBlock(DebeziumEvents.afterCommit(900, p0.insert(1, "a", 1, 1001, 5)), ITEMS);
        SinkRecord second = metadata.withBlock(DebeziumEvents.afterCommit(900, p0.insert(2, "b", 2, 1002, 5)), ITEMS);
        put(List.of(first, second, metadata.end(5, Map.of("public.items", 2L))));
        assertThat(preCommit(P0, markers)).containsEntry(P0, 2L);
        task.stop();

        // The worker was killed; Debezium resumes inside transaction 5 and, as 3.6 does, sends no BEGIN, the rest of
        // the transaction and an END counting all of it.
        start("topics", topics);
        task.open(List.of(P0, markers));
        put(List.of(p0.reemit(second), metadata.end(5, Map.of("public.items", 2L))));
        assertThat(preCommit(P0, markers)).as("applied at once, not held for atomic.end.timeout.ms")
                .containsEntry(P0, 3L).isEqualTo(target.storedOffsets());
        assertThat(names()).containsOnly(entry(1, "a"), entry(2, "b"));
    }

    @Test
    void closingAPartitionDropsItsHeldRecordsAndItsOffsetsFromPreCommit() {
        DebeziumEvents p1 = new DebeziumEvents(DebeziumEvents.TOPIC, 1, 0);
        start();
        task.open(List.of(P0, P1));
        put(concat(transaction(p0, 1, 0), transaction(p0, 2, 1), transaction(p1, 3, 10), transaction(p1, 4, 11)));
        assertThat(preCommit(P0, P1)).isEqualTo(Map.of(P0, 1L, P1, 1L));

        task.close(List.of(P1));
        assertThat(preCommit(P0, P1)).as("the new owner of partition 1 starts from its stored offset")
                .isEqualTo(Map.of(P0, 1L));

        put(transaction(p0, 5, 2));
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 2L));
        assertThat(names()).as("transaction 4, held when partition 1 was closed, is never applied here")
                .containsOnlyKeys(0, 1, 10);
        assertThat(target.uncommitted()).isEmpty();
    }

    @Test
    void stopRollsBackTheOpenTransactionAndClosesThePool() {
        start("atomic.max.held.records", "2");
        task.open(List.of(P0));
        put(transaction(p0, 1, 0, 1, 2, 3));
        assertThat(preCommit(P0)).isEmpty();
        assertThat(target.uncommitted()).as("more than atomic.max.held.records: written into a transaction kept open")
                .containsExactly(item(0), item(1), item(2), item(3));

        task.stop();
        task = null;
        assertThat(target.transactions()).last().satisfies(t -> {
            assertThat(t.outcome()).isEqualTo(Outcome.ROLLED_BACK);
            assertThat(t.sent()).containsExactly(item(0), item(1), item(2), item(3));
            assertThat(t.offsets()).as("its offsets went with its rows").isEqualTo(Map.of(P0, 4L));
        });
        assertThat(target.transactions()).extracting(Transaction::outcome).doesNotContain(Outcome.COMMITTED);
        assertThat(target.storedOffsets()).isEmpty();
        assertThat(target.openConnections()).isZero();
    }

    @Test
    void aLostConnectionUnderTheOpenTransactionSeeksBackToItsFirstRecordAndWritesItAgain() {
        start("atomic.max.held.records", "2");
        task.open(List.of(P0));
        target.fail(Operation.SAVE_OFFSETS, 1, "08006");
        List<SinkRecord> large = transaction(p0, 1, 0, 1, 2, 3);
        List<SinkRecord> next = transaction(p0, 2, 4);
        put(large);

        assertThatThrownBy(() -> put(next)).isInstanceOf(RetriableException.class);
        assertThat(context.seeks).isEqualTo(Map.of(P0, 0L));
        assertThat(context.timeouts).endsWith(10L);

        put(next);
        assertThat(target.transactions()).as("the batch delivered again is a copy from before the seek")
                .extracting(Transaction::outcome).containsExactly(Outcome.ROLLED_BACK);
        put(concat(large, next));
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 4L)).isEqualTo(target.storedOffsets());
        assertThat(names()).containsOnlyKeys(0, 1, 2, 3);
        assertThat(sentIn(Outcome.ROLLED_BACK)).containsExactly(item(0), item(1), item(2), item(3));
        assertThat(sentIn(Outcome.COMMITTED)).containsExactly(item(0), item(1), item(2), item(3));
    }

    /**
     * A target transaction kept open for a large source transaction must show none of it before it commits
     * (correctness.md §1.9, §4.1). When the source transaction goes on in a table the task has not written since it
     * started, the catalog describes that table inside the open transaction, and describe() ends the transaction it
     * reads in (the SPI's contract; PostgresDialect commits): what was written so far becomes visible.
     */
    @Test
    void aSourceTransactionWrittenIntoAnOpenTransactionStaysInvisibleWhenItReachesATableNewToTheTask() {
        String linesTopic = "shop.public.lines";
        TopicPartition lines0 = new TopicPartition(linesTopic, 0);
        DebeziumEvents lines = new DebeziumEvents(linesTopic, 0, 0);
        start("atomic.max.held.records", "2", "topics", DebeziumEvents.TOPIC + "," + linesTopic);
        task.open(List.of(P0, lines0));
        put(transaction(p0, 7, 0, 1, 2));
        put(onTable("lines", transaction(lines, 7, 0, 1)));

        assertThat(preCommit(P0, lines0)).isEmpty();
        assertThat(names()).as("rows of source transaction 7 while its target transaction is open").isEmpty();
    }

    @Test
    void aDatabaseDownAtOpenMakesTheNextPutReadTheStoredOffsetsBeforeItAppliesAnything() {
        target.storeOffsets(Map.of(P0, 3L));
        target.fail(Operation.CREATE_WATERMARK_TABLE, 1, "08006");
        start("atomic.source.transactions", "false");
        task.open(List.of(P0));
        assertThat(context.seeks).isEmpty();

        put(transaction(p0, 1, 0, 1, 2, 3, 4));
        assertThat(context.seeks).isEqualTo(Map.of(P0, 3L));
        assertThat(preCommit(P0)).isEqualTo(Map.of(P0, 5L)).isEqualTo(target.storedOffsets());
        assertThat(sentIn(Outcome.COMMITTED)).as("the records below the stored offset are in the target already")
                .containsExactly(item(3), item(4));
    }

    @Test
    void aDatabaseThatRefusesToReadStoredOffsetsFailsOpen() {
        target.fail(Operation.LOAD_OFFSETS, 1, "42501");
        start();
        assertThatThrownBy(() -> task.open(List.of(P0))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("cannot read stored offsets from cdc_watermark");
    }

    @Test
    void withoutErrorToleranceARejectedRecordFailsTheTaskNamingIt() {
        context.refuseErrantRecords();
        start("atomic.source.transactions", "false");
        task.open(List.of(P0));
        target.reject(ITEMS, 2);
        put(transaction(p0, 1, 0, 1, 2, 3));
        assertNotAheadOfTheTarget(preCommit(P0));

        assertThatThrownBy(() -> put(List.of())).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("cannot apply record shop.public.items-0@2");
        assertThat(names()).doesNotContainKeys(2, 3);
        assertNotAheadOfTheTarget(preCommit(P0));
    }
}
