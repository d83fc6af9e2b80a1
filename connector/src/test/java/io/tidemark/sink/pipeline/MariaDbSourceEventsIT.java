package io.tidemark.sink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumMySql;
import io.tidemark.testkit.TestMariaDb;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What Debezium's MySQL connector publishes when it captures a real MariaDB (Debian's 10.11, row-based binlog with
 * full images): the source-block facts a sink that orders MySQL changes by binlog position relies on. Each test
 * captures a table {@code items} of a fresh database with a connector of its own and reads the topic with a plain
 * Kafka consumer; every event read is logged at INFO with its source block ({@code target/test.log}) so its numbers
 * can be quoted. CI installs {@code mariadb-server}; a machine without {@code mariadbd} skips this.
 */
class MariaDbSourceEventsIT {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbSourceEventsIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ConnectWorld connect;

    private String connector;

    /** In each test, so that a machine without MariaDB reports every test skipped with the reason. */
    @BeforeEach
    void startOnce() {
        assumeTrue(TestMariaDb.installed() || System.getenv("CI") != null,
                "mariadbd is not installed: Debian's mariadb-server provides it (CI installs it)");
        if (connect == null) {
            TestMariaDb.port();
            connect = ConnectWorld.start("mariadb", 1, DebeziumMySql.workerProps());
        }
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
    }

    @AfterEach
    void deleteConnector() {
        if (connector != null) {
            connect.deleteConnector(connector);
        }
    }

    @Test
    void snapshotReadsShareOneBinlogPositionAndAreMarkedFirstTrueLast() {
        String database = capture("snapshot", 4, Map.of());
        List<JsonNode> reads;
        try (TopicEvents items = new TopicEvents(database, itemsTopic(database))) {
            reads = items.await("the 4 snapshot reads", events -> events.size() >= 4);
        }

        assertThat(reads).extracting(e -> e.path("op").asText()).containsOnly("r");
        assertThat(reads).extracting(e -> e.path("source").path("snapshot").asText())
                .containsExactly("first", "true", "true", "last");
        assertThat(reads).extracting(e -> e.path("source").path("connector").asText()).containsOnly("mysql");
        BinlogPosition first = position(reads.get(0));
        assertThat(reads).extracting(MariaDbSourceEventsIT::position).as("one position for the whole snapshot")
                .containsOnly(first);
        assertThat(first.file()).startsWith("mysql-bin.");
        assertThat(first.pos()).isPositive();
        assertThat(first.row()).isZero();
        assertThat(reads).extracting(e -> e.path("source").path("server_id").asInt()).as("server_id of snapshot reads")
                .containsOnly(0);
    }

