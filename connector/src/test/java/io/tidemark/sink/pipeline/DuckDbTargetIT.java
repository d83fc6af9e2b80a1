package io.tidemark.sink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestDuckDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium PostgresConnector → Kafka → Connect → our sink → a DuckDB database file, all real: the DuckDB dialect keeps
 * the guarantees the PostgreSQL target has, two tasks share the file, and the sink lets go of the file when idle and
 * waits for it while another process holds it. The target is compared with the source column by column, each side
 * printing its values in one common notation (timestamps in UTC with microseconds).
 */
class DuckDbTargetIT {

    /** The source's columns as text. */
    private static final String SOURCE_COLUMNS = "id, name, email, balance::text, active::text, born::text,"
            + " to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US'), to_char(seen_at AT TIME ZONE 'UTC',"
            + " 'YYYY-MM-DD HH24:MI:SS.US'), ref::text, attrs->>'g', notes, small, big";
    /** The same columns of the DuckDB target as text. */
    private static final String TARGET_COLUMNS = "id, name, email, CAST(balance AS VARCHAR), CAST(active AS VARCHAR),"
            + " CAST(born AS VARCHAR), strftime(updated_at, '%Y-%m-%d %H:%M:%S.%f'),"
            + " strftime(timezone('UTC', seen_at), '%Y-%m-%d %H:%M:%S.%f'), CAST(ref AS VARCHAR),"
            + " json_extract_string(attrs, '$.g'), notes, small, big";

    private Pipeline pipeline;
    private String target;

