package io.tidemark.bench;

/**
 * A target's lower bound: the workload's net changes (the last change of every key, computed in Java beforehand)
 * written by the database's fastest bulk path into a staging table and applied with one statement per kind of
 * change, in one transaction. Only the database work is timed; no Kafka, no converter, no per-event work.
 */
interface RawLimit {

    String label();

    /** Applies the net changes of {@code workload} to the empty table of {@code target}; returns the elapsed nanoseconds. */
    long apply(TargetTable target, Workload workload) throws Exception;
}
