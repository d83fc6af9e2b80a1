package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestMariaDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debezium PostgresConnector → Kafka → Connect → our sink → a MariaDB target, all real: the MariaDB dialect keeps the
 * guarantees the PostgreSQL target has. The target is compared with the source column by column, each side printing
 * its values in one common notation (timestamps in UTC with microseconds, booleans as 0/1).
 */
class MariaDbTargetIT {

    /** The source's columns as text. */
    private static final String SOURCE_COLUMNS = "id, name, email, balance::text, CASE WHEN active THEN 1 ELSE 0 END,"
            + " born::text, to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US'),"
            + " to_char(seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), ref::text, attrs->>'g', notes, small, big";
    /** The same columns of the MariaDB target as text. */
    private static final String TARGET_COLUMNS = "id, name, email, CAST(balance AS CHAR), active, CAST(born AS CHAR),"
            + " DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(seen_at, '%Y-%m-%d %H:%i:%s.%f'), ref,"
            + " JSON_VALUE(attrs, '$.g'), notes, small, big";

    private Pipeline pipeline;
    private String target;

    @BeforeEach
    void start(TestInfo test) {
        assumeTrue(TestMariaDb.installed() || System.getenv("CI") != null,
                "mariadbd is not installed: Debian's mariadb-server provides it (CI installs it)");
        String name = test.getTestMethod().orElseThrow().getName();
        pipeline = new Pipeline("mdbt_" + name.substring(0, Math.min(12, name.length())).toLowerCase());
        target = TestMariaDb.createDatabase("mariadb_target");
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, 200));
        pipeline.startSource(Map.of());
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** The pipeline's sink, writing to the MariaDB target as its root user (no password). */
    private void startSink(Map<String, String> overrides) {
        Map<String, String> sink = pipeline.sinkConfig();
        sink.remove("connection.password");
        sink.put("connection.url", TestMariaDb.mariadbUrl(target));
        sink.put("connection.user", "root");
        sink.putAll(overrides);
        pipeline.connect.postConnector("sink", sink);
        pipeline.connect.awaitRunning("sink", 1);
    }

    private List<List<String>> targetRows(String where) {
        try (Connection c = TestMariaDb.connect(target)) {
            return Sql.queryAsText(c, "SELECT " + TARGET_COLUMNS + " FROM customers WHERE " + where + " ORDER BY id");
        } catch (SQLException e) {
            return List.of();
        }
    }

    private void awaitConverged(String targetWhere) {
        List<List<String>> expected = Sql.queryAsText(pipeline.source,
                "SELECT " + SOURCE_COLUMNS + " FROM customers ORDER BY id");
        Await.until("MariaDB target to equal the source (" + expected.size() + " rows); "
                        + pipeline.connect.describe("sink"), Duration.ofSeconds(90),
                () -> targetRows(targetWhere), expected::equals);
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
        startSink(Map.of());
        awaitConverged("NOT __deleted");
        changeEverything();
        awaitConverged("NOT __deleted");

        pipeline.connect.deleteConnector("sink");
        Sql.execute(pipeline.source, "UPDATE customers SET name = 'while stopped' WHERE id <= 30");
        startSink(Map.of());
        awaitConverged("NOT __deleted");

        try (Connection c = TestMariaDb.connect(target)) {
            assertThat(Sql.queryAsText(c, "SELECT id FROM customers WHERE __deleted ORDER BY id")).as("soft-deleted keys")
                    .extracting(r -> r.get(0)).contains("5", "11", "22");
            assertThat(Sql.queryAsText(c, "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'customers' AND COLUMN_NAME IN"
                    + " ('id', 'balance', 'updated_at', 'ref', '__source_version') ORDER BY ORDINAL_POSITION"))
                    .containsExactly(List.of("id", "int(11)"), List.of("balance", "decimal(12,2)"),
                            List.of("updated_at", "datetime(6)"), List.of("ref", "char(36)"),
                            List.of("__source_version", "decimal(38,0)"));
            assertThat(Sql.queryAsText(c, "SELECT connector_name, topic FROM cdc_watermark"))
                    .containsExactly(List.of("sink", pipeline.topic()));
        }
    }

    @Test
    void hardDeletesRemoveTheRows() {
        startSink(Map.of("delete.mode", "hard"));
        changeEverything();
        awaitConverged("TRUE");
    }

    @Test
    void appendModeKeepsEveryChangeOnceThroughARestart() throws SQLException {
        startSink(Map.of("mode", "append", "table.name.format", "${source.table}_audit"));
        Await.until("200 snapshot rows in the audit table", Duration.ofSeconds(90),
                () -> count("SELECT count(*) FROM customers_audit"), n -> n == 200);
        Sql.execute(pipeline.source, "UPDATE customers SET name = 'once' WHERE id <= 50");
        pipeline.connect.deleteConnector("sink");
        startSink(Map.of("mode", "append", "table.name.format", "${source.table}_audit"));
        Await.until("250 audit rows", Duration.ofSeconds(90),
                () -> count("SELECT count(*) FROM customers_audit"), n -> n == 250);
        assertThat(count("SELECT count(*) FROM customers_audit WHERE __op = 'u' AND name = 'once'")).isEqualTo(50);
    }

    private long count(String sql) {
        try (Connection c = TestMariaDb.connect(target); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
