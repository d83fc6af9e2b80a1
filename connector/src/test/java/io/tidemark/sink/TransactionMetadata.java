package io.tidemark.sink;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Debezium's transaction metadata for test records (provide.transaction.metadata=true): change events with a
 * {@code transaction} block, numbered per transaction and table as Debezium numbers them, and END markers on
 * {@code shop.transaction}.
 */
public final class TransactionMetadata {

    private static final Schema BLOCK = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA)
            .field("total_order", Schema.INT64_SCHEMA).field("data_collection_order", Schema.INT64_SCHEMA).build();
    private static final Schema ENVELOPE_WITH_BLOCK = SchemaBuilder.struct().field("before", DebeziumEvents.ROW)
            .field("after", DebeziumEvents.ROW).field("source", DebeziumEvents.SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("transaction", BLOCK).build();
    private static final Schema COLLECTION = SchemaBuilder.struct().field("data_collection", Schema.STRING_SCHEMA)
            .field("event_count", Schema.INT64_SCHEMA).build();
    private static final Schema MARKER = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA).field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
            .field("data_collections", SchemaBuilder.array(COLLECTION).optional().build())
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    private long markerOffset;

    /** Per transaction, and per transaction and table, the events given a block so far: their orders. */
    private final Map<String, Long> blockOrders = new HashMap<>();

    /** The transaction block of the next event of {@code transaction} on {@code table}, ordered as Debezium orders it. */
    private Struct block(String id, String transaction, String table) {
        return new Struct(BLOCK).put("id", id).put("total_order", blockOrders.merge(transaction, 1L, Long::sum))
                .put("data_collection_order", blockOrders.merge(transaction + "/" + table, 1L, Long::sum));
    }

    /** {@code record} as Debezium sends it with provide.transaction.metadata=true: with a transaction block. */
    public SinkRecord withBlock(SinkRecord record, String table) {
        Struct plain = (Struct) record.value();
        Struct source = plain.getStruct("source");
        source.put("table", table);
        Struct value = new Struct(ENVELOPE_WITH_BLOCK).put("after", plain.get("after")).put("source", source)
                .put("op", plain.get("op"))
                .put("transaction", block(source.get("txId") + ":" + source.get("lsn"), String.valueOf(source.get("txId")),
                        table));
        return new SinkRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                ENVELOPE_WITH_BLOCK, value, record.kafkaOffset());
    }

    public SinkRecord end(long txId, Map<String, Long> counts) {
        List<Struct> collections = new ArrayList<>();
        counts.forEach((table, count) -> collections.add(new Struct(COLLECTION).put("data_collection", table)
                .put("event_count", count)));
        Struct value = new Struct(MARKER).put("status", "END").put("id", txId + ":999")
                .put("event_count", counts.values().stream().mapToLong(Long::longValue).sum())
                .put("data_collections", collections).put("ts_ms", 0L);
        return new SinkRecord("shop.transaction", 0, null, null, MARKER, value, markerOffset++);
    }

    private static final Schema BINLOG_ENVELOPE_WITH_BLOCK = SchemaBuilder.struct().field("before", DebeziumEvents.ROW)
            .field("after", DebeziumEvents.ROW).field("source", BinlogEvents.SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("transaction", BLOCK).build();

    /** A binlog change event with the transaction block Debezium's MySQL connector adds: {@code id} names it whole. */
    public SinkRecord withBinlogBlock(SinkRecord record, String transactionId) {
        Struct plain = (Struct) record.value();
        Struct value = new Struct(BINLOG_ENVELOPE_WITH_BLOCK).put("after", plain.get("after"))
                .put("source", plain.get("source")).put("op", plain.get("op"))
                .put("transaction", block(transactionId, transactionId,
                        String.valueOf(((Struct) plain.get("source")).get("table"))));
        return new SinkRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                BINLOG_ENVELOPE_WITH_BLOCK, value, record.kafkaOffset());
    }

    public SinkRecord end(String id, Map<String, Long> counts) {
        List<Struct> collections = new ArrayList<>();
        counts.forEach((table, count) -> collections.add(new Struct(COLLECTION).put("data_collection", table)
                .put("event_count", count)));
        Struct value = new Struct(MARKER).put("status", "END").put("id", id)
                .put("event_count", counts.values().stream().mapToLong(Long::longValue).sum())
                .put("data_collections", collections).put("ts_ms", 0L);
        return new SinkRecord("shop.transaction", 0, null, null, MARKER, value, markerOffset++);
    }
}
