package io.tidemark.sink.position;

/**
 * A Debezium PostgreSQL position. The change LSN is the row version: changes to one row are
 * serialised by row locks, so their LSNs increase in commit order (docs/correctness.md §2.1), while across rows
 * of interleaved transactions the LSN may go backwards. An incremental-snapshot row has no change LSN; it holds
 * the LSN of the window's close marker (the second element of its sequence).
 */
public record PostgresSourcePosition(String server, long lsn, String sequence, Long txId, Long timestampMs,
                                     ReadKind kind, boolean completesTableSnapshot) implements SourcePosition {

    @Override
    public RowVersion rowVersion() {
        return RowVersion.of(lsn);
    }

    @Override
    public String logPosition() {
        return formatLsn(lsn);
    }

    /** PostgreSQL's textual pg_lsn form: high and low 32 bits in hex, separated by a slash. */
    public static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