    @BeforeEach
    void start(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName();
        pipeline = new Pipeline("ddbt_" + name.substring(0, Math.min(12, name.length())).toLowerCase());
        target = TestDuckDb.createDatabase("duckdb_target");
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, 200));
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** The pipeline's sink, writing to the DuckDB file (no user, no password). */
    private Map<String, String> sinkConfig(Map<String, String> overrides) {
        Map<String, String> sink = pipeline.sinkConfig();
        sink.remove("connection.user");
        sink.remove("connection.password");
        sink.put("connection.url", TestDuckDb.jdbcUrl(target));
        sink.putAll(overrides);
        return sink;
    }

    private void startSink(Map<String, String> overrides) {
        Map<String, String> sink = sinkConfig(overrides);
        pipeline.connect.postConnector("sink", sink);
        pipeline.connect.awaitRunning("sink", Integer.parseInt(sink.get("tasks.max")));
    }

    private List<List<String>> targetRows(String columns, String where) {
        try (Connection c = TestDuckDb.connect(target)) {
            return Sql.queryAsText(c, "SELECT " + columns + " FROM customers WHERE " + where + " ORDER BY id");
        } catch (SQLException e) {
            return List.of();
        }
    }

    private void awaitConverged(String targetWhere) {
        awaitConverged(SOURCE_COLUMNS, TARGET_COLUMNS, targetWhere);
    }

    private void awaitConverged(String sourceColumns, String targetColumns, String targetWhere) {
        List<List<String>> expected = Sql.queryAsText(pipeline.source,
                "SELECT " + sourceColumns + " FROM customers ORDER BY id");
        Await.until("DuckDB target to equal the source (" + expected.size() + " rows); "
                        + pipeline.connect.describe("sink"), Duration.ofSeconds(90),
                () -> {
                    failIfATaskFailed();
                    return targetRows(targetColumns, targetWhere);
                }, expected::equals);
    }

    private void failIfATaskFailed() {
        var status = pipeline.connect.cluster().connectorStatus("sink");
        if (status != null && status.tasks().stream().anyMatch(t -> "FAILED".equals(t.state()))) {
            throw new AssertionError("a sink task FAILED: " + pipeline.connect.describe("sink"));
        }
    }

    private void changeEverything() {
        Sql.execute(pipeline.source,
                Pipeline.insertCustomers(201, 260),
                "UPDATE customers SET name = 'renamed ' || id, balance = balance + 0.01 WHERE id % 7 = 0",
                "DELETE FROM customers WHERE id % 11 = 0",
                "UPDATE customers SET id = 5000 WHERE id = 5",
                "UPDATE customers SET name = NULL, attrs = NULL, seen_at = NULL WHERE id = 6");
    }

    @Test
    void mergeModeTargetEqualsTheSourceAfterSnapshotChangesAndASinkRestart() throws SQLException {
        pipeline.startSource(Map.of());
        startSink(Map.of());
        awaitConverged("NOT __deleted");
        changeEverything();
        awaitConverged("NOT __deleted");

        pipeline.connect.deleteConnector("sink");
        Sql.execute(pipeline.source, "UPDATE customers SET name = 'while stopped' WHERE id <= 30");
        startSink(Map.of());
        awaitConverged("NOT __deleted");

        try (Connection c = TestDuckDb.connect(target)) {
            assertThat(Sql.queryAsText(c, "SELECT id FROM customers WHERE __deleted ORDER BY id")).as("soft-deleted keys")
                    .extracting(r -> r.get(0)).contains("5", "11", "22");
            assertThat(Sql.queryAsText(c, "SELECT column_name, data_type FROM duckdb_columns()"
                    + " WHERE table_name = 'customers' AND column_name IN ('id', 'balance', 'updated_at', 'seen_at',"
                    + " 'ref', 'attrs', '__source_version') ORDER BY column_index"))
                    .containsExactly(List.of("id", "INTEGER"), List.of("balance", "DECIMAL(12,2)"),
                            List.of("updated_at", "TIMESTAMP"), List.of("seen_at", "TIMESTAMP WITH TIME ZONE"),
                            List.of("ref", "UUID"), List.of("attrs", "JSON"),
                            List.of("__source_version", "DECIMAL(38,0)"));
            assertThat(Sql.queryAsText(c, "SELECT connector_name, topic FROM cdc_watermark"))
                    .containsExactly(List.of("sink", pipeline.topic()));
        }
    }

    @Test
    void hardDeletesRemoveTheRows() {
        pipeline.startSource(Map.of());
        startSink(Map.of("delete.mode", "hard"));
        changeEverything();
        awaitConverged("TRUE");
    }

    @Test
    void appendModeKeepsEveryChangeOnceThroughARestart() {
        pipeline.startSource(Map.of());
        Map<String, String> append = Map.of("mode", "append", "table.name.format", "${source.table}_audit");
        startSink(append);
        Await.until("200 snapshot rows in the audit table", Duration.ofSeconds(90),
                () -> count("SELECT count(*) FROM customers_audit"), n -> n == 200);
        Sql.execute(pipeline.source, "UPDATE customers SET name = 'once' WHERE id <= 50");
        pipeline.connect.deleteConnector("sink");
        startSink(append);
        Await.until("250 audit rows", Duration.ofSeconds(90),
                () -> count("SELECT count(*) FROM customers_audit"), n -> n == 250);
        assertThat(count("SELECT count(*) FROM customers_audit WHERE __op = 'u' AND name = 'once'")).isEqualTo(50);
    }

    /**
     * Two tasks of one worker write one file at once, a partition each, through snapshot, changes and a column added
     * at the source (which both tasks add to the table while the other writes it): DuckDB's write-write conflicts
     * between them are retried, and the file ends equal to the source with neither task failed.
     */
    @Test
    void twoTasksShareTheFile() throws SQLException {
        pipeline.startSource(Map.of("topic.creation.default.partitions", "2"));
        startSink(Map.of("tasks.max", "2"));
        awaitConverged("NOT __deleted");
        for (int round = 0; round < 5; round++) {
            changeEverything();
            Sql.execute(pipeline.source, "DELETE FROM customers WHERE id BETWEEN 201 AND 260",
                    "UPDATE customers SET id = 5 WHERE id = 5000", "UPDATE customers SET name = 'round " + round + "'");
            if (round == 2) {
                Sql.execute(pipeline.source, "ALTER TABLE customers ADD COLUMN extra text",
                        "UPDATE customers SET extra = 'x' || id");
            }
        }
        awaitConverged(SOURCE_COLUMNS + ", extra", TARGET_COLUMNS + ", extra", "NOT __deleted");
        assertThat(pipeline.connect.cluster().connectorStatus("sink").tasks()).hasSize(2)
                .allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        try (Connection c = TestDuckDb.connect(target)) {
            assertThat(Sql.queryAsText(c, "SELECT kafka_partition FROM cdc_watermark ORDER BY kafka_partition"))
                    .containsExactly(List.of("0"), List.of("1"));
        }
    }

    /**
     * Once the sink has nothing to write it closes its connections, and another process (a duckdb CLI, a status
     * view) can open the file; while that process holds it, the sink's writes wait and retry, and it catches up once
     * the file is free.
     */
    @Test
    void theSinkLetsGoOfTheFileWhenIdleAndWaitsWhileAnotherProcessHoldsIt() {
        pipeline.startSource(Map.of());
        startSink(Map.of("connection.idle.release.ms", "500", "retry.backoff.ms", "200"));
        awaitConverged("NOT __deleted");
        Path file = TestDuckDb.file(target);
        Await.until("another process to read the file the sink let go of", Duration.ofSeconds(30),
                () -> readInAnotherProcess(file), rows -> rows.equals(List.of(List.of("200"))));

        try (TestDuckDb.Holder holder = TestDuckDb.holdInAnotherProcess(file)) {
            changeEverything();
            // Longer than the pool's wait for a connection (10 s): the sink has met the lock and retried.
            sleep(Duration.ofSeconds(15));
            failIfATaskFailed();
        }
        awaitConverged("NOT __deleted");
    }

    /** A second worker (another process) holding the file: the task fails naming the file and the process. */
    @Test
    void aTaskThatCannotGetTheFileFailsNamingItAndTheProcessHoldingIt() {
        pipeline.startSource(Map.of());
        startSink(Map.of("connection.idle.release.ms", "500", "max.retries", "1", "retry.backoff.ms", "100"));
        awaitConverged("NOT __deleted");
        Path file = TestDuckDb.file(target);
        Await.until("the sink to let go of the file", Duration.ofSeconds(30),
                () -> readInAnotherProcess(file), rows -> !rows.isEmpty());
        try (TestDuckDb.Holder holder = TestDuckDb.holdInAnotherProcess(file)) {
            Sql.execute(pipeline.source, "UPDATE customers SET name = 'blocked' WHERE id = 1");
            Await.until("the task to fail", Duration.ofSeconds(90), () -> pipeline.connect.describe("sink"),
                    status -> status.contains("FAILED"));
            assertThat(pipeline.connect.describe("sink")).contains("giving up after 1 retries",
                    "Could not set lock on file \"" + file + "\"", "(PID " + holder.pid() + ")");
        }
    }

    /** validate() refuses an in-memory database, and a file another process holds, naming that process. */
    @Test
    void validateRefusesAnInMemoryDatabaseAndAFileAnotherProcessHolds() {
        Map<String, String> config = new HashMap<>(sinkConfig(Map.of()));
        config.put("connection.url", "jdbc:duckdb::memory:");
        assertThat(urlErrors(config)).singleElement().asString().contains("in-memory DuckDB database");

        TestDuckDb.execute(target, "CREATE TABLE placeholder (id INTEGER)");
        Path file = TestDuckDb.file(target);
        try (TestDuckDb.Holder holder = TestDuckDb.holdInAnotherProcess(file)) {
            assertThat(urlErrors(sinkConfig(Map.of()))).singleElement().asString()
                    .contains(file + " is open in another process", "(PID " + holder.pid() + ")",
                            "run every task that writes this file in one worker");
        }
        assertThat(urlErrors(sinkConfig(Map.of()))).isEmpty();
    }

    private List<String> urlErrors(Map<String, String> config) {
        JsonNode answer = pipeline.connect.validate(IdempotentJdbcSinkConnector.class.getName(), config);
        List<String> errors = new ArrayList<>();
        for (JsonNode value : answer.path("configs")) {
            if (value.path("value").path("name").asText().equals("connection.url")) {
                value.path("value").path("errors").forEach(e -> errors.add(e.asText()));
            }
        }
        return errors;
    }

    private static List<List<String>> readInAnotherProcess(Path file) {
        try {
            return TestDuckDb.queryInAnotherProcess(file, "SELECT count(*) FROM customers");
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql) {
        try (Connection c = TestDuckDb.connect(target); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
