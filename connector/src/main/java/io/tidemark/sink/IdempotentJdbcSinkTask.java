package io.tidemark.sink;

import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.event.ChangeEventReader;
import io.tidemark.sink.event.SourceTransactions;
import io.tidemark.sink.position.StreamHorizon;
import io.tidemark.sink.version.Version;
import io.tidemark.sink.writer.ChangeApplier;
import io.tidemark.sink.writer.ChangeApplier.RecordException;
import io.tidemark.sink.writer.ErrantRecords;
import io.tidemark.sink.writer.ReportedOnce;
import io.tidemark.sink.writer.SqlErrors;
import io.tidemark.sink.writer.TableCatalog;
import io.tidemark.sink.writer.WriteMode;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Lifecycle and offsets only. Each {@code put()} asks the {@link TransactionGate} which records to apply and how
 * (held back, applied in transactions the {@link TransactionSizer} sizes, or written into a target transaction kept
 * open), and hands them to an {@link ApplyThread} that applies them while the worker polls and converts the next
 * batch. A {@code put()} that finds that thread still busy gathers its records for the next transaction
 * ({@link GatheredRecords}, correctness.md §4.3) or, when that is full or adaptive batches are off, waits for it.
 * {@code preCommit} reports exactly the offsets stored in the target's watermark table.
 *
 * <p>Everything that talks to Connect (seeking to stored offsets, the dead-letter queue, retry timeouts) stays on
 * the task thread: a background batch that fails for any reason, or meets a record it would have to report, is
 * rolled back and applied again on the task thread at the next {@code put()}, exactly as if there were no
 * background thread.
 */
