package io.tidemark.sink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestMariaDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium incremental snapshots of a MariaDB table (signal {@code execute-snapshot}, type {@code incremental},
 * through the signal table) into a running sink. The source starts with {@code snapshot.mode=no_data}, so the rows
 * that existed before reach the target only through the incremental snapshot. Its chunk rows carry the binlog
 * position of their window's close marker and interleave with streamed changes; the sink applies them in Kafka
 * order over whatever a row holds, keeping the row's streamed version (docs/correctness.md §2.6, §3.3).
 */
class MariaDbIncrementalSnapshotIT extends MariaDbPipelineTest {

    @Override
    String worldName() {
        return "mariadb-incremental";
    }

    /** A source with {@code rows} customers and a signal table, captured from now on, and a merge sink. */
    private void start(String name, int rows, int chunkSize) {
        pipeline = new MariaDbPipeline(name, connect);
        String signals = pipeline.source + ".debezium_signal";
        TestMariaDb.execute(pipeline.source, MariaDbPipeline.insertCustomers(1, rows),
                "CREATE TABLE debezium_signal (id varchar(64) PRIMARY KEY, type varchar(32), data varchar(2048))",
                // Debezium opens and closes each chunk's window by inserting rows into the signal table.
                "GRANT INSERT ON " + signals + " TO '" + TestMariaDb.DEBEZIUM_USER + "'@'%'");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("snapshot.mode", "no_data");
        config.put("signal.data.collection", signals);
        config.put("incremental.snapshot.chunk.size", String.valueOf(chunkSize));
        // Debezium reports STARTED, IN_PROGRESS per chunk and COMPLETED to this topic.
        config.put("notification.enabled.channels", "sink");
        config.put("notification.sink.topic.name", notificationTopic());
        // With no_data nothing is published before the first change, so neither topic would exist yet.
        connect.cluster().kafka().createTopic(pipeline.topic(), 1);
        connect.cluster().kafka().createTopic(notificationTopic(), 1);
        pipeline.startSource(config);
        pipeline.startSink();
    }

    private String notificationTopic() {
        return pipeline.prefix + ".notifications";
    }

    private void requestIncrementalSnapshot(String signalId) {
        TestMariaDb.execute(pipeline.source, "INSERT INTO debezium_signal VALUES ('" + signalId + "', 'execute-snapshot',"
                + " '{\"data-collections\": [\"" + pipeline.source + ".customers\"], \"type\": \"incremental\"}')");
    }

    private boolean snapshotCompleted() {
        pipeline.failIfFailed(pipeline.sourceConnector);
        return pipeline.payloads(notificationTopic()).stream()
                .anyMatch(n -> "Incremental Snapshot".equals(n.path("aggregate_type").asText())
                        && "COMPLETED".equals(n.path("type").asText()));
    }

    private static boolean isIncrementalRead(JsonNode event) {
        return "r".equals(event.path("op").asText())
                && "incremental".equals(event.path("source").path("snapshot").asText());
    }

