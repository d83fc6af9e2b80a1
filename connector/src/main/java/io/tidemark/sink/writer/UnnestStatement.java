package io.tidemark.sink.writer;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Runs a statement whose parameters are {@code text[]} columns, one array per parameter. */
final class UnnestStatement {

    private UnnestStatement() {
    }

    static int execute(Connection connection, String sql, String[][] columns) throws SQLException {
        Array[] arrays = new Array[columns.length];
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < columns.length; i++) {
                arrays[i] = connection.createArrayOf("text", columns[i]);
                ps.setArray(i + 1, arrays[i]);
            }
            return ps.executeUpdate();
        } finally {
            for (Array array : arrays) {
                if (array != null) {
                    array.free();
                }
            }
        }
    }
}