    @Test
    void streamedChangesCarryFilePosRowAndServerIdInStrictlyIncreasingOrder() throws SQLException {
        String database = capture("stream", 1, Map.of());
        List<JsonNode> streamed;
        try (TopicEvents items = new TopicEvents(database, itemsTopic(database))) {
            items.await("the snapshot read", events -> !events.isEmpty());
            TestMariaDb.execute(database, "INSERT INTO items VALUES (10, 'a'), (11, 'b'), (12, 'c')");
            inOneTransaction(database, "INSERT INTO items VALUES (20, 'd')", "UPDATE items SET v = 'e' WHERE id = 10",
                    "DELETE FROM items WHERE id = 11");
            TestMariaDb.execute(database, "UPDATE items SET v = 'f' WHERE id IN (10, 12, 20)");
            streamed = streamed(items.await("9 streamed changes", events -> streamed(events).size() >= 9));
        }

        assertThat(streamed).extracting(e -> e.path("op").asText() + id(e))
                .containsExactly("c10", "c11", "c12", "c20", "u10", "d11", "u10", "u12", "u20");
        for (JsonNode event : streamed) {
            JsonNode source = event.path("source");
            assertThat(source.path("connector").asText()).isEqualTo("mysql");
            assertThat(source.path("server_id").asInt()).isEqualTo(TestMariaDb.SERVER_ID);
            assertThat(source.path("file").asText()).startsWith("mysql-bin.");
            assertThat(source.path("pos").isNumber()).as("pos of %s", describe(event)).isTrue();
            assertThat(source.path("row").isNumber()).as("row of %s", describe(event)).isTrue();
            assertThat(List.of(source.path("gtid"), source.path("thread"), source.path("query")))
                    .as("gtid, thread and query of %s", describe(event)).allMatch(JsonNode::isNull);
        }
        List<BinlogPosition> positions = streamed.stream().map(MariaDbSourceEventsIT::position).toList();
        assertThat(positions).as("(file, pos, row) in topic order").isSortedAccordingTo(Comparator.naturalOrder())
                .doesNotHaveDuplicates();

        List<BinlogPosition> multiRowInsert = positions.subList(0, 3);
        assertThat(multiRowInsert).extracting(BinlogPosition::pos).as("one rows event")
                .containsOnly(positions.get(0).pos());
        assertThat(multiRowInsert).extracting(BinlogPosition::row).containsExactly(0, 1, 2);
        List<BinlogPosition> transaction = positions.subList(3, 6);
        assertThat(transaction).extracting(BinlogPosition::row).as("a rows event per statement").containsOnly(0);
        assertThat(transaction).extracting(BinlogPosition::pos).doesNotHaveDuplicates();
        List<BinlogPosition> multiRowUpdate = positions.subList(6, 9);
        assertThat(multiRowUpdate).extracting(BinlogPosition::pos).as("one rows event")
                .containsOnly(positions.get(6).pos());
        assertThat(multiRowUpdate).extracting(BinlogPosition::row).containsExactly(0, 1, 2);
    }

    @Test
    void primaryKeyUpdateArrivesAsDeleteThenCreateSharingOnePosition() {
        String database = capture("pkupdate", 3, Map.of());
        List<JsonNode> streamed;
        try (TopicEvents items = new TopicEvents(database, itemsTopic(database))) {
            items.await("the 3 snapshot reads", events -> events.size() >= 3);
            TestMariaDb.execute(database, "UPDATE items SET id = 40 WHERE id = 3",
                    "UPDATE items SET id = id + 100 WHERE id IN (1, 2)");
            streamed = streamed(items.await("6 streamed changes", events -> streamed(events).size() >= 6));
        }

        assertThat(streamed).extracting(e -> e.path("op").asText() + id(e))
                .containsExactly("d3", "c40", "d1", "c101", "d2", "c102");
        List<BinlogPosition> positions = streamed.stream().map(MariaDbSourceEventsIT::position).toList();
        assertThat(positions.get(1)).as("the create of a key change, at its delete's position")
                .isEqualTo(positions.get(0));
        assertThat(positions.get(3)).isEqualTo(positions.get(2));
        assertThat(positions.get(5)).isEqualTo(positions.get(4));
        assertThat(positions.get(2)).as("the next statement").isGreaterThan(positions.get(0));
        assertThat(positions.get(4).pos()).as("one rows event for both rows").isEqualTo(positions.get(2).pos());
        assertThat(List.of(positions.get(2).row(), positions.get(4).row())).containsExactly(0, 1);
    }

    @Test
    void streamedChangesComeAfterTheSnapshotPosition() {
        String database = capture("after", 2, Map.of());
        List<JsonNode> events;
        try (TopicEvents items = new TopicEvents(database, itemsTopic(database))) {
            items.await("the 2 snapshot reads", all -> all.size() >= 2);
            TestMariaDb.execute(database, "INSERT INTO items VALUES (10, 'a')",
                    "UPDATE items SET v = 'b' WHERE id = 1");
            events = items.await("2 streamed changes", all -> streamed(all).size() >= 2);
        }

        BinlogPosition snapshot = position(events.get(0));
        assertThat(streamed(events)).extracting(MariaDbSourceEventsIT::position).allSatisfy(p -> assertThat(p)
                .as("a streamed position against the snapshot's %s", snapshot).isGreaterThan(snapshot));
    }

