package io.tidemark.sink;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Change events as Debezium's MySQL connector produces them for {@code shop.items(id int primary key, name text,
 * qty int)}, with explicit binlog positions: a source block with {@code file}, {@code pos}, {@code row} and
 * {@code server_id} and no {@code lsn}, {@code txId} or {@code schema}.
 */
public final class BinlogEvents {

    public static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mysql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("server_id", Schema.INT64_SCHEMA)
            .field("gtid", Schema.OPTIONAL_STRING_SCHEMA)
            .field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA)
            .field("row", Schema.INT32_SCHEMA)
            .field("thread", Schema.OPTIONAL_INT64_SCHEMA)
            .field("query", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    public static final Schema ENVELOPE = SchemaBuilder.struct().name("shop.shop.items.Envelope")
            .field("before", DebeziumEvents.ROW)
            .field("after", DebeziumEvents.ROW)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    /** Debezium's MySQL topics are {@code <prefix>.<database>.<table>}. */
    public static final String TOPIC = "shop.shop.items";

    private final String topic;
    private long nextOffset;

    public BinlogEvents() {
        this.topic = TOPIC;
    }

    /** A binlog coordinate: file, the rows event's position, the row within the event. */
    public record At(String file, long pos, int row) {
        public static At of(String file, long pos, int row) {
            return new At(file, pos, row);
        }
    }

    public SinkRecord snapshot(int id, String name, Integer qty, At snapshotPoint) {
        return record(id, "r", null, DebeziumEvents.row(id, name, qty), snapshotPoint, "true");
    }

    /** A row of an incremental-snapshot chunk, at the binlog position streaming had reached when it was emitted. */
    public SinkRecord incremental(int id, String name, Integer qty, At emittedAt) {
        return record(id, "r", null, DebeziumEvents.row(id, name, qty), emittedAt, "incremental");
    }

    public SinkRecord insert(int id, String name, Integer qty, At at) {
        return record(id, "c", null, DebeziumEvents.row(id, name, qty), at, null);
    }

    public SinkRecord update(int id, String name, Integer qty, At at) {
        return record(id, "u", DebeziumEvents.row(id, null, null), DebeziumEvents.row(id, name, qty), at, null);
    }

    public SinkRecord delete(int id, At at) {
        return record(id, "d", DebeziumEvents.row(id, null, null), null, at, null);
    }

    /** Re-delivers a record at a new offset, as Debezium does when it re-emits after a crash. */
    public SinkRecord reemit(SinkRecord original) {
        return new SinkRecord(topic, 0, original.keySchema(), original.key(), original.valueSchema(), original.value(),
                nextOffset++);
    }

    private SinkRecord record(int id, String op, Struct before, Struct after, At at, String snapshot) {
        Struct source = new Struct(SOURCE)
                .put("version", "3.3.1.Final").put("connector", "mysql").put("name", "shop")
                .put("ts_ms", 1_700_000_000_000L + at.pos()).put("snapshot", snapshot).put("db", "shop")
                .put("table", "items").put("server_id", 1L).put("file", at.file()).put("pos", at.pos())
                .put("row", at.row());
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source)
                .put("op", op).put("ts_ms", 1_700_000_000_000L + at.pos());
        return new SinkRecord(topic, 0, DebeziumEvents.KEY, new Struct(DebeziumEvents.KEY).put("id", id), ENVELOPE,
                value, nextOffset++);
    }
}
