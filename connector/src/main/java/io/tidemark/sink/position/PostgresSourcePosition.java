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

    /**
     * {@code sequence} is {@code ["<lastCommitLsn>","<lsn>"]}: the commit LSN of the transaction streamed before this
     * change's, then its own LSN. pgoutput sends transactions in commit order, so the pair, compared as
     * {@code lastCommitLsn × 2^64 + lsn}, grows along the stream even where change LSNs go backwards
     * (correctness.md §2.1). Null when the sequence names no previous commit.
     */
    @Override
    public RowVersion streamOrder() {
        if (kind != ReadKind.STREAMED || sequence == null || !sequence.startsWith("[")) {
            return null;
        }
        int comma = sequence.indexOf(',');
        if (comma < 0) {
            return null;
        }
        String lastCommit = sequence.substring(1, comma).trim();
        if (lastCommit.length() >= 2 && lastCommit.charAt(0) == '"' && lastCommit.charAt(lastCommit.length() - 1) == '"') {
            lastCommit = lastCommit.substring(1, lastCommit.length() - 1);
        }
        try {
            long lastCommitLsn = Long.parseLong(lastCommit);
            return lastCommitLsn >= 0 ? new RowVersion(lastCommitLsn, lsn) : null;
        } catch (NumberFormatException e) {
            // "null", or not a number: this change cannot be placed in the stream.
            return null;
        }
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
