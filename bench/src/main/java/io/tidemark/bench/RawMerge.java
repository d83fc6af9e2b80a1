package io.tidemark.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** PostgreSQL's raw limit: the net changes loaded by COPY into a temporary staging table, then one MERGE. */
final class RawMerge implements RawLimit {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    static final String STAGE = "items_stage";
    /** Standard SQL, which DuckDB's raw limit runs as well. */
    static final String MERGE = "MERGE INTO " + DebeziumEncoding.TABLE + " t USING " + STAGE + " s ON t.id = s.id"
            + " WHEN MATCHED AND s.deleted THEN DELETE"
            + " WHEN MATCHED THEN UPDATE SET customer_id = s.customer_id, quantity = s.quantity,"
            + " unit_price = s.unit_price, total = s.total, status = s.status, note = s.note,"
            + " created_at = s.created_at, updated_at = s.updated_at, attrs = s.attrs, active = s.active,"
            + " version = s.version"
            + " WHEN NOT MATCHED AND NOT s.deleted THEN INSERT (" + ItemsDatabase.COLUMNS + ") VALUES (s.id,"
            + " s.customer_id, s.quantity, s.unit_price, s.total, s.status, s.note, s.created_at, s.updated_at,"
            + " s.attrs, s.active, s.version)";

    @Override
    public String label() {
        return "COPY + MERGE (raw limit)";
    }

    @Override
    public void apply(TargetTable target, Workload workload, int window, Stretch stretch)
            throws SQLException, IOException {
        List<List<byte[]>> windows = workload.netChangesPerWindow(window, RawMerge::line);
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            stretch.start();
            for (List<byte[]> lines : windows) {
                s.execute("CREATE TEMP TABLE " + STAGE + " (LIKE " + DebeziumEncoding.TABLE + ", deleted boolean NOT NULL)"
                        + " ON COMMIT DROP");
                copy.copyIn("COPY " + STAGE + " FROM STDIN", new LinesInputStream(lines.iterator()), 65_536);
                s.execute("ANALYZE " + STAGE);
                s.execute(MERGE);
                c.commit();
            }
            stretch.end();
        }
    }

    /** COPY text (UTF-8) of a net change for the staging table: its last state or a delete marker. */
    static byte[] line(Workload.Change change) {
        String line = change.row() == null
                ? change.id() + "\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\tt\n"
                : columns(change) + "\tf\n";
        return line.getBytes(StandardCharsets.UTF_8);
    }

    /** COPY text (UTF-8) of an inserted row for the {@code items} table itself. */
    static byte[] row(Workload.Change change) {
        return (columns(change) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String columns(Workload.Change change) {
        Workload.Row r = change.row();
        return change.id() + "\t" + r.customerId() + "\t" + r.quantity() + "\t" + r.unitPrice().toPlainString()
                + "\t" + r.total().toPlainString() + "\t" + r.status() + "\t" + (r.note() == null ? "\\N" : r.note())
                + "\t" + TIMESTAMP.format(r.createdAt()) + "\t" + r.updatedAt().atOffset(ZoneOffset.UTC)
                + "\t" + r.attrs() + "\t" + (r.active() ? "t" : "f") + "\t" + r.version();
    }
}
