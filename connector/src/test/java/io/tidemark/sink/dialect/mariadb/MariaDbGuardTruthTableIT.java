package io.tidemark.sink.dialect.mariadb;

import io.tidemark.sink.dialect.GuardTruthTableIT;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.testkit.TestMariaDb;
import org.junit.jupiter.api.BeforeAll;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** MariaDB's guarded statements (left-to-right assignment, version columns last) against the guard's truth table. */
class MariaDbGuardTruthTableIT extends GuardTruthTableIT {

    private static String database;

    @BeforeAll
    static void server() {
        assumeTrue(TestMariaDb.installed() || System.getenv("CI") != null,
                "mariadbd is not installed: Debian's mariadb-server provides it (CI installs it)");
        database = TestMariaDb.createDatabase("guard_truth_table");
    }

    @Override
    protected TargetDialect dialect() {
        return new MariaDbDialect();
    }

    @Override
    protected Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(dialect().driverProperties());
        Connection connection = DriverManager.getConnection(TestMariaDb.mariadbUrl(database), properties);
        connection.setAutoCommit(false);
        return connection;
    }
}
