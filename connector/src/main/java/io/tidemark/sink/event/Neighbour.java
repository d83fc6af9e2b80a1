package io.tidemark.sink.event;

import org.apache.kafka.connect.data.Schema;

/**
 * Records Debezium writes to topics beside its change-event topics, which a {@code topics.regex} over the topic
 * prefix picks up: they change no row, so the sink recognises them and moves past them instead of failing on them
 * as malformed change events. They are told apart by the fields of their value schema, which Debezium has kept
 * stable across versions, rather than by schema names, which a transform may rewrite.
 */
public enum Neighbour {
    /** BEGIN/END of a source transaction ({@code provide.transaction.metadata=true}, topic {@code <prefix>.transaction}). */
    TRANSACTION_METADATA,
    /** A heartbeat ({@code heartbeat.interval.ms}, topic {@code __debezium-heartbeat.<prefix>}). */
    HEARTBEAT,
    /** A schema change (MySQL and others, topic {@code <prefix>}). */
    SCHEMA_CHANGE,
    /** A Debezium notification ({@code notification.enabled.channels=sink}), e.g. incremental-snapshot progress. */
    NOTIFICATION;

    /** The kind of neighbour record a value schema belongs to, or null when it is not one (a change event, say). */
    public static Neighbour of(Schema valueSchema) {
        if (valueSchema == null || valueSchema.type() != Schema.Type.STRUCT || valueSchema.field("op") != null) {
            return null;
        }
        if (has(valueSchema, "status", "id", "event_count")) {
            return TRANSACTION_METADATA;
        }
        if (valueSchema.fields().size() == 1 && has(valueSchema, "ts_ms")) {
            return HEARTBEAT;
        }
        if (has(valueSchema, "ddl") && (has(valueSchema, "databaseName") || has(valueSchema, "tableChanges"))) {
            return SCHEMA_CHANGE;
        }
        if (has(valueSchema, "id", "aggregate_type", "type")) {
            return NOTIFICATION;
        }
        return null;
    }

    private static boolean has(Schema schema, String... fields) {
        for (String field : fields) {
            if (schema.field(field) == null) {
                return false;
            }
        }
        return true;
    }
}
