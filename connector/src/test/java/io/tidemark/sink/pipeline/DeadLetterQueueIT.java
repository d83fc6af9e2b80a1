package io.tidemark.sink.pipeline;

import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Good and poison records mixed in one topic, through a real Connect worker: with errors.tolerance=all
 * every one of 1,000 poison records (garbage bytes, not an envelope, no key, a value that does not fit
 * its column) lands in the dead-letter queue with context headers and every one of 100,000 good ones is
 * applied; with errors.tolerance=none the task fails naming the record. The task's JMX metrics count both.
 */
class DeadLetterQueueIT {

    private static ConnectWorld connect;
    private static final JsonConverter JSON = new JsonConverter();

    @BeforeAll
    static void start() {
        connect = ConnectWorld.start("dlq", 1);
        JSON.configure(Map.of("schemas.enable", "true"), false);
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
    }

    private static byte[] json(String topic, Schema schema, Object value) {
        return JSON.fromConnectData(topic, schema, value);
    }

    private static final int GOOD = 100_000;
    private static final int POISON_EVERY = 400;

    /**
     * Produces {@value #GOOD} good inserts with 4 kinds of poison after every {@value #POISON_EVERY}th
     * (1,000 poison records in all); returns the poison count.
     */
    private static int produceMix(String topic) {
        DebeziumEvents events = new DebeziumEvents(topic, 0, 0);
        Schema misfitRow = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA)
                .field("qty", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema misfitEnvelope = SchemaBuilder.struct().field("before", misfitRow).field("after", misfitRow)
                .field("source", DebeziumEvents.SOURCE).field("op", Schema.STRING_SCHEMA).build();
        Schema notEnvelope = SchemaBuilder.struct().field("hello", Schema.STRING_SCHEMA).build();
        int poison = 0;
        try (KafkaProducer<byte[], byte[]> producer = connect.cluster().kafka().createProducer(Map.of())) {
            for (int id = 1; id <= GOOD; id++) {
                SinkRecord good = events.insert(id, "n" + id, id, 1000 + id, id);
                producer.send(new ProducerRecord<>(topic, 0, json(topic, good.keySchema(), good.key()),
                        json(topic, good.valueSchema(), good.value())));
                if (id % POISON_EVERY != 0) {
                    continue;
                }
                byte[] key = json(topic, good.keySchema(), good.key());
                Struct source = ((Struct) good.value()).getStruct("source");
                Struct misfit = new Struct(misfitEnvelope).put("after", new Struct(misfitRow).put("id", 1_000_000 + id)
                        .put("qty", "not a number")).put("source", source).put("op", "c");
                producer.send(new ProducerRecord<>(topic, 0, "{garbage".getBytes(StandardCharsets.UTF_8), key));
                producer.send(new ProducerRecord<>(topic, 0, key, json(topic, notEnvelope, new Struct(notEnvelope).put("hello", "x"))));
                producer.send(new ProducerRecord<>(topic, 0, null, json(topic, good.valueSchema(), good.value())));
                producer.send(new ProducerRecord<>(topic, 0, json(topic, good.keySchema(), new Struct(DebeziumEvents.KEY).put("id", 1_000_000 + id)),
                        json(topic, misfitEnvelope, misfit)));
                poison += 4;
            }
        }
        return poison;
    }

