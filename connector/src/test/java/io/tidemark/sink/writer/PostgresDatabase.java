package io.tidemark.sink.writer;

import io.tidemark.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** The embedded test PostgreSQL as a target: one database of the shared server per test. */
public final class PostgresDatabase extends TargetDatabase {

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String createDatabase(String prefix) {
        return TestPostgres.createDatabase(prefix);
    }

    @Override
    public Map<String, String> sinkConnection(String database) {
        return Map.of("connection.url", TestPostgres.jdbcUrl(database), "connection.user", TestPostgres.USER,
                "connection.password", TestPostgres.PASSWORD);
    }

    @Override
    public Connection connect(String database) throws SQLException {
        return TestPostgres.connect(database);
    }

    @Override
    public String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
