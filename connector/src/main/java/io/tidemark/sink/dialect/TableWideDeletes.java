package io.tidemark.sink.dialect;

import io.tidemark.sink.position.RowVersion;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The whole-table deletes of a truncate (correctness.md §3.5) and of a completed snapshot (§3.6), in SQL that MariaDB
 * and DuckDB both run: every row whose stored versions are both below the position, or absent, is deleted (hard) or
 * marked deleted (soft). Runs in the caller's transaction.
 */
public final class TableWideDeletes {

    private TableWideDeletes() {
    }

    /** A truncate at {@code position}; a soft delete records the position as the row's streamed version. */
    public static int truncate(Connection connection, TargetDialect dialect, TableDefinition table, RowVersion position,
                               boolean softDelete) throws SQLException {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        String set = dialect.quote(HiddenColumns.DELETED) + " = TRUE, " + dialect.quote(versions.streamed()) + " = ?, "
                + dialect.quote(versions.snapshot()) + " = NULL";
        return deleteRowsBelow(connection, dialect, table, position, softDelete, set, "");
    }

    /** A completed snapshot at {@code position}; a soft delete keeps the row's versions. */
    public static int deleteMissingFromSnapshot(Connection connection, TargetDialect dialect, TableDefinition table,
                                                RowVersion position, boolean softDelete) throws SQLException {
        String deleted = dialect.quote(HiddenColumns.DELETED);
        return deleteRowsBelow(connection, dialect, table, position, softDelete, deleted + " = TRUE",
                "NOT " + deleted + " AND ");
    }

    /**
     * Deletes the rows whose stored versions are both below (or without) {@code position}; a soft delete instead sets
     * {@code softSet} (whose one parameter, if any, is the position) on rows matching {@code softWhere}.
     */
    private static int deleteRowsBelow(Connection connection, TargetDialect dialect, TableDefinition table,
                                       RowVersion position, boolean softDelete, String softSet, String softWhere)
            throws SQLException {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        String v = dialect.quote(versions.streamed());
        String sv = dialect.quote(versions.snapshot());
        String below = "(" + v + " IS NULL OR " + v + " < ?) AND (" + sv + " IS NULL OR " + sv + " < ?)";
        String target = dialect.quote(table.id());
        String sql = softDelete ? "UPDATE " + target + " SET " + softSet + " WHERE " + softWhere + below
                : "DELETE FROM " + target + " WHERE " + below;
        BigDecimal version = new BigDecimal(position.decimal());
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int index = 1;
            if (softDelete && softSet.contains("?")) {
                ps.setBigDecimal(index++, version);
            }
            ps.setBigDecimal(index++, version);
            ps.setBigDecimal(index, version);
            return ps.executeUpdate();
        }
    }
}
