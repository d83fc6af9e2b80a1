package io.tidemark.sink.position;

/** How a change event came to be, which decides the guard rule that applies to it (correctness.md §3). */
public enum ReadKind {
    /** A change read from the source's log: ordered against other changes of its row by its row version. */
    STREAMED,
    /** A row of an initial or blocking snapshot: the row as of the snapshot point, its row version. */
    SNAPSHOT,
    /**
     * A row of an incremental snapshot chunk: ordered against the changes of its row only by its place in the topic
     * partition (Debezium's DBLog window), so it carries no row version the guard could use.
     */
    INCREMENTAL
}
