package io.tidemark.outbox.bench;

import io.debezium.transforms.outbox.EventRouter;
import io.tidemark.outbox.OutboxEventRouter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Records per second through our router and Debezium's EventRouter, on the same Debezium
 * PostgreSQL outbox change events (order events of ~0.5 KB jsonb with a nested customer and one to
 * five order lines), with JSON expansion off and on. One benchmark operation routes one record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OutboxRouterBenchmark {

    private static final int RECORDS = 4096;

    @Param({"tidemark", "debezium"})
    public String router;

    @Param({"false", "true"})
    public boolean expand;

    private Transformation<SourceRecord> transformation;
    private SourceRecord[] records;
    private int next;

    @Setup
    public void setUp() {
        transformation = router.equals("debezium") ? new EventRouter<>() : new OutboxEventRouter<>();
        Map<String, String> config = new HashMap<>();
        config.put("table.expand.json.payload", String.valueOf(expand));
        config.put("table.fields.additional.placement", "type:header:eventType");
        transformation.configure(config);
        records = outboxChanges(new Random(20261121));
    }

    @TearDown
    public void tearDown() {
        transformation.close();
    }

    /**
     * Routes a fresh copy of a captured record, as Connect hands each record to the chain once.
     * Debezium's router adds its headers to the record it is given, so reusing the same instances
     * would grow their header lists pass after pass and slow it down for reasons of the benchmark.
     */
    @Benchmark
    public SourceRecord route() {
        SourceRecord captured = records[next];
        next = (next + 1) % RECORDS;
        return transformation.apply(captured.newRecord(captured.topic(), captured.kafkaPartition(),
                captured.keySchema(), captured.key(), captured.valueSchema(), captured.value(), captured.timestamp()));
    }

    static SourceRecord[] outboxChanges(Random random) {
        Schema json = SchemaBuilder.string().name("io.debezium.data.Json").optional().build();
        Schema row = SchemaBuilder.struct().name("shop.public.outbox.Value").optional()
                .field("id", SchemaBuilder.string().name("io.debezium.data.Uuid").build())
                .field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA)
                .field("type", Schema.STRING_SCHEMA)
                .field("payload", json)
                .build();
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field("connector", Schema.STRING_SCHEMA).field("db", Schema.STRING_SCHEMA)
                .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().name("shop.public.outbox.Envelope")
                .field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        Schema key = SchemaBuilder.struct().name("shop.public.outbox.Key").field("id", row.field("id").schema()).build();
        String[] aggregates = {"Order", "Invoice", "Shipment"};

        SourceRecord[] changes = new SourceRecord[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            String id = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
            Struct after = new Struct(row)
                    .put("id", id)
                    .put("aggregatetype", aggregates[i % aggregates.length])
                    .put("aggregateid", String.valueOf(100_000 + random.nextInt(900_000)))
                    .put("type", "OrderPlaced")
                    .put("payload", orderJson(random, i));
            Struct value = new Struct(envelope)
                    .put("after", after)
                    .put("source", new Struct(source).put("connector", "postgresql").put("db", "shop").put("lsn", 1000L + i))
                    .put("op", "c")
                    .put("ts_ms", 1_763_700_000_000L + i);
            changes[i] = new SourceRecord(Map.of("server", "shop"), Map.of("lsn", 1000L + i), "shop.public.outbox", 0,
                    key, new Struct(key).put("id", id), envelope, value);
        }
        return changes;
    }

    private static String orderJson(Random random, int sequence) {
        StringBuilder lines = new StringBuilder();
        int count = 1 + random.nextInt(5);
        for (int line = 0; line < count; line++) {
            lines.append(line == 0 ? "" : ",")
                    .append("{\"sku\":\"SKU-").append(random.nextInt(10_000))
                    .append("\",\"name\":\"Item ").append(random.nextInt(1000))
                    .append("\",\"quantity\":").append(1 + random.nextInt(9))
                    .append(",\"unitPrice\":").append(random.nextInt(10_000) / 100.0 + 0.01)
                    .append('}');
        }
        return "{\"orderId\":" + (1_000_000 + sequence)
                + ",\"status\":\"PLACED\""
                + ",\"placedAt\":\"2026-11-21T10:15:30." + (100 + random.nextInt(900)) + "Z\""
                + ",\"customer\":{\"id\":" + random.nextInt(100_000) + ",\"name\":\"Customer " + random.nextInt(1000)
                + "\",\"email\":\"c" + random.nextInt(1000) + "@example.com\",\"vip\":" + random.nextBoolean() + "}"
                + ",\"shippingAddress\":{\"street\":\"" + random.nextInt(200) + " Harbour Road\",\"city\":\"Bergen\","
                + "\"postalCode\":\"50" + (10 + random.nextInt(89)) + "\",\"country\":\"NO\"}"
                + ",\"lines\":[" + lines + "]"
                + ",\"total\":" + (random.nextInt(100_000) / 100.0 + 0.01)
                + ",\"currency\":\"EUR\"}";
    }
}