    /**
     * 2,000 rows read in chunks of 100 while a workload raises the counters of all of them, one transaction per
     * change, and rows are deleted and inserted ahead of the chunks and behind them.
     */
    @Test
    void incrementalSnapshotWhileTheSourceChangesRowsConvergesToTheSource() throws Exception {
        start("mdbincremental", 2000, 100);
        String source = pipeline.source;
        long started;
        int duringSnapshot;
        try (SourceWorkload workload = new SourceWorkload(() -> TestMariaDb.connect(source), 1, 2000, 6000).start()) {
            // The workload's streamed updates create the target table; only then can the watch sample it.
            Await.until("the target table to exist", Duration.ofSeconds(60), () -> {
                pipeline.failIfFailed(pipeline.sinkConnector);
                return !Sql.query(pipeline.target, "SELECT to_regclass('customers') AS t").get(0).values().contains(null);
            });
            try (RegressionWatch watch = new RegressionWatch(pipeline.target)) {
                int before = workload.done();
                started = System.nanoTime();
                requestIncrementalSnapshot("while-changing");
                TestMariaDb.execute(pipeline.source, "DELETE FROM customers WHERE id BETWEEN 1900 AND 1919",
                        "DELETE FROM customers WHERE id BETWEEN 5 AND 9", MariaDbPipeline.insertCustomers(2001, 2020));
                Await.until("Debezium's notification that the incremental snapshot COMPLETED", Duration.ofSeconds(120),
                        this::snapshotCompleted);
                duringSnapshot = workload.done() - before;
                workload.await();
                pipeline.awaitConverged(Duration.ofSeconds(90));
                assertThat(watch.regressions()).as("regressed rows over %d samples", watch.samples()).isEmpty();
                List<JsonNode> reads = pipeline.payloads(pipeline.topic()).stream()
                        .filter(MariaDbIncrementalSnapshotIT::isIncrementalRead).toList();
                System.out.printf("incremental snapshot: %,d incremental reads for %,d source rows; %,d workload changes"
                                + " during the %.1f s snapshot, 25 rows deleted and 20 inserted; target equals source;"
                                + " no row regressed over %d samples%n", reads.size(),
                        Sql.count(pipeline.target, "SELECT count(*) FROM customers WHERE NOT __deleted"),
                        duringSnapshot, (System.nanoTime() - started) / 1e9, watch.samples());
                assertThat(duringSnapshot).as("workload changes while the snapshot ran").isPositive();
                assertThat(reads).as("incremental reads").isNotEmpty();
            }
        }
        assertThat(connect.cluster().connectorStatus(pipeline.sinkConnector).tasks())
                .extracting(t -> t.state()).containsOnly("RUNNING");
    }

    /**
     * T updates row 150 and stays open; the chunk holding row 150 is read (the old value: T is not committed) and
     * published; then T commits. The binlog is written at commit, so T's change has a binlog position after the
     * chunk's close marker, unlike a PostgreSQL change LSN; it is the newer change and must win.
     */
    @Test
    void transactionOpenAcrossAChunkWinsOverTheChunkRow() throws Exception {
        start("mdbopenacross", 300, 100);
        int id = 150;
        JsonNode chunkRead;
        JsonNode committed;
        try (Connection t = TestMariaDb.connect(pipeline.source); Statement s = t.createStatement()) {
            t.setAutoCommit(false);
            s.executeUpdate("UPDATE customers SET name = 'open across the chunk', big = -1 WHERE id = " + id);
            requestIncrementalSnapshot("open-across");
            chunkRead = awaitEvent("the incremental read of row " + id,
                    e -> isIncrementalRead(e) && e.path("after").path("id").asInt() == id);
            assertThat(chunkRead.path("after").path("name").asText()).isEqualTo("name " + id);
            t.commit();
            committed = awaitEvent("T's update of row " + id,
                    e -> "u".equals(e.path("op").asText()) && e.path("after").path("id").asInt() == id);
        }
        System.out.printf("open across a chunk: chunk row at %s, T's change at %s%n", position(chunkRead),
                position(committed));
        assertThat(committed.path("source").path("pos").asLong()).as("T's binlog position, against the chunk row's")
                .isGreaterThan(chunkRead.path("source").path("pos").asLong());
        assertThat(committed.path("source").path("file").asText()).isEqualTo(chunkRead.path("source").path("file").asText());

        Await.until("Debezium's notification that the incremental snapshot COMPLETED", Duration.ofSeconds(60),
                this::snapshotCompleted);
        pipeline.awaitConverged(Duration.ofSeconds(60));
        assertThat(Sql.queryAsText(pipeline.target, "SELECT name, big FROM customers WHERE id = " + id))
                .containsExactly(List.of("open across the chunk", "-1"));
    }

    private JsonNode awaitEvent(String what, Predicate<JsonNode> match) {
        return Await.until(what, Duration.ofSeconds(60), () -> {
            pipeline.failIfFailed(pipeline.sourceConnector);
            return pipeline.payloads(pipeline.topic()).stream().filter(match).findFirst();
        }, Optional::isPresent).get();
    }

    private static String position(JsonNode event) {
        JsonNode source = event.path("source");
        return source.path("file").asText() + ":" + source.path("pos").asText() + ":" + source.path("row").asText();
    }
}