    /**
     * The binlog client announces MariaDB's GTID capability, so the server opens each transaction with a MariaDB GTID
     * event instead of a {@code BEGIN} query; the MySQL connector has no handler for that event, so it never sees a
     * transaction begin: no transaction block, no BEGIN/END markers, no {@code thread}.
     */
    @Test
    void transactionMetadataIsNeverProvidedForMariaDbTransactions() throws SQLException {
        String database = capture("txmeta", 1, Map.of("provide.transaction.metadata", "true"));
        List<JsonNode> events;
        try (TopicEvents items = new TopicEvents(database, itemsTopic(database))) {
            items.await("the snapshot read", all -> !all.isEmpty());
            inOneTransaction(database, "INSERT INTO items VALUES (10, 'a')", "INSERT INTO items VALUES (11, 'b')");
            TestMariaDb.execute(database, "INSERT INTO items VALUES (12, 'c')");
            events = items.await("3 streamed changes", all -> streamed(all).size() >= 3);
        }

        assertThat(events).extracting(e -> e.path("op").asText() + id(e)).containsExactly("r1", "c10", "c11", "c12");
        assertThat(events).allSatisfy(e -> assertThat(e.path("transaction").isNull())
                .as("transaction block of %s", describe(e)).isTrue());
        assertThat(streamed(events)).allSatisfy(e -> assertThat(e.path("source").path("thread").isNull())
                .as("thread of %s", describe(e)).isTrue());
        String markers = database + ".transaction";
        assertThat(connect.cluster().kafka().describeTopics(markers).get(markers))
                .as("the transaction metadata topic, once the changes of both transactions arrived").isEmpty();
    }

    @Test
    void incrementalSnapshotRowsCarryThePositionOfTheirChunkWindowBetweenTheStreamedChanges() {
        String database = TestMariaDb.createDatabase("incremental");
        String signals = database + ".debezium_signal";
        TestMariaDb.execute(database,
                "CREATE TABLE debezium_signal (id varchar(64) PRIMARY KEY, type varchar(32), data varchar(2048))",
                // Debezium opens and closes each chunk's window by inserting rows into the signal table.
                "GRANT INSERT ON " + signals + " TO '" + TestMariaDb.DEBEZIUM_USER + "'@'%'");
        startSource(database, 5, Map.of("signal.data.collection", signals, "incremental.snapshot.chunk.size", "2"));
        List<JsonNode> events;
        try (TopicEvents items = new TopicEvents(database, itemsTopic(database))) {
            items.await("the 5 initial snapshot reads", all -> all.size() >= 5);
            TestMariaDb.execute(database, "INSERT INTO items VALUES (10, 'before the signal')");
            items.await("the insert before the signal", all -> all.size() >= 6);
            TestMariaDb.execute(database, "INSERT INTO debezium_signal VALUES ('resnapshot', 'execute-snapshot',"
                    + " '{\"data-collections\": [\"" + database + ".items\"], \"type\": \"incremental\"}')");
            items.await("6 incremental reads", all -> incremental(all).size() >= 6);
            TestMariaDb.execute(database, "INSERT INTO items VALUES (11, 'after the snapshot')");
            events = items.await("the insert after the snapshot", all -> all.size() >= 13);
        }

        List<JsonNode> incremental = incremental(events);
        assertThat(incremental).extracting(e -> e.path("op").asText() + id(e))
                .containsExactly("r1", "r2", "r3", "r4", "r5", "r10");
        assertThat(events.get(12).path("op").asText() + id(events.get(12))).isEqualTo("c11");
        BinlogPosition before = position(events.get(5));
        BinlogPosition after = position(events.get(12));
        List<BinlogPosition> positions = incremental.stream().map(MariaDbSourceEventsIT::position).toList();
        assertThat(positions).allSatisfy(p -> assertThat(p).as("between %s and %s", before, after)
                .isGreaterThan(before).isLessThan(after));
        assertThat(positions).extracting(BinlogPosition::row).containsOnly(0);
        assertThat(List.of(positions.get(1), positions.get(3), positions.get(5))).as("a chunk's rows share a position")
                .containsExactly(positions.get(0), positions.get(2), positions.get(4));
        assertThat(List.of(positions.get(0), positions.get(2), positions.get(4))).as("chunk by chunk, in binlog order")
                .isSortedAccordingTo(Comparator.naturalOrder()).doesNotHaveDuplicates();
        assertThat(incremental).extracting(e -> e.path("source").path("server_id").asInt()).as("server_id")
                .containsOnly(TestMariaDb.SERVER_ID);
    }

