package io.tidemark.sink.event;

import org.apache.kafka.connect.errors.DataException;

/** Debezium's {@code op} codes that change rows. */
public enum Op {
    CREATE('c'), UPDATE('u'), DELETE('d'), READ('r'),
    /** The whole table emptied ({@code TRUNCATE}); the event has no key and no row image. */
    TRUNCATE('t'),
    /**
     * Not a Debezium op: the sink's own marker, after the last read of a table's snapshot, that the snapshot of the
     * table is complete (correctness.md §3.6). It has no key and no row image.
     */
    SNAPSHOT_COMPLETED('s');

    private final char code;

    Op(char code) {
        this.code = code;
    }

    public char code() {
        return code;
    }

    public boolean isDelete() {
        return this == DELETE;
    }

    /** The op for a code, or null for a code that changes no row ({@code m}, a logical decoding message). */
    public static Op fromCode(String code) {
        if (code == null || code.length() != 1) {
            throw new DataException("invalid Debezium op '" + code + "'");
        }
        return switch (code.charAt(0)) {
            case 'c' -> CREATE;
            case 'u' -> UPDATE;
            case 'd' -> DELETE;
            case 'r' -> READ;
            case 't' -> TRUNCATE;
            case 'm' -> null;
            default -> throw new DataException("invalid Debezium op '" + code + "'");
        };
    }
}
