package io.tidemark.sink.dialect;

import java.util.Set;

/** Columns the sink keeps beside the user's columns; their SQL types are the dialect's ({@link Type}). */
public final class HiddenColumns {

    /** What a hidden column holds, which the dialect turns into a column type. */
    public enum Type {
        /** A row version ({@link io.tidemark.sink.position.RowVersion}): a decimal of up to 38 digits. */
        VERSION,
        /** A row version in a table of the PostgreSQL-only layout: 64 bits. */
        LEGACY_VERSION,
        /** The soft-delete flag: a boolean that is false unless set. */
        DELETED_FLAG,
        TEXT,
        INT32,
        INT64
    }

    /**
     * The source row version ({@link io.tidemark.sink.position.RowVersion}: the LSN for PostgreSQL, file, pos and row
     * for a binlog). Merge mode: of the newest streamed change applied to the row (NULL if only snapshot reads wrote
     * it). Append mode: of the change the audit row records.
     */
    public static final String SOURCE_VERSION = "__source_version";
    /** Merge mode: the snapshot point of the snapshot read that last wrote the row; NULL when a streamed change did. */
    public static final String SOURCE_SNAPSHOT = "__source_snapshot_version";
    /** The names of the version columns in tables created by releases that read only PostgreSQL ({@code bigint}). */
    public static final String LEGACY_SOURCE_VERSION = "__source_lsn";
    public static final String LEGACY_SOURCE_SNAPSHOT = "__source_snapshot_lsn";
    /** Merge mode, soft deletes: the row was deleted at the source. */
    public static final String DELETED = "__deleted";

    /** Append mode: Debezium's op code (c, u, d, r). */
    public static final String OP = "__op";
    /** Append mode: the source's ordering tuple (Debezium's source.sequence). */
    public static final String SOURCE_SEQUENCE = "__source_sequence";
    /** Append mode: the source transaction id. */
    public static final String SOURCE_TX_ID = "__source_tx_id";
    /** Append mode: the source commit time, epoch milliseconds (Debezium's source.ts_ms). */
    public static final String SOURCE_TS_MS = "__source_ts_ms";
    /** Append mode: where the change was read from in Kafka. */
    public static final String KAFKA_TOPIC = "__kafka_topic";
    public static final String KAFKA_PARTITION = "__kafka_partition";
    public static final String KAFKA_OFFSET = "__kafka_offset";

    public static final Set<String> ALL = Set.of(SOURCE_VERSION, SOURCE_SNAPSHOT, LEGACY_SOURCE_VERSION,
            LEGACY_SOURCE_SNAPSHOT, DELETED, OP, SOURCE_SEQUENCE, SOURCE_TX_ID, SOURCE_TS_MS, KAFKA_TOPIC,
            KAFKA_PARTITION, KAFKA_OFFSET);

    /**
     * The names of a table's version columns: the streamed version and (merge mode) the snapshot point. A table that
     * has the legacy {@code __source_lsn} column and not {@code __source_version} keeps its layout; every other table
     * gets the current names.
     */
    public record Versions(String streamed, String snapshot) {
        public static final Versions CURRENT = new Versions(SOURCE_VERSION, SOURCE_SNAPSHOT);
        public static final Versions LEGACY = new Versions(LEGACY_SOURCE_VERSION, LEGACY_SOURCE_SNAPSHOT);

        /** The layout of {@code table}, or {@link #CURRENT} for a table not created yet (null). */
        public static Versions of(TableDefinition table) {
            return table != null && table.has(LEGACY_SOURCE_VERSION) && !table.has(SOURCE_VERSION) ? LEGACY : CURRENT;
        }
    }

    private HiddenColumns() {
    }
}
