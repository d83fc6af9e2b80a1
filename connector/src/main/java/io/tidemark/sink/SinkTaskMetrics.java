package io.tidemark.sink;

import io.tidemark.sink.writer.ChangeApplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/** The task's JMX metrics; updated by the task thread, read by any JMX client. */
final class SinkTaskMetrics implements SinkTaskMetricsMBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkTaskMetrics.class);

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong folded = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong duplicate = new AtomicLong();
    private final AtomicLong dlq = new AtomicLong();
    private final AtomicLong neighbours = new AtomicLong();
    private final AtomicLong streamedTransactions = new AtomicLong();
    private final AtomicLong splitTransactions = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile long lastCommitDurationMs;
    private volatile long lastTransactionRecords;
    private volatile long largestTransactionRecords;
    private volatile long sourceToApplyLagMs;
    private final ObjectName name;

    SinkTaskMetrics(String connector, String task) {
        this.name = objectName(connector, task);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(this, name);
        } catch (JMException e) {
            LOG.warn("Cannot register JMX metrics {}: {}", name, e.getMessage());
        }
    }

    static ObjectName objectName(String connector, String task) {
        try {
            return new ObjectName("io.tidemark:type=sink-task-metrics,connector=" + ObjectName.quote(connector)
                    + ",task=" + ObjectName.quote(task));
        } catch (JMException e) {
            throw new IllegalArgumentException("cannot name metrics for connector " + connector, e);
        }
    }

    void recordCommit(ChangeApplier.Result result, long durationMs) {
        applied.addAndGet(result.rowsWritten());
        folded.addAndGet(result.folded());
        stale.addAndGet(result.skippedStale());
        duplicate.addAndGet(result.skippedRedelivered());
        dlq.addAndGet(result.errant());
        neighbours.addAndGet(result.neighbours());
        if (!result.nextOffsets().isEmpty()) {
            batches.incrementAndGet();
            lastCommitDurationMs = durationMs;
            lastTransactionRecords = result.records();
            largestTransactionRecords = Math.max(largestTransactionRecords, result.records());
        }
        if (result.lastSourceTsMs() != null) {
            sourceToApplyLagMs = Math.max(0, System.currentTimeMillis() - result.lastSourceTsMs());
        }
    }

    void recordStreamedTransaction() {
        streamedTransactions.incrementAndGet();
    }

    @Override
    public long getSourceTransactionsStreamed() {
        return streamedTransactions.get();
    }

    void recordSplitTransaction() {
        splitTransactions.incrementAndGet();
    }

    @Override
    public long getSourceTransactionsSplit() {
        return splitTransactions.get();
    }

    @Override
    public long getRecordsApplied() {
        return applied.get();
    }

    @Override
    public long getRecordsFolded() {
        return folded.get();
    }

    @Override
    public long getRecordsSkippedStale() {
        return stale.get();
    }

    @Override
    public long getRecordsSkippedDuplicate() {
        return duplicate.get();
    }

    @Override
    public long getRecordsSentToDlq() {
        return dlq.get();
    }

    @Override
    public long getRecordsSkippedNeighbour() {
        return neighbours.get();
    }

    @Override
    public long getBatchesCommitted() {
        return batches.get();
    }

    @Override
    public long getLastCommitDurationMs() {
        return lastCommitDurationMs;
    }

    @Override
    public long getLastTransactionRecords() {
        return lastTransactionRecords;
    }

    @Override
    public long getLargestTransactionRecords() {
        return largestTransactionRecords;
    }

    @Override
    public long getSourceToApplyLagMs() {
        return sourceToApplyLagMs;
    }

    @Override
    public void close() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            LOG.debug("Metrics {} were not registered: {}", name, e.getMessage());
        }
    }
}
