package io.tidemark.bench;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.List;

/**
 * DuckDB's raw limit: the net changes written by DuckDB's appender into a temporary staging table, then the one
 * MERGE PostgreSQL's raw limit runs (update / insert / delete), in one transaction.
 */
final class DuckDbRawMerge implements RawLimit {

    @Override
    public String label() {
        return "Appender + MERGE (raw limit)";
    }

    @Override
    public void apply(TargetTable target, Workload workload, int window, Stretch stretch) throws SQLException {
        List<List<Workload.Change>> windows = workload.netChangesPerWindow(window);
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            stretch.start();
            s.execute("CREATE TEMP TABLE " + RawMerge.STAGE + " (" + DuckDbItems.COLUMN_DEFINITIONS
                    + ", deleted BOOLEAN NOT NULL)");
            for (List<Workload.Change> changes : windows) {
                s.execute("DELETE FROM " + RawMerge.STAGE);
                try (DuckDBAppender appender = c.unwrap(DuckDBConnection.class).createAppender("temp", "main",
                        RawMerge.STAGE)) {
                    for (Workload.Change change : changes) {
                        append(appender, change, true);
                    }
                }
                s.execute(RawMerge.MERGE);
                c.commit();
            }
            stretch.end();
        }
    }

    /** One row of a change; {@code deletedFlag}: with the staging table's {@code deleted} column. */
    static void append(DuckDBAppender appender, Workload.Change change, boolean deletedFlag) throws SQLException {
        appender.beginRow().append(change.id());
        Workload.Row r = change.row();
        if (r == null) {
            for (int column = 0; column < 11; column++) {
                appender.appendNull();
            }
            appender.append(true);
        } else {
            appender.append(r.customerId()).append(r.quantity()).append(r.unitPrice()).append(r.total())
                    .append(r.status()).append(r.note()).append(r.createdAt())
                    .append(r.updatedAt().atOffset(ZoneOffset.UTC)).append(r.attrs()).append(r.active())
                    .append(r.version());
            if (deletedFlag) {
                appender.append(false);
            }
        }
        appender.endRow();
    }
}
