package io.tidemark.sink.pipeline;

import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three workers, a merge sink and an append sink with three tasks each over a three-partition topic; one
 * worker leaves in the middle of the stream and the others take its partitions over. The merge table ends
 * equal to the last change per key, and the audit table holds every change exactly once.
 */
class RebalanceIT {

    private static final int KEYS = 300;
    private static final int CHANGES = 12_000;

    @Test
    void workerLeavingMidStreamLosesAndDuplicatesNothing() throws Exception {
        String database = TestPostgres.createDatabase("rebalance");
        String topic = "rebalance.public.items";
        try (ConnectWorld connect = ConnectWorld.start("rebalance", 3)) {
            connect.cluster().kafka().createTopic(topic, 3);
            connect.postConnector("merge", sinkConfig(topic, database, Map.of()));
            connect.postConnector("audit", sinkConfig(topic, database,
                    Map.of("mode", "append", "table.name.format", "${source.table}_audit")));
            connect.awaitRunning("merge", 3);
            connect.awaitRunning("audit", 3);

            JsonConverter json = new JsonConverter();
            json.configure(Map.of("schemas.enable", "true"), false);
            Map<Integer, DebeziumEvents> perPartition = new LinkedHashMap<>();
            long workerLeft = 0;
            try (KafkaProducer<byte[], byte[]> producer = connect.cluster().kafka().createProducer(Map.of())) {
                for (int i = 0; i < CHANGES; i++) {
                    int id = i % KEYS;
                    int partition = id % 3;
                    DebeziumEvents events = perPartition.computeIfAbsent(partition, p -> new DebeziumEvents(topic, p, 0));
                    SinkRecord change = i < KEYS ? events.insert(id, "v" + i, i, 1000L + i, i)
                            : events.update(id, "v" + i, i, 1000L + i, i);
                    producer.send(new ProducerRecord<>(topic, partition, json.fromConnectData(topic, change.keySchema(), change.key()),
                            json.fromConnectData(topic, change.valueSchema(), change.value())));
                    if (i == CHANGES / 3) {
                        producer.flush();
                        Await.until("the sinks to be under way", Duration.ofSeconds(60),
                                () -> Sql.count(database, "SELECT coalesce(sum(next_offset), 0) FROM cdc_watermark") > 0);
                        connect.cluster().removeWorker();
                        workerLeft = System.nanoTime();
                    }
                }
            }
            Await.until("every change in the audit table", Duration.ofSeconds(120),
                    () -> Sql.count(database, "SELECT count(*) FROM items_audit") >= CHANGES);
            Await.until("the merge table at the last change of every key", Duration.ofSeconds(60),
                    () -> Sql.count(database, "SELECT count(*) FROM items WHERE qty >= " + (CHANGES - KEYS)) == KEYS);
            assertThat(Sql.count(database, "SELECT count(*) FROM items_audit")).isEqualTo(CHANGES);
            assertThat(Sql.count(database, "SELECT count(DISTINCT (id, __source_version)) FROM items_audit")).isEqualTo(CHANGES);
            assertThat(Sql.count(database, "SELECT count(*) FROM items")).isEqualTo(KEYS);
            assertThat(Sql.count(database, "SELECT count(*) FROM items WHERE name <> 'v' || qty")).isZero();
            assertThat(Sql.count(database, "SELECT sum(next_offset) FROM cdc_watermark WHERE connector_name = 'merge'"))
                    .isEqualTo(CHANGES);
            System.out.printf("rebalance: %,d changes over 3 partitions, a worker of 3 left mid-stream; audit rows %,d,"
                    + " merge rows %d; converged %.1f s after the worker left%n", CHANGES,
                    Sql.count(database, "SELECT count(*) FROM items_audit"), KEYS, (System.nanoTime() - workerLeft) / 1e9);
        }
    }

    private static Map<String, String> sinkConfig(String topic, String database, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        config.put("tasks.max", "3");
        config.put("topics", topic);
        config.put("connection.url", TestPostgres.jdbcUrl(database));
        config.put("connection.user", TestPostgres.USER);
        config.put("connection.password", TestPostgres.PASSWORD);
        config.putAll(overrides);
        return config;
    }
}