    /** A database with {@code items} holding ids 1..{@code rows}, captured by a connector of this test's own. */
    private String capture(String name, int rows, Map<String, String> overrides) {
        String database = TestMariaDb.createDatabase(name);
        startSource(database, rows, overrides);
        return database;
    }

    private void startSource(String database, int rows, Map<String, String> overrides) {
        TestMariaDb.execute(database, "CREATE TABLE items (id int PRIMARY KEY, v varchar(40))");
        for (int id = 1; id <= rows; id++) {
            TestMariaDb.execute(database, "INSERT INTO items VALUES (" + id + ", 'row " + id + "')");
        }
        Map<String, String> config = DebeziumMySql.sourceConfig(database, database, database + ".items",
                connect.bootstrapServers());
        config.putAll(overrides);
        connector = "source-" + database;
        connect.postConnector(connector, config);
        connect.awaitRunning(connector, 1);
    }

    private static String itemsTopic(String database) {
        return database + "." + database + ".items";
    }

    private static void inOneTransaction(String database, String... statements) throws SQLException {
        try (Connection c = TestMariaDb.connect(database); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        }
    }

    /** One line: op, id, and the source fields a binlog position is made of, plus the transaction block. */
    private static String describe(JsonNode event) {
        Map<String, Object> source = new LinkedHashMap<>();
        for (String field : List.of("snapshot", "file", "pos", "row", "server_id", "gtid", "thread", "query")) {
            source.put(field, event.path("source").get(field));
        }
        return "op=" + event.path("op").asText() + " id=" + id(event) + " source=" + source + " transaction="
                + event.get("transaction");
    }

    private static int id(JsonNode event) {
        JsonNode row = event.path("after").isObject() ? event.path("after") : event.path("before");
        return row.path("id").asInt();
    }

    private static List<JsonNode> streamed(List<JsonNode> events) {
        return events.stream().filter(e -> "false".equals(e.path("source").path("snapshot").asText())).toList();
    }

    private static List<JsonNode> incremental(List<JsonNode> events) {
        return events.stream().filter(e -> "incremental".equals(e.path("source").path("snapshot").asText())).toList();
    }

    private static BinlogPosition position(JsonNode event) {
        JsonNode source = event.path("source");
        return new BinlogPosition(source.path("file").asText(), source.path("pos").asLong(),
                source.path("row").asInt());
    }

    /** Binlog order: file names carry zero-padded sequence numbers, so their text order is the order of writing. */
    private record BinlogPosition(String file, long pos, int row) implements Comparable<BinlogPosition> {

        private static final Comparator<BinlogPosition> ORDER = Comparator.comparing(BinlogPosition::file)
                .thenComparingLong(BinlogPosition::pos).thenComparingInt(BinlogPosition::row);

        @Override
        public int compareTo(BinlogPosition other) {
            return ORDER.compare(this, other);
        }
    }

    /** The change events of one topic from its beginning, tombstones left out; each is logged once as it is read. */
    private final class TopicEvents implements AutoCloseable {

        private final String database;
        private final String topic;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<JsonNode> events = new ArrayList<>();

        TopicEvents(String database, String topic) {
            this.database = database;
            this.topic = topic;
            consumer = connect.cluster().kafka().createConsumer(Map.of());
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        }

        /** Reads on until {@code done} holds for everything read so far; returns that, in offset order. */
        List<JsonNode> await(String what, Predicate<List<JsonNode>> done) {
            Await.until(what + " on " + topic + "; " + connect.describe(connector), Duration.ofSeconds(60), () -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        JsonNode event = payload(record);
                        LOG.info("{} offset {}: {}", database, record.offset(), describe(event));
                        events.add(event);
                    }
                }
                return events;
            }, done);
            return List.copyOf(events);
        }

        private JsonNode payload(ConsumerRecord<byte[], byte[]> record) {
            try {
                return JSON.readTree(record.value()).get("payload");
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable record at " + topic + " offset " + record.offset(), e);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
