package io.tidemark.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A contender's target: a fresh database of one target kind holding the pre-created, empty table {@code items}. */
interface TargetTable {

    /** The URL the sinks get as {@code connection.url}. */
    String jdbcUrl();

    /** The login the sinks get, or null for a database without one. */
    String user();

    String password();

    /** A connection of the benchmark's own: the probe for the last row, the digest, the raw limit. */
    Connection connect() throws SQLException;

    default boolean hasRow(Connection connection, long id) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT 1 FROM " + DebeziumEncoding.TABLE + " WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The 12 user columns of every row in key order, digested so equal contents give equal digests whatever wrote them. */
    Fingerprint fingerprint() throws SQLException;

    void drop() throws SQLException;
}
