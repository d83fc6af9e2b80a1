package io.tidemark.bench;

/**
 * A target's lower bound: net changes (the last change of every key, computed in Java beforehand) written by the
 * database's fastest bulk path into a staging table and applied with one statement per kind of change, one
 * transaction per window. With one window that is the workload's net state (contender {@code raw}); with windows of
 * {@code raw.window} events (contender {@code raw-window}) it is what the database does with the transactions a sink
 * committing every that many events writes. Only the database work is timed; no Kafka, no converter, no per-event
 * work.
 */
interface RawLimit {

    String label();

    /**
     * Applies the net changes of {@code workload} per window of {@code window} events in order to the table of
     * {@code target}, each window in a transaction of its own, with {@code stretch} around the database work only:
     * the net changes are computed and encoded before it starts.
     */
    void apply(TargetTable target, Workload workload, int window, Stretch stretch) throws Exception;
}
