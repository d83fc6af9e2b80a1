package io.tidemark.bench;

import io.tidemark.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The testkit's embedded PostgreSQL 17.6; the default target. Durable: {@code fsync=on}, {@code synchronous_commit=on}
 * ({@code full_page_writes} at its default, on), as a user's database; fast: {@code fsync=off},
 * {@code synchronous_commit=off}, as the integration tests run it.
 */
final class PostgresTarget implements BenchTarget {

    private final boolean durable;
    private long postmaster;

    PostgresTarget(boolean durable) {
        this.durable = durable;
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String commitMode() {
        return durable ? "durable (fsync=on, synchronous_commit=on)" : "fast (fsync=off, synchronous_commit=off)";
    }

    @Override
    public List<String> contenders() {
        return List.of("tidemark", "debezium-3.5.0", "debezium-3.3.1", "raw", "raw-window");
    }

    @Override
    public List<String> debeziumReleases() {
        return List.of(DebeziumReleases.jdbcSink("3.5.0"), DebeziumReleases.jdbcSink("3.3.1"));
    }

    @Override
    public ConnectContender debezium(String release) {
        return ConnectContender.debezium(release);
    }

    /** Debezium's JDBC sink releases from the plugin folders bench/run unpacks. */
    @Override
    public Map<String, String> workerConfig() {
        return Map.of("plugin.path", DebeziumReleases.jdbcSinkPluginPath());
    }

    @Override
    public void start() throws SQLException {
        TestPostgres.server(durable);
        // The postmaster forks one backend per connection: the parent of this one's.
        try (Connection c = TestPostgres.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            postmaster = ProcCpu.parentOf(rs.getLong(1));
        }
    }

    /** The postmaster and all its children: backends, parallel workers, checkpointer, WAL writer, autovacuum. */
    @Override
    public long serverCpuTicks() {
        return ProcCpu.serverTreeTicks(postmaster);
    }

    @Override
    public TargetTable create(String prefix) throws SQLException {
        return ItemsDatabase.create(prefix);
    }

    @Override
    public RawLimit rawLimit() {
        return new RawMerge();
    }
}
