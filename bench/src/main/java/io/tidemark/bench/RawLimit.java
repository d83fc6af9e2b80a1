package io.tidemark.bench;

import java.util.List;

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
     * Applies {@code windows} of net changes in order to the table of {@code target}, each in a transaction of its
     * own, with {@code stretch} around the database work.
     */
    void apply(TargetTable target, List<List<Workload.Change>> windows, Stretch stretch) throws Exception;
}
