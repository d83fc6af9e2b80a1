package io.tidemark.deploy;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a MySQL or MariaDB binlog: the file, {@code <base>.<n>} with {@code n} counting the files in the
 * order they are written, and the byte offset in it. Ordered by the file's number, then the offset.
 */
record BinlogPosition(String file, long pos) implements Comparable<BinlogPosition> {

    /** How far a reader is behind: the files between when it reads an older file, else the bytes in the same file. */
    record Gap(long files, long bytes) {
    }

    /** The sink's {@code source_position} of a binlog change: {@code <file>:<pos>:<row>}. */
    private static final Pattern SOURCE_POSITION = Pattern.compile("(.+\\.\\d+):(\\d+):\\d+");
    private static final Comparator<BinlogPosition> ORDER = Comparator.comparingLong(BinlogPosition::fileIndex)
            .thenComparingLong(BinlogPosition::pos);

    /**
     * The position of a watermark row's {@code source_position} written for a binlog change, such as
     * {@code mysql-bin.000003:4711:2} (file, pos, row); null for any other text, such as a PostgreSQL LSN.
     */
    static BinlogPosition fromSourcePosition(String sourcePosition) {
        Matcher m = SOURCE_POSITION.matcher(sourcePosition);
        return m.matches() ? new BinlogPosition(m.group(1), Long.parseLong(m.group(2))) : null;
    }

    /** The number of the file: {@code mysql-bin.000010} is 10, written after {@code mysql-bin.000009}. */
    long fileIndex() {
        return Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
    }

    /** How far {@code reader} is behind this position; a reader at or past it is 0 bytes behind. */
    Gap gapTo(BinlogPosition reader) {
        long files = fileIndex() - reader.fileIndex();
        if (files > 0) {
            return new Gap(files, 0);
        }
        return new Gap(0, files == 0 ? Math.max(0, pos - reader.pos()) : 0);
    }

    @Override
    public int compareTo(BinlogPosition other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return file + ":" + pos;
    }
}