    private static Map<String, String> sinkConfig(String topic, String database) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        config.put("topics", topic);
        config.put("connection.url", TestPostgres.jdbcUrl(database));
        config.put("connection.user", TestPostgres.USER);
        config.put("connection.password", TestPostgres.PASSWORD);
        return config;
    }

    @Test
    void thousandPoisonRecordsAmongHundredThousandGoodOnesLandInTheDlqAndEveryGoodOneApplies() throws Exception {
        String topic = "mix.public.items";
        String database = TestPostgres.createDatabase("dlq");
        connect.cluster().kafka().createTopic(topic, 1);
        connect.cluster().kafka().createTopic("mix-dlq", 1);
        int poison = produceMix(topic);
        Map<String, String> config = sinkConfig(topic, database);
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "mix-dlq");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        long posted = System.nanoTime();
        connect.postConnector("dlq-sink", config);

        assertThat(poison).isEqualTo(1000);
        Await.until(GOOD + " good rows in the target", Duration.ofSeconds(180),
                () -> Sql.count(database, "SELECT count(*) FROM items") == GOOD);
        double applied = (System.nanoTime() - posted) / 1e9;
        var dead = connect.cluster().kafka().consume(poison, 60_000, "mix-dlq");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        dead.forEach(records::add);
        assertThat(records).hasSize(poison);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Header offset = r.headers().lastHeader("__connect.errors.offset");
            Header origin = r.headers().lastHeader("__connect.errors.topic");
            Header cause = r.headers().lastHeader("__connect.errors.exception.message");
            assertThat(offset).isNotNull();
            assertThat(new String(origin.value(), StandardCharsets.UTF_8)).isEqualTo(topic);
            assertThat(cause).isNotNull();
        }
        assertThat(Sql.count(database, "SELECT count(*) FROM items WHERE id > " + GOOD)).isZero();

        ObjectName metrics = new ObjectName("io.tidemark:type=sink-task-metrics,connector=\"dlq-sink\",task=\"0\"");
        // Garbage bytes fail in the converter, before the task: Connect reports those itself.
        Await.until("the task's metrics to count its three kinds of poison", Duration.ofSeconds(30),
                () -> metric(metrics, "RecordsSentToDlq") == poison * 3L / 4);
        assertThat(metric(metrics, "RecordsApplied")).isEqualTo(GOOD);
        assertThat(metric(metrics, "BatchesCommitted")).isPositive();
        assertThat(metric(metrics, "SourceToApplyLagMs")).isPositive();
        System.out.printf("poison: %,d good and %,d poison records; %,d good rows applied and %,d in the DLQ %.1f s after"
                + " the connector was posted%n", GOOD, poison, GOOD, records.size(), applied);
        connect.deleteConnector("dlq-sink");
    }

    private static final int LARGE = 20_000;
    private static final int MISFIT_EVERY = 2_000;

    /**
     * One source transaction of {@value #LARGE} good inserts, larger than atomic.max.held.records, with a record the
     * database rejects after every {@value #MISFIT_EVERY}th: the target transaction kept open for it fails, the task
     * seeks back and applies the records in several target transactions, and every misfit lands in the dead-letter
     * queue while every good row applies.
     */
    @Test
    void recordsTheDatabaseRejectsInsideASourceTransactionKeptOpenLandInTheDlqAndEveryGoodOneApplies() throws Exception {
        String topic = "bulk.public.items";
        String database = TestPostgres.createDatabase("bulk");
        connect.cluster().kafka().createTopic(topic, 1);
        connect.cluster().kafka().createTopic("bulk-dlq", 1);
        DebeziumEvents events = new DebeziumEvents(topic, 0, 0);
        Schema misfitRow = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA)
                .field("qty", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema misfitEnvelope = SchemaBuilder.struct().field("before", misfitRow).field("after", misfitRow)
                .field("source", DebeziumEvents.SOURCE).field("op", Schema.STRING_SCHEMA).build();
        int misfits = 0;
        try (KafkaProducer<byte[], byte[]> producer = connect.cluster().kafka().createProducer(Map.of())) {
            for (int id = 1; id <= LARGE; id++) {
                SinkRecord good = events.insert(id, "n" + id, id, 1000 + id, 42);
                producer.send(new ProducerRecord<>(topic, 0, json(topic, good.keySchema(), good.key()),
                        json(topic, good.valueSchema(), good.value())));
                if (id % MISFIT_EVERY == 0) {
                    Struct misfit = new Struct(misfitEnvelope).put("after", new Struct(misfitRow).put("id", 1_000_000 + id)
                            .put("qty", "not a number")).put("source", ((Struct) good.value()).getStruct("source"))
                            .put("op", "c");
                    producer.send(new ProducerRecord<>(topic, 0,
                            json(topic, good.keySchema(), new Struct(DebeziumEvents.KEY).put("id", 1_000_000 + id)),
                            json(topic, misfitEnvelope, misfit)));
                    misfits++;
                }
            }
            SinkRecord next = events.insert(LARGE + 1, "after", 1, 100_000, 43);
            producer.send(new ProducerRecord<>(topic, 0, json(topic, next.keySchema(), next.key()),
                    json(topic, next.valueSchema(), next.value())));
        }
        Map<String, String> config = sinkConfig(topic, database);
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "bulk-dlq");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("atomic.max.held.records", "1000");
        connect.postConnector("bulk-sink", config);

        Await.until((LARGE + 1) + " good rows in the target", Duration.ofSeconds(180),
                () -> Sql.count(database, "SELECT count(*) FROM items") == LARGE + 1);
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        connect.cluster().kafka().consume(misfits, 60_000, "bulk-dlq").forEach(dead::add);
        assertThat(dead).hasSize(misfits);
        assertThat(Sql.count(database, "SELECT count(*) FROM items WHERE id > " + (LARGE + 1))).isZero();
        assertThat(connect.cluster().connectorStatus("bulk-sink").tasks().get(0).state()).isEqualTo("RUNNING");
        ObjectName metrics = new ObjectName("io.tidemark:type=sink-task-metrics,connector=\"bulk-sink\",task=\"0\"");
        assertThat(metric(metrics, "SourceTransactionsStreamed")).isPositive();
        assertThat(metric(metrics, "SourceTransactionsSplit")).isPositive();
        assertThat(metric(metrics, "RecordsSentToDlq")).isEqualTo(misfits);
        connect.deleteConnector("bulk-sink");
    }

    private static long metric(ObjectName name, String attribute) {
        try {
            return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).longValue();
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("cannot read " + attribute + " of " + name, e);
        }
    }

    @Test
    void withoutErrorToleranceTheTaskFailsNamingTheRecordWithoutRevealingThePassword() throws Exception {
        String topic = "strict.public.items";
        String database = TestPostgres.createDatabase("strict");
        Path log = Path.of("target", "test.log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        connect.cluster().kafka().createTopic(topic, 1);
        DebeziumEvents events = new DebeziumEvents(topic, 0, 0);
        Schema notEnvelope = SchemaBuilder.struct().field("hello", Schema.STRING_SCHEMA).build();
        try (KafkaProducer<byte[], byte[]> producer = connect.cluster().kafka().createProducer(Map.of())) {
            for (int id = 1; id <= 30; id++) {
                SinkRecord good = events.insert(id, "n" + id, id, 1000 + id, id);
                byte[] key = json(topic, good.keySchema(), good.key());
                byte[] value = id == 21 ? json(topic, notEnvelope, new Struct(notEnvelope).put("hello", "x"))
                        : json(topic, good.valueSchema(), good.value());
                producer.send(new ProducerRecord<>(topic, 0, key, value));
            }
        }
        Map<String, String> config = sinkConfig(topic, database);
        // The embedded server trusts local connections, so any password works; it must surface nowhere.
        config.put("connection.password", "canary-password-7f3a");
        config.put("connection.url", TestPostgres.jdbcUrl(database) + "?password=canary-url-9c1e");
        connect.postConnector("strict-sink", config);
        String trace = Await.until("the task to fail", Duration.ofSeconds(60),
                () -> connect.cluster().connectorStatus("strict-sink").tasks().get(0),
                t -> "FAILED".equals(t.state())).trace();
        assertThat(trace).contains("cannot apply record " + topic + "-0@20").contains("no 'op' field")
                .doesNotContain("canary-password-7f3a").doesNotContain("canary-url-9c1e");
        byte[] logBytes = Files.readAllBytes(log);
        String logSinceStart = new String(logBytes, (int) logStart, logBytes.length - (int) logStart, StandardCharsets.UTF_8);
        assertThat(logSinceStart).doesNotContain("canary-password-7f3a")
                .doesNotContain("canary-url-9c1e").contains("password=****");
        assertThat(Sql.count(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'items'")
                + Sql.count(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'cdc_watermark'")).isPositive();
        assertThat(Sql.count(database, "SELECT coalesce(max(next_offset), 0) FROM cdc_watermark")).isLessThanOrEqualTo(20);
        connect.deleteConnector("strict-sink");
    }
}
