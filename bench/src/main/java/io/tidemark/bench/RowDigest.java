package io.tidemark.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * An MD5 digest of rows of text values, for targets whose digest query formats every column itself: the digest of
 * the rows as {@link TabSeparated} text, in the order given.
 */
final class RowDigest {

    private final MessageDigest md5;
    private final StringBuilder line = new StringBuilder(256);
    private long rows;

    RowDigest() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    /** Every row of {@code rows}, each column read as the driver's text of it. */
    static Fingerprint of(ResultSet rows) throws SQLException {
        RowDigest digest = new RowDigest();
        String[] values = new String[rows.getMetaData().getColumnCount()];
        while (rows.next()) {
            for (int i = 0; i < values.length; i++) {
                values[i] = rows.getString(i + 1);
            }
            digest.add(values);
        }
        return digest.finish();
    }

    void add(String... values) {
        line.setLength(0);
        TabSeparated.appendRow(line, values);
        md5.update(line.toString().getBytes(StandardCharsets.UTF_8));
        rows++;
    }

    /** The row count and the hex digest; an empty digest for no rows, as the PostgreSQL target's query gives. */
    Fingerprint finish() {
        return new Fingerprint(rows, rows == 0 ? "" : HexFormat.of().formatHex(md5.digest()));
    }
}
