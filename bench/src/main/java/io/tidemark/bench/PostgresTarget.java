package io.tidemark.bench;

import io.tidemark.testkit.TestPostgres;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** The testkit's embedded PostgreSQL 17.6 ({@code fsync=off}, {@code synchronous_commit=off}); the default target. */
final class PostgresTarget implements BenchTarget {

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public List<String> contenders() {
        return List.of("tidemark", "debezium", "raw", "raw-window");
    }

    @Override
    public ConnectContender debezium() {
        return ConnectContender.debezium();
    }

    /** Debezium's JDBC sink from the plugin folder bench/run unpacks. */
    @Override
    public Map<String, String> workerConfig() {
        return Map.of("plugin.path", DebeziumReleases.jdbcSinkPluginPath());
    }

    @Override
    public void start() {
        TestPostgres.server();
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
