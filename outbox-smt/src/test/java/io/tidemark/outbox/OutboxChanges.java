package io.tidemark.outbox;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Debezium PostgreSQL change events of an outbox table, built in memory with the same envelope
 * layout Debezium produces (before, after, source, op, ts_ms).
 */
final class OutboxChanges {

    static final String CAPTURE_TOPIC = "shop.public.outbox";
    static final long PROCESSED_AT = 1_763_700_000_000L;
    private static final long COMMITTED_AT = PROCESSED_AT - 40;

    static final Schema SOURCE_SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("db", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    /** The usual outbox table: id, aggregatetype, aggregateid, type, payload (jsonb). */
    static final Schema STANDARD_ROW = row()
            .field("id", Schema.STRING_SCHEMA)
            .field("aggregatetype", Schema.OPTIONAL_STRING_SCHEMA)
            .field("aggregateid", Schema.STRING_SCHEMA)
            .field("type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("payload", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .build();

    /** The usual outbox table with the trace context column of Debezium's outbox extension (text). */
    static final Schema TRACED_ROW = row()
            .field("id", Schema.STRING_SCHEMA)
            .field("aggregatetype", Schema.OPTIONAL_STRING_SCHEMA)
            .field("aggregateid", Schema.STRING_SCHEMA)
            .field("type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("payload", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field("tracingspancontext", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private final Schema rowSchema;
    private final Schema envelopeSchema;
    private final Map<String, Object> columns = new LinkedHashMap<>();

    private OutboxChanges(Schema rowSchema) {
        this.rowSchema = rowSchema;
        this.envelopeSchema = SchemaBuilder.struct().name("shop.public.outbox.Envelope")
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", SOURCE_SCHEMA)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    static SchemaBuilder row() {
        return SchemaBuilder.struct().name("shop.public.outbox.Value").optional();
    }

    /** A row of the standard outbox table for an order event. */
    static OutboxChanges orderCreated(String payload) {
        return orderCreated(STANDARD_ROW, payload);
    }

    /** A row of an outbox table with the standard columns and maybe more, for an order event. */
    static OutboxChanges orderCreated(Schema rowSchema, String payload) {
        return new OutboxChanges(rowSchema)
                .with("id", "6f1c2a7e-1111-4c1e-9a51-000000000001")
                .with("aggregatetype", "Order")
                .with("aggregateid", "42")
                .with("type", "OrderCreated")
                .with("payload", payload);
    }

    static OutboxChanges of(Schema rowSchema) {
        return new OutboxChanges(rowSchema);
    }

    OutboxChanges with(String column, Object value) {
        columns.put(column, value);
        return this;
    }

    Struct rowStruct() {
        Struct row = new Struct(rowSchema);
        columns.forEach(row::put);
        return row;
    }

    SourceRecord insert() {
        return change("c");
    }

    SourceRecord snapshotRead() {
        return change("r");
    }

    SourceRecord update() {
        return change("u");
    }

    SourceRecord delete() {
        return change("d");
    }

    SourceRecord change(String op) {
        Struct envelope = new Struct(envelopeSchema)
                .put("source", new Struct(SOURCE_SCHEMA).put("connector", "postgresql").put("name", "shop")
                        .put("db", "shop").put("lsn", 1234L).put("ts_ms", COMMITTED_AT))
                .put("op", op)
                .put("ts_ms", PROCESSED_AT);
        if (op.equals("d")) {
            envelope.put("before", rowStruct());
        } else {
            envelope.put("after", rowStruct());
        }
        Schema keySchema = SchemaBuilder.struct().name("shop.public.outbox.Key").field("id", Schema.STRING_SCHEMA).build();
        Struct key = new Struct(keySchema).put("id", String.valueOf(columns.get("id")));
        return new SourceRecord(Map.of("server", "shop"), Map.of("lsn", 1234L), CAPTURE_TOPIC, 0,
                keySchema, key, envelopeSchema, envelope, PROCESSED_AT + 5);
    }

    /**
     * Trace context column text as Debezium's outbox extension writes it: {@link Properties#store},
     * date comment and all, e.g. {@code stored("traceparent", "00-...-01")}.
     */
    static String stored(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        try (StringWriter text = new StringWriter()) {
            properties.store(text, null);
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SourceRecord tombstone() {
        return new SourceRecord(Map.of("server", "shop"), Map.of("lsn", 1235L), CAPTURE_TOPIC, 0,
                Schema.STRING_SCHEMA, "6f1c2a7e", null, null);
    }
}
