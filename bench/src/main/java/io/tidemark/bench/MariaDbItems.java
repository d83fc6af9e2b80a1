package io.tidemark.bench;

import io.tidemark.testkit.TestMariaDb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh MariaDB database holding the table {@code items} with the column types Tidemark's MariaDB dialect creates
 * for the workload's fields. The digest reads every column as text formatted explicitly (decimals with their scale,
 * timestamps with six fraction digits, booleans as {@code t}/{@code f}), so equal contents give equal digests
 * whichever sink wrote them and however a driver would print the types.
 */
final class MariaDbItems implements TargetTable {

    /** The 12 user columns with their types; the raw limit's staging table has the same. */
    static final String COLUMN_DEFINITIONS = "id BIGINT NOT NULL, customer_id INT, quantity INT, unit_price DECIMAL(12,2),"
            + " total DECIMAL(14,2), status LONGTEXT, note LONGTEXT, created_at DATETIME(6), updated_at DATETIME(6),"
            + " attrs JSON, active BOOLEAN, version BIGINT";
    private static final String DDL = "CREATE TABLE " + DebeziumEncoding.TABLE + " (" + COLUMN_DEFINITIONS
            + ", PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    private static final String TIMESTAMP_TEXT = "'%Y-%m-%d %H:%i:%s.%f'";
    private static final String DIGEST = "SELECT id, customer_id, quantity, CAST(unit_price AS CHAR), CAST(total AS CHAR),"
            + " status, note, DATE_FORMAT(created_at, " + TIMESTAMP_TEXT + "), DATE_FORMAT(updated_at, " + TIMESTAMP_TEXT
            + "), attrs, CASE active WHEN TRUE THEN 't' WHEN FALSE THEN 'f' END, version FROM " + DebeziumEncoding.TABLE
            + " ORDER BY id";

    private final String name;

    private MariaDbItems(String name) {
        this.name = name;
    }

    static MariaDbItems create(String prefix) throws SQLException {
        MariaDbItems database = new MariaDbItems(TestMariaDb.createDatabase(prefix));
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(DDL);
        }
        return database;
    }

    /** MariaDB Connector/J, the driver both sinks load for a {@code jdbc:mariadb:} URL. */
    @Override
    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + TestMariaDb.port() + "/" + name;
    }

    @Override
    public String user() {
        return MariaDbTarget.USER;
    }

    @Override
    public String password() {
        return MariaDbTarget.PASSWORD;
    }

    /** Allows {@code LOAD DATA LOCAL INFILE} for the raw limit. */
    @Override
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl() + "?allowLocalInfile=true", MariaDbTarget.USER, MariaDbTarget.PASSWORD);
    }

    /** Streams the rows (Connector/J reads them in chunks of the fetch size instead of all at once). */
    @Override
    public Fingerprint fingerprint() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setFetchSize(10_000);
            try (ResultSet rs = s.executeQuery(DIGEST)) {
                return RowDigest.of(rs);
            }
        }
    }

    @Override
    public void drop() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE " + name);
        }
    }
}
