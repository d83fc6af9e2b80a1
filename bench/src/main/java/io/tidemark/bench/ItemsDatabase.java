package io.tidemark.bench;

import io.tidemark.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh database holding the table {@code items}: a contender's target, and in the latency mode also the
 * source Debezium captures. Its fingerprint says what the table holds.
 */
final class ItemsDatabase {

    /** The 12 user columns, in table order; the comparison reads exactly these. */
    static final String COLUMNS = "id, customer_id, quantity, unit_price, total, status, note, created_at,"
            + " updated_at, attrs, active, version";
    static final String DDL = "CREATE TABLE " + DebeziumEncoding.TABLE + " (id bigint PRIMARY KEY,"
            + " customer_id integer, quantity integer, unit_price numeric(12,2), total numeric(14,2), status text,"
            + " note text, created_at timestamp, updated_at timestamptz, attrs jsonb, active boolean, version bigint)";

    /** What a contender's table holds: the live row count and a digest of every row's 12 columns. */
    record Fingerprint(long rows, String digest) {
        @Override
        public String toString() {
            return rows + " rows, md5 " + digest;
        }
    }

    private final String name;

    private ItemsDatabase(String name) {
        this.name = name;
    }

    static ItemsDatabase create(String prefix) throws SQLException {
        ItemsDatabase database = new ItemsDatabase(TestPostgres.createDatabase(prefix));
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(DDL);
        }
        return database;
    }

    String name() {
        return name;
    }

    String jdbcUrl() {
        return TestPostgres.jdbcUrl(name);
    }

    Connection connect() throws SQLException {
        return TestPostgres.connect(name);
    }

    boolean hasRow(Connection connection, long id) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT 1 FROM " + DebeziumEncoding.TABLE + " WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Reads the table in key order in UTC, so equal contents give equal digests whatever wrote them. */
    Fingerprint fingerprint() throws SQLException {
        return fingerprint("true");
    }

    /** As {@link #fingerprint()}, over the rows matching {@code where} (e.g. a soft-deleting sink's live rows). */
    Fingerprint fingerprint(String where) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(md5(string_agg(r::text, E'\\n' ORDER BY (r).id)), '')"
                    + " FROM (SELECT " + COLUMNS + " FROM " + DebeziumEncoding.TABLE + " WHERE " + where + ") r")) {
                rs.next();
                return new Fingerprint(rs.getLong(1), rs.getString(2));
            }
        }
    }

    void drop() throws SQLException {
        try (Connection c = TestPostgres.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
