package io.tidemark.sink;

import io.tidemark.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The task's pool on a DuckDB file: it lets go of the file when idle and never hands out a connection gone bad. */
class TargetPoolTest {

    @TempDir
    Path directory;

    private TargetPool pool(String url, String idleReleaseMs) {
        SinkConfig config = new SinkConfig(Map.of("connection.url", url, "topics", "t",
                "connection.idle.release.ms", idleReleaseMs));
        return TargetPool.open(config, config.dialect(), "pool-test", null);
    }

    @Test
    void idleConnectionsAreClosedAndTheDatabaseFileLetGoOf() throws SQLException {
        String url = "jdbc:duckdb:" + directory.resolve("idle.duckdb");
        try (TargetPool pool = pool(url, "200")) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INTEGER)");
                c.commit();
            }
            assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
            // While a connection of this process has the file open, DuckDB refuses another configuration of it.
            assertThatThrownBy(() -> DriverManager.getConnection(url + ";threads=1").close())
                    .hasMessageContaining("different configuration");
            Await.until("the idle connection to be closed", Duration.ofSeconds(10),
                    () -> pool.getHikariPoolMXBean().getTotalConnections() == 0);
            Await.until("the database to be closed", Duration.ofSeconds(10), () -> opens(url + ";threads=1"));
        }
    }

    @Test
    void connectionsInUseOrUsedWithinTheIdleTimeStayOpen() throws SQLException, InterruptedException {
        String url = "jdbc:duckdb:" + directory.resolve("busy.duckdb");
        try (TargetPool pool = pool(url, "60000")) {
            try (Connection c = pool.getConnection()) {
                c.rollback();
            }
            Thread.sleep(1_500);
            assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(1);
        }
    }

    /**
     * A COMMIT that fails on a write-write conflict leaves DuckDB's driver believing a transaction is open: handed out
     * again, the connection would run the next transaction statement by statement in autocommit, so a rollback would
     * leave its writes behind. The pool closes it instead.
     */
    @Test
    void aConnectionWhoseCommitFailedIsNotHandedOutAgain() throws SQLException {
        String url = "jdbc:duckdb:" + directory.resolve("conflict.duckdb");
        try (TargetPool pool = pool(url, "60000"); Connection other = DriverManager.getConnection(url)) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
                c.commit();
                s.execute("INSERT INTO t VALUES (1)");
                try (Statement o = other.createStatement()) {
                    o.execute("INSERT INTO t VALUES (1)");
                }
                assertThatThrownBy(c::commit).hasMessageContaining("TransactionContext Error");
                assertThatThrownBy(c::rollback).isInstanceOf(SQLException.class);
            }
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (2)");
                c.rollback();
            }
            try (Statement o = other.createStatement(); ResultSet rs = o.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows after the rolled-back insert").isEqualTo(1);
            }
        }
    }

    private static boolean opens(String url) {
        try (Connection ignored = DriverManager.getConnection(url)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
