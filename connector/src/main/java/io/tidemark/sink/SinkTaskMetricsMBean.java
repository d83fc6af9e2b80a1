package io.tidemark.sink;

/**
 * What a sink task reports over JMX, as {@code io.tidemark:type=sink-task-metrics,connector=<name>,task=<n>}.
 * Counters run from the task's start.
 */
public interface SinkTaskMetricsMBean {

    /** Rows inserted, updated or deleted in the target. */
    long getRecordsApplied();

    /** Changes replaced inside a batch by a newer change of the same row (never reach the database). */
    long getRecordsFolded();

    /** Changes older than what the target already held (Debezium re-emission, re-snapshots), skipped by the guard. */
    long getRecordsSkippedStale();

    /** Records below the stored offset of their partition (Kafka redelivery), skipped. */
    long getRecordsSkippedDuplicate();

    /** Records that could not be applied and were reported to the dead-letter queue. */
    long getRecordsSentToDlq();

    /**
     * Debezium records on the subscribed topics that change no row (transaction markers, heartbeats, schema
     * changes, notifications), moved past.
     */
    long getRecordsSkippedNeighbour();

    /**
     * Times the held records of unfinished source transactions outgrew atomic.max.held.records and were written into
     * a target transaction kept open until they were complete.
     */
    long getSourceTransactionsStreamed();

    /**
     * Times a target transaction kept open for a large source transaction failed for a reason a retry does not cure
     * (a rejected or unreadable record), and its records were applied in several target transactions to isolate the
     * record that causes it, so that a reader could see part of a source transaction.
     */
    long getSourceTransactionsSplit();

    /** Database transactions committed with data and watermark. */
    long getBatchesCommitted();

    /** Duration of the last committed transaction, including the statements it ran. */
    long getLastCommitDurationMs();

    /** Records of the last committed transaction: batch.size or less when caught up, more under backlog (batch.adaptive). */
    long getLastTransactionRecords();

    /** The most records one committed transaction has taken since the task started. */
    long getLargestTransactionRecords();

    /** Wall-clock time from the source commit of the newest applied change to its commit in the target. */
    long getSourceToApplyLagMs();
}
