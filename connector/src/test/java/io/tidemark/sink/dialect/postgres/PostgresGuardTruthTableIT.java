package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.GuardTruthTableIT;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.SQLException;

/** PostgreSQL's guarded statements against the guard's truth table. */
class PostgresGuardTruthTableIT extends GuardTruthTableIT {

    private static final String DATABASE = TestPostgres.createDatabase("guard_truth_table");

    @Override
    protected TargetDialect dialect() {
        return new PostgresDialect();
    }

    @Override
    protected Connection connect() throws SQLException {
        Connection connection = TestPostgres.connect(DATABASE);
        connection.setAutoCommit(false);
        return connection;
    }
}
