package io.tidemark.bench;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.storage.Converter;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Encodes workload changes exactly as Debezium's PostgreSQL connector would for the table {@code public.items}: the same envelope, {@code source} block,
 * logical type names and REPLICA IDENTITY DEFAULT shapes (no {@code before} on updates, a key-only
 * {@code before} on deletes), serialised by the converter of the chosen {@link WireFormat}.
 */
final class DebeziumEncoding {

    static final String SERVER = "bench";
    static final String TABLE = "items";
    static final String TOPIC = SERVER + ".public." + TABLE;

    private static final Schema KEY_SCHEMA = SchemaBuilder.struct().name(TOPIC + ".Key")
            .field("id", Schema.INT64_SCHEMA).build();
    private static final Schema ROW_SCHEMA = SchemaBuilder.struct().name(TOPIC + ".Value").optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("customer_id", Schema.OPTIONAL_INT32_SCHEMA)
            .field("quantity", Schema.OPTIONAL_INT32_SCHEMA)
            .field("unit_price", decimal(12, 2))
            .field("total", decimal(14, 2))
            .field("status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("created_at", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).optional().build())
            .field("updated_at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").version(1).optional().build())
            .field("attrs", SchemaBuilder.string().name("io.debezium.data.Json").version(1).optional().build())
            .field("active", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("version", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    private static final Schema SOURCE_SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().name("io.debezium.data.Enum").version(1)
                    .parameter("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental")
                    .defaultValue("false").build())
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    private static final Schema ENVELOPE_SCHEMA = SchemaBuilder.struct().name(TOPIC + ".Envelope").version(2)
            .field("before", ROW_SCHEMA)
            .field("after", ROW_SCHEMA)
            .field("source", SOURCE_SCHEMA)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    /** Debezium's ZonedTimestamp text: ISO-8601 with offset, fraction only as long as needed. */
    private static final DateTimeFormatter ZONED = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private static final LocalDateTime EPOCH = LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC);

    private final Converter keyConverter;
    private final Converter valueConverter;

    DebeziumEncoding(WireFormat format) {
        keyConverter = format.converter(true);
        valueConverter = format.converter(false);
    }

    private static Schema decimal(int precision, int scale) {
        return Decimal.builder(scale).parameter("connect.decimal.precision", Integer.toString(precision)).optional().build();
    }

    byte[] key(Workload.Change change) {
        return keyConverter.fromConnectData(TOPIC, KEY_SCHEMA, new Struct(KEY_SCHEMA).put("id", change.id()));
    }

    byte[] value(Workload.Change change) {
        Struct source = new Struct(SOURCE_SCHEMA)
                .put("version", DebeziumReleases.SOURCE)
                .put("connector", "postgresql")
                .put("name", SERVER)
                .put("ts_ms", change.commitMillis())
                .put("snapshot", "false")
                .put("db", "shop")
                .put("sequence", "[\"" + (change.lsn() - 56) + "\",\"" + change.lsn() + "\"]")
                .put("ts_us", change.commitMillis() * 1000)
                .put("ts_ns", change.commitMillis() * 1_000_000)
                .put("schema", "public")
                .put("table", TABLE)
                .put("txId", 1000 + (change.lsn() - Workload.FIRST_LSN) / 56)
                .put("lsn", change.lsn());
        long now = change.commitMillis() + 3;
        Struct envelope = new Struct(ENVELOPE_SCHEMA)
                .put("source", source)
                .put("ts_ms", now)
                .put("ts_us", now * 1000)
                .put("ts_ns", now * 1_000_000);
        switch (change.op()) {
            case INSERT -> envelope.put("op", "c").put("after", row(change.id(), change.row()));
            case UPDATE -> envelope.put("op", "u").put("after", row(change.id(), change.row()));
            case DELETE -> envelope.put("op", "d").put("before", new Struct(ROW_SCHEMA).put("id", change.id()));
        }
        return valueConverter.fromConnectData(TOPIC, ENVELOPE_SCHEMA, envelope);
    }

    private static Struct row(long id, Workload.Row row) {
        return new Struct(ROW_SCHEMA)
                .put("id", id)
                .put("customer_id", row.customerId())
                .put("quantity", row.quantity())
                .put("unit_price", row.unitPrice())
                .put("total", row.total())
                .put("status", row.status())
                .put("note", row.note())
                .put("created_at", ChronoUnit.MICROS.between(EPOCH, row.createdAt()))
                .put("updated_at", ZONED.format(row.updatedAt().atOffset(ZoneOffset.UTC)))
                .put("attrs", row.attrs())
                .put("active", row.active())
                .put("version", row.version());
    }
}
