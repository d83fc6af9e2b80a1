package io.tidemark.bench;

import io.tidemark.testkit.TestDuckDb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh DuckDB database file holding the table {@code items} with the column types Tidemark's DuckDB dialect
 * creates for the workload's fields. The digest formats every column as {@link MariaDbItems}' does (decimals with
 * their scale, timestamps in UTC with six fraction digits, booleans as {@code t}/{@code f}), so the same rows give
 * the same digest on both.
 */
final class DuckDbItems implements TargetTable {

    /** The 12 user columns with their types; the raw limit's staging table has the same. */
    static final String COLUMN_DEFINITIONS = "id BIGINT NOT NULL, customer_id INTEGER, quantity INTEGER,"
            + " unit_price DECIMAL(12,2), total DECIMAL(14,2), status VARCHAR, note VARCHAR, created_at TIMESTAMP,"
            + " updated_at TIMESTAMPTZ, attrs JSON, active BOOLEAN, version BIGINT";
    private static final String DDL = "CREATE TABLE " + DebeziumEncoding.TABLE + " (" + COLUMN_DEFINITIONS
            + ", PRIMARY KEY (id))";
    private static final String TIMESTAMP_TEXT = "'%Y-%m-%d %H:%M:%S.%f'";
    private static final String DIGEST = "SELECT id, customer_id, quantity, CAST(unit_price AS VARCHAR),"
            + " CAST(total AS VARCHAR), status, note, strftime(created_at, " + TIMESTAMP_TEXT + "),"
            + " strftime(CAST(updated_at AS TIMESTAMP), " + TIMESTAMP_TEXT + "), CAST(attrs AS VARCHAR),"
            + " CASE active WHEN TRUE THEN 't' WHEN FALSE THEN 'f' END, version FROM " + DebeziumEncoding.TABLE
            + " ORDER BY id";

    private final String name;

    private DuckDbItems(String name) {
        this.name = name;
    }

    static DuckDbItems create(String prefix) throws SQLException {
        DuckDbItems database = new DuckDbItems(TestDuckDb.createDatabase(prefix));
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(DDL);
        }
        return database;
    }

    /** A new database whose file is a copy of {@code template}'s; nothing may have the template open for writing. */
    static DuckDbItems copyOf(DuckDbItems template, String prefix) throws IOException {
        DuckDbItems copy = new DuckDbItems(TestDuckDb.createDatabase(prefix));
        Files.copy(TestDuckDb.file(template.name), TestDuckDb.file(copy.name));
        return copy;
    }

    @Override
    public String jdbcUrl() {
        return TestDuckDb.jdbcUrl(name);
    }

    @Override
    public String user() {
        return null;
    }

    @Override
    public String password() {
        return null;
    }

    @Override
    public Connection connect() throws SQLException {
        return TestDuckDb.connect(name);
    }

    /** TIMESTAMPTZ values are cast to UTC timestamps in a UTC session. */
    @Override
    public Fingerprint fingerprint() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery(DIGEST)) {
                return RowDigest.of(rs);
            }
        }
    }

    /** Deletes the file and its write-ahead log; nothing has it open any more. */
    @Override
    public void drop() {
        Path file = TestDuckDb.file(name);
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + file, e);
        }
    }
}
