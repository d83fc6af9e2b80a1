package io.tidemark.sink;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds sink records shaped exactly like Debezium PostgreSQL change events for a table
 * {@code public.items(id int primary key, name text, qty int)}, with explicit source positions.
 */
public final class DebeziumEvents {

    public static final Schema KEY = SchemaBuilder.struct().name("shop.public.items.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    public static final Schema ROW = SchemaBuilder.struct().name("shop.public.items.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
    public static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    public static final Schema ENVELOPE = SchemaBuilder.struct().name("shop.public.items.Envelope")
            .field("before", ROW)
            .field("after", ROW)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    public static final String TOPIC = "shop.public.items";
    /** The connector name of {@link #sinkProps}. */
    public static final String SINK_NAME = "items-sink";
    /** Debezium's default placeholder for an unchanged TOASTed value. */
    public static final String UNAVAILABLE = "__debezium_unavailable_value";

    private final String topic;
    private final int partition;
    private long nextOffset;

    public DebeziumEvents(String topic, int partition, long firstOffset) {
        this.topic = topic;
        this.partition = partition;
        this.nextOffset = firstOffset;
    }

    public DebeziumEvents() {
        this(TOPIC, 0, 0);
    }

    public static Struct row(int id, String name, Integer qty) {
        return new Struct(ROW).put("id", id).put("name", name).put("qty", qty);
    }

    public SinkRecord snapshot(int id, String name, Integer qty, long snapshotLsn) {
        return record(id, "r", null, row(id, name, qty), snapshotLsn, null, "true");
    }

    /** The last read of the table's snapshot, marked as Debezium marks it ({@code last_in_data_collection}). */
    public SinkRecord lastSnapshotRead(int id, String name, Integer qty, long snapshotLsn) {
        return record(id, "r", null, row(id, name, qty), snapshotLsn, null, "last_in_data_collection");
    }

    /**
     * A row of an incremental-snapshot chunk as Debezium emits it: no lsn or txId, a sequence whose second element
     * is the LSN of the window's close marker.
     */
    public SinkRecord incremental(int id, String name, Integer qty, long closeLsn) {
        SinkRecord record = record(id, "r", null, row(id, name, qty), closeLsn, null, "incremental");
        Struct source = ((Struct) record.value()).getStruct("source");
        source.put("lsn", null).put("sequence", "[\"" + (closeLsn - 1) + "\",\"" + closeLsn + "\"]");
        return record;
    }

    public SinkRecord insert(int id, String name, Integer qty, long lsn, long txId) {
        return record(id, "c", null, row(id, name, qty), lsn, txId, "false");
    }

    public SinkRecord update(int id, String name, Integer qty, long lsn, long txId) {
        return record(id, "u", null, row(id, name, qty), lsn, txId, "false");
    }

    public SinkRecord delete(int id, long lsn, long txId) {
        return record(id, "d", new Struct(ROW).put("id", id), null, lsn, txId, "false");
    }

    /** A truncate as Debezium emits it when skipped.operations lets it through: no key, no row image. */
    public SinkRecord truncate(long lsn, long txId) {
        SinkRecord keyed = record(0, "t", null, null, lsn, txId, "false");
        return new SinkRecord(topic, partition, null, null, keyed.valueSchema(), keyed.value(), keyed.kafkaOffset());
    }

    public SinkRecord tombstone(int id) {
        return new SinkRecord(topic, partition, KEY, new Struct(KEY).put("id", id), null, null, nextOffset++);
    }

    /** Re-delivers a record at a new offset, as Debezium does when it re-emits after a crash. */
    public SinkRecord reemit(SinkRecord original) {
        return new SinkRecord(topic, partition, original.keySchema(), original.key(), original.valueSchema(),
                original.value(), nextOffset++);
    }

    public SinkRecord record(int id, String op, Struct before, Struct after, long lsn, Long txId, String snapshot) {
        Struct source = new Struct(SOURCE)
                .put("version", "3.3.1.Final").put("connector", "postgresql").put("name", "shop")
                .put("ts_ms", 1_700_000_000_000L + lsn).put("snapshot", snapshot).put("db", "shop")
                .put("sequence", "[null,\"" + lsn + "\"]").put("schema", "public").put("table", "items")
                .put("txId", txId).put("lsn", lsn);
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source)
                .put("op", op).put("ts_ms", 1_700_000_000_000L + lsn);
        return new SinkRecord(topic, partition, KEY, new Struct(KEY).put("id", id), ENVELOPE, value, nextOffset++);
    }

    /**
     * A random stream of {@code changes} records over keys {@code 0..keys-1} in shapes Debezium really
     * delivers: inserts, updates (some with an unchanged-TOAST placeholder), deletes, snapshot reads at the
     * current LSN, incremental-snapshot reads, truncates, and re-emitted earlier records. A streamed change's LSN is always above the row's
     * previous streamed change (row locks) but may lie below later snapshot points, as for a transaction
     * open across the snapshot.
     */
    public List<SinkRecord> randomStream(Random random, int changes, int keys) {
        List<SinkRecord> records = new ArrayList<>();
        Map<Integer, Long> lastStreamed = new HashMap<>();
        long lsn = 1000;
        // A truncate's lock orders it after every earlier change of the table and before every later one.
        long truncatedAt = 900;
        for (int i = 0; i < changes; i++) {
            int id = random.nextInt(keys);
            lsn += 1 + random.nextInt(10);
            if (random.nextInt(60) == 0) {
                records.add(truncate(lsn, i));
                truncatedAt = lsn;
                continue;
            }
            long floor = Math.max(truncatedAt, lastStreamed.getOrDefault(id, 900L));
            long changeLsn = random.nextInt(4) == 0 ? floor + 1 + random.nextInt((int) Math.max(1, lsn - floor)) : lsn;
            int kind = random.nextInt(7);
            if (kind == 2) {
                records.add(snapshot(id, "s" + i, i, lsn));
            } else if (kind == 6) {
                records.add(incremental(id, "i" + i, i, lsn));
            } else if (kind == 3 && !records.isEmpty()) {
                records.add(reemit(records.get(random.nextInt(records.size()))));
            } else {
                records.add(switch (kind) {
                    case 0 -> insert(id, "n" + i, i, changeLsn, i);
                    case 1 -> delete(id, changeLsn, i);
                    default -> update(id, random.nextBoolean() ? "u" + i : UNAVAILABLE, i, changeLsn, i);
                });
                lastStreamed.merge(id, changeLsn, Math::max);
            }
        }
        return records;
    }

    public static Map<String, String> sinkProps(String jdbcUrl) {
        return Map.of("connection.url", jdbcUrl, "connection.user", "postgres", "connection.password", "postgres",
                "name", SINK_NAME);
    }
}
