package io.tidemark.sink.dialect.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Runs a statement whose parameters are arrays, one per column, in the order of {@link ColumnArrays}. */
final class UnnestStatement {

    private UnnestStatement() {
    }

    static int execute(Connection connection, String sql, ColumnArrays columns) throws SQLException {
        List<Object[]> values = columns.arrays();
        Array[] arrays = new Array[values.size()];
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < arrays.length; i++) {
                arrays[i] = connection.createArrayOf(columns.types().get(i).elementType(), values.get(i));
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
