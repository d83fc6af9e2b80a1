package io.tidemark.sink.dialect.duckdb;

import io.tidemark.sink.dialect.GuardTruthTableIT;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.testkit.TestDuckDb;
import org.junit.jupiter.api.BeforeAll;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * DuckDB's guarded statements (rows staged through the appender, one {@code INSERT ... SELECT ... ON CONFLICT ... DO
 * UPDATE ... WHERE}) against the guard's truth table, on a database file.
 */
class DuckDbGuardTruthTableIT extends GuardTruthTableIT {

    private static String database;

    @BeforeAll
    static void databaseFile() {
        database = TestDuckDb.createDatabase("guard_truth_table");
    }

    @Override
    protected TargetDialect dialect() {
        return new DuckDbDialect();
    }

    @Override
    protected Connection connect() throws SQLException {
        Connection connection = TestDuckDb.connect(database);
        connection.setAutoCommit(false);
        return connection;
    }
}
