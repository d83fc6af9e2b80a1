package io.tidemark.sink.position;

/**
 * Where in the source's log one change event comes from.
 *
 * <p>{@link #rowVersion()} orders the changes of <em>one row</em>: the source serialises changes to a
 * row (row locks), so a later streamed change of the same row always has a greater row version. It is not a
 * safe order across rows or across a partition (docs/correctness.md §2.1); the sink uses it only per row,
 * stored beside the row. The remaining fields are what the watermark table shows a person.
 */
public interface SourcePosition {

    /**
     * Streamed changes: greater for a later change of the same row, equal for the same change emitted again.
     * Snapshot reads: the snapshot point. Incremental reads: the log position at which the chunk was emitted,
     * which identifies the read but does not order it against the row's changes (correctness.md §2.3).
     */
    RowVersion rowVersion();

    /**
     * Streamed changes: the order in which the source connector emits the changes of its whole stream, so
     * non-decreasing along a topic partition and equal for the same change emitted again (correctness.md §4.1).
     * Null for snapshot and incremental reads, and when the event does not tell.
     */
    RowVersion streamOrder();

    /** How the event came to be: streamed, or read by a snapshot or an incremental snapshot. */
    ReadKind kind();

    /**
     * True for the last read of a table's initial or blocking snapshot: Debezium marks it
     * {@code last_in_data_collection}, or {@code last} on the snapshot's last table. Every read of the table's
     * snapshot comes before it.
     */
    boolean completesTableSnapshot();

    /** The logical name of the source (Debezium's {@code source.name}, the topic prefix). */
    String server();

    /**
     * The log position in the source's own notation: {@code 0/16B3748} for PostgreSQL, {@code mysql-bin.000003:4711:2}
     * (file, event position, row) for a binlog.
     */
    String logPosition();

    /** The source's ordering tuple as the connector publishes it, or null. */
    String sequence();

    /** The source transaction id, or null (snapshot reads, some connectors). */
    Long txId();

    /** The source commit time in epoch milliseconds, or null when not known. */
    Long timestampMs();
}
