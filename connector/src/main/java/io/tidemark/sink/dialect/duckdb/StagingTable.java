package io.tidemark.sink.dialect.duckdb;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The rows of one statement, written into a temporary table of the connection through DuckDB's appender, which the
 * statement then reads as {@code s} with columns {@code c0, c1, ...}: no SQL per row and no statement with thousands of
 * parameters (a prepared multi-row {@code VALUES} upsert of 5,000 rows took 5 s here, the appender and one
 * {@code INSERT ... SELECT} 0.1 s). The table is replaced by the next statement
 * that stages rows, inside the same transaction: created and filled inside the caller's transaction, it rolls back
 * with it.
 */
final class StagingTable {

    static final String FROM = "temp.main.tidemark_staged AS s";
    private static final String NAME = "tidemark_staged";

    /** The values of one row, in column order; null for SQL NULL. */
    interface Rows {
        Object[] row(int index);
    }

    private StagingTable() {
    }

    /** {@code s.c<index>}: the staged column {@code index} as the statement reads it. */
    static String column(int index) {
        return "s.c" + index;
    }

    /**
     * Replaces the staging table with one of {@code types} and appends {@code count} rows. A value that cannot be read
     * as its type, or that the appender refuses, fails as a non-transient {@link SQLException}, like a value the
     * database refuses, so the sink isolates its record.
     */
    static void fill(Connection connection, List<String> types, int count, Rows rows) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE OR REPLACE TEMP TABLE ").append(NAME).append(" (");
        for (int c = 0; c < types.size(); c++) {
            ddl.append(c == 0 ? "" : ", ").append("c").append(c).append(' ').append(types.get(c));
        }
        // A statement first: it opens the JDBC transaction the appender then writes into.
        try (Statement s = connection.createStatement()) {
            s.execute(ddl.append(')').toString());
        }
        DuckDBAppender appender = connection.unwrap(DuckDBConnection.class).createAppender("temp", "main", NAME);
        SQLException failure = null;
        try {
            for (int r = 0; r < count; r++) {
                Object[] values;
                try {
                    values = rows.row(r);
                } catch (RuntimeException e) {
                    throw new SQLException("cannot stage row " + r + " for DuckDB: " + e.getMessage(), "22000", e);
                }
                appender.beginRow();
                for (Object value : values) {
                    append(appender, value);
                }
                appender.endRow();
            }
        } catch (SQLException e) {
            failure = e;
            throw e;
        } finally {
            try {
                appender.close();
            } catch (SQLException e) {
                if (failure == null) {
                    throw e;
                }
                // A row left half-appended by the failure cannot be flushed; the failure says why.
                failure.addSuppressed(e);
            }
        }
    }

    private static void append(DuckDBAppender appender, Object value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else if (value instanceof String v) {
            appender.append(v);
        } else if (value instanceof Integer v) {
            appender.append(v);
        } else if (value instanceof Long v) {
            appender.append(v);
        } else if (value instanceof BigDecimal v) {
            appender.append(v);
        } else if (value instanceof Boolean v) {
            appender.append(v);
        } else if (value instanceof Short v) {
            appender.append(v);
        } else if (value instanceof Byte v) {
            appender.append(v);
        } else if (value instanceof Double v) {
            appender.append(v);
        } else if (value instanceof Float v) {
            appender.append(v);
        } else if (value instanceof byte[] v) {
            appender.append(v);
        } else if (value instanceof LocalDateTime v) {
            appender.append(v);
        } else if (value instanceof LocalDate v) {
            appender.append(v);
        } else if (value instanceof OffsetDateTime v) {
            appender.append(v);
        } else if (value instanceof OffsetTime v) {
            appender.append(v);
        } else if (value instanceof UUID v) {
            appender.append(v);
        } else if (value instanceof Collection<?> v) {
            appender.append(v);
        } else {
            throw new SQLException("cannot stage a " + value.getClass().getName() + " for DuckDB", "22000");
        }
    }
}
