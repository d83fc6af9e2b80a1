package io.tidemark.sink.writer;

import io.tidemark.testkit.TestMariaDb;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Debian's MariaDB server as a target, through MariaDB Connector/J as users connect: one database per test. */
public final class MariaDbDatabase extends TargetDatabase {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String createDatabase(String prefix) {
        assumeTrue(TestMariaDb.installed() || System.getenv("CI") != null,
                "mariadbd is not installed: Debian's mariadb-server provides it (CI installs it)");
        return TestMariaDb.createDatabase(prefix);
    }

    @Override
    public Map<String, String> sinkConnection(String database) {
        return Map.of("connection.url", TestMariaDb.mariadbUrl(database), "connection.user", "root",
                "connection.password", "");
    }

    @Override
    public Connection connect(String database) throws SQLException {
        return TestMariaDb.connect(database);
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }
}
