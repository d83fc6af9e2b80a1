package io.tidemark.sink.writer;

import io.tidemark.testkit.TestDuckDb;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** DuckDB as a target: a fresh database file per test, opened in this process as the sink opens it. */
public final class DuckDbDatabase extends TargetDatabase {

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public String createDatabase(String prefix) {
        return TestDuckDb.createDatabase(prefix);
    }

    /** A file has no users: connection.user and connection.password stay unset. */
    @Override
    public Map<String, String> sinkConnection(String database) {
        return Map.of("connection.url", TestDuckDb.jdbcUrl(database));
    }

    @Override
    public Connection connect(String database) throws SQLException {
        return TestDuckDb.connect(database);
    }

    @Override
    public String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
