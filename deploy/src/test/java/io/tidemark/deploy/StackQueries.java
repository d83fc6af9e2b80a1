package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/** What the stack ITs ask of a running stack: rows of its databases, records of its topics, waiting for a condition. */
final class StackQueries {

    static final Path DEPLOY = Path.of(System.getProperty("tidemark.deploy", ".")).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackSettings settings;

    StackQueries(StackSettings settings) {
        this.settings = settings;
    }

    /**
     * The environment of a stack of its own for one IT: a fresh home under target/it, free ports. Whatever an
     * earlier run left running from that home (a test JVM that died skips its clean-up) is stopped first.
     */
    static Map<String, String> isolatedEnvironment(String name) throws IOException {
        Path home = DEPLOY.resolve("target/it/" + name);
        if (Files.isDirectory(home)) {
            StackSettings leftover = StackSettings.fromEnvironment(DEPLOY, Map.of("TIDEMARK_HOME", home.toString()));
            new LocalStack(leftover, System.out).stop();
            if (Files.isDirectory(leftover.pids())) {
                try (Stream<Path> pidFiles = Files.list(leftover.pids())) {
                    pidFiles.forEach(pidFile -> OperatingSystem.runningWith(pidFile, home.toString())
                            .ifPresent(ProcessHandle::destroyForcibly));
                }
            }
        }
        PostgresServer.deleteTree(home);
        return Map.of(
                "TIDEMARK_BUILD", "never",
                "TIDEMARK_HOME", home.toString(),
                "SOURCE_DB_PORT", Integer.toString(Ports.ephemeral()),
                "TARGET_DB_PORT", Integer.toString(Ports.ephemeral()),
                "TIDEMARK_KAFKA_PORT", Integer.toString(Ports.ephemeral()),
                "TIDEMARK_CONTROLLER_PORT", Integer.toString(Ports.ephemeral()),
                "TIDEMARK_CONNECT_PORT", Integer.toString(Ports.ephemeral()));
    }

    /** Every row of a query as text, in the query's order. */
    List<List<String>> rows(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, settings.dbUser(), settings.dbPassword())) {
            return rows(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static List<List<String>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    long count(String url, String sql) {
        return Long.parseLong(rows(url, sql).get(0).get(0));
    }

    /** Every row of a query on the target, as text; a DuckDB target's file read between the sinks' transactions. */
    List<List<String>> targetRows(String sql) {
        try (Connection c = settings.target().openForReading(settings)) {
            return rows(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    long targetCount(String sql) {
        return Long.parseLong(targetRows(sql).get(0).get(0));
    }

    /** Waits until the target's live orders equal the source's orders, column by column as text. */
    void awaitTargetEqualsSource(Duration timeout) {
        String sourceAmount = settings.source() == SourceDatabase.MARIADB ? "CAST(amount AS CHAR)" : "amount::text";
        String targetAmount = settings.target() == TargetDatabase.DUCKDB ? "CAST(amount AS VARCHAR)" : "amount::text";
        awaitTrue("target orders to equal source orders", timeout, () -> {
            List<List<String>> source = rows(settings.sourceJdbcUrl(),
                    "SELECT id, customer, status, " + sourceAmount + " FROM orders ORDER BY id");
            List<List<String>> target = targetRows("SELECT id, customer, status, " + targetAmount
                    + " FROM orders WHERE NOT __deleted ORDER BY id");
            return !source.isEmpty() && source.equals(target);
        });
    }

    /** Every order ever placed wrote one OrderPlaced outbox row; waits until each is on outbox.event.Order, once. */
    void awaitOutboxEventsForEveryOrder(Duration timeout) {
        String placed = settings.source() == SourceDatabase.MARIADB
                ? "SELECT AUTO_INCREMENT - 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + settings.sourceDb()
                + "' AND TABLE_NAME = 'orders'"
                : "SELECT last_value FROM orders_id_seq";
        awaitTrue("one OrderPlaced event per order on outbox.event.Order", timeout, () -> {
            long orders = count(settings.sourceJdbcUrl(), placed);
            List<Long> events = recordValues(StackSettings.OUTBOX_TOPIC_PREFIX + "Order",
                    e -> e.at("/payload/orderId").asLong());
            return events.size() == orders && Set.copyOf(events).size() == orders;
        });
    }

    /**
     * What {@code extract} takes from the value of every record on the topic, from the beginning to the end offsets
     * seen at the call; tombstones are skipped. Only the extracts are kept: a topic's parsed values can outgrow the heap.
     */
    <T> List<T> recordValues(String topic, Function<JsonNode, T> extract) {
        List<T> values = new ArrayList<>();
        forEachRecord(topic, record -> {
            if (record.value() != null) {
                values.add(extract.apply(json(topic, record.value())));
            }
        });
        return values;
    }

    /**
     * What {@code extract} takes from every record on the topic (key, value, headers), from the beginning to the end
     * offsets seen at the call, tombstones included.
     */
    <T> List<T> records(String topic, Function<ConsumerRecord<byte[], byte[]>, T> extract) {
        List<T> extracts = new ArrayList<>();
        forEachRecord(topic, record -> extracts.add(extract.apply(record)));
        return extracts;
    }

    private void forEachRecord(String topic, Consumer<ConsumerRecord<byte[], byte[]>> action) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end offsets " + ends + " in 120 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(action);
            }
        }
    }

    /** The end offset of each partition of the topic: the offset its next record will get. */
    Map<Integer, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            Map<Integer, Long> ends = new TreeMap<>();
            consumer.endOffsets(partitions(consumer, topic)).forEach((tp, end) -> ends.put(tp.partition(), end));
            return ends;
        }
    }

    /** A record's key or value, written by a JSON converter. */
    static JsonNode json(String topic, byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable record on " + topic, e);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** Waits until every port of the stack is free again: all its servers are gone. */
    static void awaitPortsFree(StackSettings settings) {
        for (int port : List.of(settings.sourceDbPort(), settings.targetDbPort(), settings.kafkaPort(),
                settings.controllerPort(), settings.connectPort())) {
            awaitTrue("port " + port + " to be free", Duration.ofSeconds(30), () -> Ports.isFree(port));
        }
    }

    /** Polls the condition every half second; a condition that throws counts as not yet true. */
    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e;
            }
            KafkaServices.sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
    }
}