public class IdempotentJdbcSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotentJdbcSinkTask.class);
    private static final long MAX_BACKOFF_MS = 60_000;
    private static final long STOP_TIMEOUT_MS = 10_000;
    /** While records are gathered or held, how soon the worker calls put() again to see whether the apply thread is free. */
    private static final long GATHER_WAKE_MS = 5;
    /**
     * Stands in for the dead-letter queue on the apply thread, since Connect's reporter belongs to the task thread:
     * the batch is rolled back and redone there.
     */
    private static final ErrantRecords DEFER_TO_TASK_THREAD = (record, error) -> {
        throw new ErrantOnApplyThread();
    };

    /** A test's target: where the pool's connections come from and the dialect they speak; null: connection.url's. */
    private final DataSource connections;
    private final TargetDialect targetDialect;

    private SinkConfig config;
    private TargetPool dataSource;
    private TargetDialect dialect;
    private Watermarks watermarks;
    private ChangeApplier applier;
    private SinkTaskMetrics metrics;
    private boolean ownTablesReady;
    private int consecutiveFailures;
    private ApplyThread applyThread;
    /** Records handed to the apply thread, or failed there, whose commit has not been seen yet. */
    private List<SinkRecord> unconfirmed = List.of();
    /**
     * Next offset per partition whose records before it are committed in the target. The apply thread updates it,
     * and the horizons in {@link #transactions}, as it commits; the task thread reads or changes them only after
     * awaiting that thread's batch.
     */
    private final Map<TopicPartition, Long> durableOffsets = new HashMap<>();
    /** Assigned partitions whose stored offset has not been read yet (the database was down at open()). */
    private final Set<TopicPartition> unloaded = new HashSet<>();
    private final ReportedOnce errantRecords = new ReportedOnce(this::reportErrant);
    private SourceTransactions transactions;
    private TransactionGate gate;
    private TransactionSizer sizer;
    private final GatheredRecords gathered = new GatheredRecords();
    /** Why the open transaction last failed, until put() has dealt with it. */
    private Throwable openTransactionFailure;

    /** The task Connect creates: it writes to the database connection.url names, in that database's dialect. */
    public IdempotentJdbcSinkTask() {
        this(null, null);
    }

    /**
     * A task whose pool takes its connections from {@code connections} and that writes in {@code dialect}, whatever
     * connection.url names: unit tests run the whole task against a target of their own this way.
     */
    IdempotentJdbcSinkTask(DataSource connections, TargetDialect dialect) {
        this.connections = connections;
        this.targetDialect = dialect;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new SinkConfig(props);
        transactions = new SourceTransactions(config.subscribes());
        sizer = config.transactionSizer();
        String connectorName = props.getOrDefault("name", "tidemark-jdbc-sink");
        dialect = targetDialect != null ? targetDialect : config.dialect();
        dataSource = TargetPool.open(config, dialect, connectorName, connections);
        watermarks = dialect.watermarks(config.watermarkTable(), connectorName);
        applier = newApplier(config, dialect, watermarks, connectorName);
        String taskId = props.getOrDefault(IdempotentJdbcSinkConnector.TASK_ID, "0");
        metrics = new SinkTaskMetrics(connectorName, taskId);
        applyThread = new ApplyThread("tidemark-apply-" + connectorName + "-" + taskId);
        gate = new TransactionGate(transactions, config.atomicSourceTransactions(), config.atomicMaxHeldRecords(),
                new SourceTransactions.Waits(config.atomicIdleMs() * 1_000_000, config.atomicEndTimeoutMs() * 1_000_000),
                now -> new OpenTransaction(dataSource, now), metrics, new TransactionGate.Worker() {
                    @Override
                    public void seek(TopicPartition tp, long offset) {
                        context.offset(tp, offset);
                    }

                    @Override
                    public void callAgainWithin(long ms) {
                        context.timeout(ms);
                    }
                }, failure -> SqlErrors.isTransient(failure, dialect));
        LOG.info("Started sink task for connector {} writing to {} (mode={}, delete.mode={})",
                connectorName, config.urlForDisplay(), config.mode(), config.deleteMode());
    }

    /** The applier for a configuration: the one place that wires reader, catalog and write mode together. */
    public static ChangeApplier newApplier(SinkConfig config, TargetDialect dialect, Watermarks watermarks,
                                           String connectorName) {
        WriteMode mode = config.writeMode(dialect, connectorName);
        return new ChangeApplier(
                dialect,
                new ChangeEventReader(config.tableNameFormat(), config.unavailablePlaceholder()),
                new TableCatalog(dialect, config.autoCreate(), config.schemaEvolution(), mode),
                mode,
                watermarks,
                List.of(config.watermarkTable(), config.auditEventsTable()),
                config.snapshotReconcile());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        awaitApplyThread();
        unloaded.addAll(partitions);
        try (Connection connection = dataSource.getConnection()) {
            loadOffsets(connection);
        } catch (SQLException e) {
            if (!SqlErrors.isTransient(e, dialect)) {
                throw new ConnectException("cannot read stored offsets from " + config.watermarkTable() + ": "
                        + SqlErrors.message(e), e);
            }
            LOG.warn("Cannot read stored offsets yet ({}); will read them before applying records", SqlErrors.message(e));
        }
    }

    private void loadOffsets(Connection connection) throws SQLException {
        if (!ownTablesReady) {
            applier.createOwnTables(connection);
            ownTablesReady = true;
        }
        if (unloaded.isEmpty()) {
            return;
        }
        Map<TopicPartition, Watermarks.Stored> stored = watermarks.load(connection, unloaded);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        Map<TopicPartition, StreamHorizon> horizons = new HashMap<>();
        stored.forEach((tp, row) -> {
            offsets.put(tp, row.nextOffset());
            if (row.streamOrder() != null) {
                horizons.put(tp, new StreamHorizon(row.server(), row.streamOrder()));
            }
        });
        durableOffsets.putAll(offsets);
        offsets.forEach(context::offset);
        transactions.reached(horizons);
        LOG.info("Resuming from stored offsets {} (partitions without one start from the consumer group position: {})",
                offsets, unloaded.stream().filter(tp -> !stored.containsKey(tp)).toList());
        unloaded.clear();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        long bytes = sizer.weigh(records);
        if (applyThread.busy() && (records.isEmpty() || (!gate.streaming() && gathered.offer(records, bytes, sizer)))) {
            if (!gathered.isEmpty() || gate.waiting()) {
                context.timeout(GATHER_WAKE_MS);
            }
            return;
        }
        awaitApplyThread();
        if (openTransactionFailure != null) {
            Throwable failure = openTransactionFailure;
            openTransactionFailure = null;
            if (failure instanceof SQLException e && SqlErrors.isTransient(e, dialect)) {
                // Connect delivers this batch again after the back-off; the gate drops it as a copy from before the seek.
                throw retryOrFail(e);
            }
        }
        if (!unconfirmed.isEmpty() || !unloaded.isEmpty()) {
            applyOnTaskThread(unconfirmed);
            unconfirmed = List.of();
        }
        TransactionGate.Step step = gate.next(gathered.drainWith(records), System.nanoTime());
        if (step instanceof TransactionGate.Step.Apply apply) {
            unconfirmed = apply.records();
            applyThread.start(() -> {
                try (Connection connection = dataSource.getConnection()) {
                    applyAll(connection, apply.records(), DEFER_TO_TASK_THREAD, apply.atomic());
                }
            });
        } else if (step instanceof TransactionGate.Step.Write write) {
            writeIntoOpenTransaction(write);
        }
    }

    /** Writes into the open transaction on the apply thread, then commits it if the step says so. */
    private void writeIntoOpenTransaction(TransactionGate.Step.Write write) {
        OpenTransaction transaction = write.transaction();
        applyThread.start(() -> {
            try {
                transaction.write(applier, write.records(), durableOffsets, DEFER_TO_TASK_THREAD, config.batchSize());
                if (write.commit()) {
                    long started = System.nanoTime();
                    ChangeApplier.Result result = transaction.commit();
                    durableOffsets.putAll(result.nextOffsets());
                    transactions.reached(result.horizons());
                    metrics.recordCommit(result, (System.nanoTime() - started) / 1_000_000);
                    LOG.info("Committed the target transaction kept open for {} ms: {} records",
                            (System.nanoTime() - transaction.openedNanos()) / 1_000_000, result.records());
                }
            } catch (Throwable e) {
                throw new OpenTransactionFailed(e);
            }
        });
    }

    private static final class OpenTransactionFailed extends RuntimeException {
        OpenTransactionFailed(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /**
     * Waits for the batch on the apply thread. If it completed, its records are confirmed; otherwise they stay in
     * {@link #unconfirmed}, for the next {@code put()} to apply on the task thread.
     */
    private void awaitApplyThread() {
        if (!applyThread.started()) {
            return;
        }
        Throwable failure;
        try {
            failure = applyThread.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting for the batch being applied", e);
        }
        if (failure == null) {
            unconfirmed = List.of();
            consecutiveFailures = 0;
        } else if (failure instanceof OpenTransactionFailed) {
            openTransactionFailure = failure.getCause();
            gate.failed(failure.getCause());
        } else if (!(failure instanceof ErrantOnApplyThread)) {
            LOG.debug("Applying {} records in the background failed ({}); applying them on the task thread",
                    unconfirmed.size(), failure.toString());
        }
    }

    /**
     * Reads stored offsets if some are still unknown, then applies {@code records} on the task thread, reporting
     * errant records to Connect; a transient database error becomes a {@link RetriableException} with back-off.
     */
    private void applyOnTaskThread(List<SinkRecord> records) {
        try (Connection connection = dataSource.getConnection()) {
            loadOffsets(connection);
            applyAll(connection, records, errantRecords, gate.atomic());
            consecutiveFailures = 0;
            errantRecords.forget();
        } catch (SQLException e) {
            throw retryOrFail(e);
        }
    }

    /**
     * Applies {@code records} in transactions the {@link TransactionSizer} sizes, each extended (in atomic mode) to the
     * next point where no source transaction of a partition is cut.
     */
    private void applyAll(Connection connection, List<SinkRecord> records, ErrantRecords errant, boolean atomic)
            throws SQLException {
        boolean[] commitPoints = atomic ? transactions.commitPoints(records) : null;
        for (int from = 0, to; from < records.size(); from = to) {
            to = sizer.end(records.size(), from);
            while (commitPoints != null && !commitPoints[to - 1]) {
                to++;
            }
            List<SinkRecord> chunk = records.subList(from, to);
            long started = System.nanoTime();
            ChangeApplier.Result result = applier.applyIsolatingFailures(connection, chunk, durableOffsets, errant);
            long nanos = System.nanoTime() - started;
            durableOffsets.putAll(result.nextOffsets());
            transactions.reached(result.horizons());
            sizer.committed(chunk.size(), nanos);
            metrics.recordCommit(result, nanos / 1_000_000);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Applied {} records: {} rows written, {} stale, {} redelivered",
                        result.records(), result.rowsWritten(), result.skippedStale(), result.skippedRedelivered());
            }
        }
    }

    private static final class ErrantOnApplyThread extends RuntimeException {
        ErrantOnApplyThread() {
            super("a record must be reported on the task thread", null, false, false);
        }
    }

    /**
     * Sends a record that cannot be applied to Connect's error handling: with {@code errors.tolerance=all}
     * it goes to the dead-letter queue (if configured) and the rest of the batch is applied; otherwise the
     * task fails with the record's topic, partition, offset and the reason.
     */
    private void reportErrant(SinkRecord record, Throwable error) {
        RecordException failure = error instanceof RecordException r ? r : new RecordException(record, error);
        ErrantRecordReporter reporter = context.errantRecordReporter();
        if (reporter == null) {
            throw failure;
        }
        try {
            reporter.report(record, failure).get();
        } catch (ConnectException e) {
            // errors.tolerance=none: Connect refuses the report; fail with the record's own message.
            failure.addSuppressed(e);
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while reporting " + ChangeApplier.describe(record) + " to the dead-letter queue", e);
        } catch (ExecutionException e) {
            throw new ConnectException("could not report " + ChangeApplier.describe(record) + " to the dead-letter queue", e.getCause());
        }
        LOG.warn("Reported record {} as errant: {}", ChangeApplier.describe(record), failure.getMessage());
    }

    private RuntimeException retryOrFail(SQLException e) {
        if (!SqlErrors.isTransient(e, dialect)) {
            return new ConnectException("the target database rejected the batch: " + SqlErrors.message(e), e);
        }
        consecutiveFailures++;
        if (consecutiveFailures > config.maxRetries()) {
            return new ConnectException("giving up after " + config.maxRetries() + " retries of a transient database error: "
                    + SqlErrors.message(e), e);
        }
        long backoff = Math.min(MAX_BACKOFF_MS, config.retryBackoffMs() << Math.min(20, consecutiveFailures - 1));
        LOG.warn("Transient database error (attempt {} of {}), retrying in {} ms: {}",
                consecutiveFailures, config.maxRetries() + 1, backoff, SqlErrors.message(e));
        context.timeout(backoff);
        return new RetriableException(e.getMessage(), e);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // Once per commit interval (and before partitions are closed): report the batch in flight too.
        awaitApplyThread();
        Map<TopicPartition, OffsetAndMetadata> durable = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            Long next = durableOffsets.get(tp);
            if (next != null) {
                durable.put(tp, new OffsetAndMetadata(next));
            }
        }
        return durable;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        awaitApplyThread();
        // Records of a failed batch or gathered from revoked partitions are the new owner's to apply, from the watermark.
        unconfirmed = unconfirmed.stream()
                .filter(r -> !partitions.contains(new TopicPartition(r.topic(), r.kafkaPartition())))
                .toList();
        gathered.drop(partitions);
        gate.revoked(partitions);
        transactions.revoked(partitions);
        partitions.forEach(durableOffsets::remove);
        unloaded.removeAll(partitions);
    }

    @Override
    public void stop() {
        if (applyThread != null && !applyThread.close(STOP_TIMEOUT_MS)) {
            LOG.warn("The batch being applied did not finish within {} ms of stop(); closing its connection rolls it back",
                    STOP_TIMEOUT_MS);
        }
        if (gate != null) {
            gate.stop();
        }
        gathered.clear();
        if (metrics != null) {
            metrics.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
