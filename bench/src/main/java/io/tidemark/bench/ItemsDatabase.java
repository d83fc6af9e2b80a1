package io.tidemark.bench;

import io.tidemark.testkit.TestPostgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh PostgreSQL database holding the table {@code items}: a contender's target, and in the latency mode also the
 * source Debezium captures. Its fingerprint says what the table holds.
 */
final class ItemsDatabase implements TargetTable {

    /** The 12 user columns, in table order; the comparison reads exactly these. */
    static final String COLUMNS = "id, customer_id, quantity, unit_price, total, status, note, created_at,"
            + " updated_at, attrs, active, version";
    static final String DDL = "CREATE TABLE " + DebeziumEncoding.TABLE + " (id bigint PRIMARY KEY,"
            + " customer_id integer, quantity integer, unit_price numeric(12,2), total numeric(14,2), status text,"
            + " note text, created_at timestamp, updated_at timestamptz, attrs jsonb, active boolean, version bigint)";

    private static final AtomicInteger COPIES = new AtomicInteger();

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

    /** A new database holding what {@code template} holds (its files copied); nothing may be connected to it. */
    static ItemsDatabase copyOf(ItemsDatabase template, String prefix) throws SQLException {
        ItemsDatabase copy = new ItemsDatabase(prefix.toLowerCase() + "_copy_" + COPIES.incrementAndGet());
        try (Connection c = TestPostgres.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + copy.name + " TEMPLATE " + template.name + " STRATEGY FILE_COPY");
        }
        return copy;
    }

    String name() {
        return name;
    }

    @Override
    public String jdbcUrl() {
        return TestPostgres.jdbcUrl(name);
    }

    @Override
    public String user() {
        return TestPostgres.USER;
    }

    @Override
    public String password() {
        return TestPostgres.PASSWORD;
    }

    @Override
    public Connection connect() throws SQLException {
        return TestPostgres.connect(name);
    }

    /** The rows as PostgreSQL's record text, in key order, in UTC. */
    @Override
    public Fingerprint fingerprint() throws SQLException {
        return fingerprint("true");
    }

    /**
     * As {@link #fingerprint()}, over the rows matching {@code where} (e.g. a soft-deleting sink's live rows): the MD5
     * of the rows' text joined by newlines, as {@code md5(string_agg(r::text, E'\\n' ORDER BY (r).id))} gives, but
     * streamed to this side in chunks, since a text value in PostgreSQL ends at 1 GB (a few million rows).
     */
    Fingerprint fingerprint(String where) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            c.setAutoCommit(false);
            s.setFetchSize(10_000);
            MessageDigest md5 = md5();
            long rows = 0;
            try (ResultSet rs = s.executeQuery("SELECT r::text FROM (SELECT " + COLUMNS + " FROM " + DebeziumEncoding.TABLE
                    + " WHERE " + where + ") r ORDER BY (r).id")) {
                while (rs.next()) {
                    if (rows++ > 0) {
                        md5.update((byte) '\n');
                    }
                    md5.update(rs.getString(1).getBytes(StandardCharsets.UTF_8));
                }
            }
            c.commit();
            return new Fingerprint(rows, rows == 0 ? "" : HexFormat.of().formatHex(md5.digest()));
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    @Override
    public void drop() throws SQLException {
        try (Connection c = TestPostgres.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
