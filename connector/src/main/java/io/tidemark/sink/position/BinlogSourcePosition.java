package io.tidemark.sink.position;

/**
 * A Debezium MySQL (or MariaDB) position: binlog {@code file}, the {@code pos} of the rows event and the {@code row}
 * within it. The binlog is written in commit order, one transaction after another, so (file, pos, row) orders every
 * change of the source, not only those of one row (docs/correctness.md §2.6). Positions compare only within one
 * binlog history: {@code serverId} names the server that wrote it.
 *
 * @param fileIndex the numeric suffix of {@code file} ({@code mysql-bin.000003} is 3), which orders the files
 */
public record BinlogSourcePosition(String server, String file, long fileIndex, long pos, int row, Long serverId,
                                   String gtid, String sequence, Long timestampMs, ReadKind kind,
                                   boolean completesTableSnapshot) implements SourcePosition {

    /** The largest event position a binlog file holds: the v4 event header stores positions in 32 bits. */
    static final long MAX_POS = 0xFFFF_FFFFL;

    @Override
    public RowVersion rowVersion() {
        return new RowVersion(fileIndex, (pos << 32) | (row & 0xFFFF_FFFFL));
    }

    /** The binlog is written one whole transaction after another: (file, pos, row) is the order of the stream too. */
    @Override
    public RowVersion streamOrder() {
        return kind == ReadKind.STREAMED ? rowVersion() : null;
    }

    @Override
    public String logPosition() {
        return file + ":" + pos + ":" + row;
    }

    /** A binlog source block has no numeric transaction id; {@link #gtid()} names the transaction when GTIDs are on. */
    @Override
    public Long txId() {
        return null;
    }
}
