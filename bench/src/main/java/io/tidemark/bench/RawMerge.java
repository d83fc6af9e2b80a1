package io.tidemark.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * The lower bound: the workload's net changes (the last change of every key, computed here) loaded by
 * COPY into a staging table and applied with one MERGE, in one transaction. Only the database work is
 * timed; there is no Kafka, no converter and no per-event work at all.
 */
final class RawMerge {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    private static final String STAGE = "items_stage";
    private static final String MERGE = "MERGE INTO " + DebeziumEncoding.TABLE + " t USING " + STAGE + " s ON t.id = s.id"
            + " WHEN MATCHED AND s.deleted THEN DELETE"
            + " WHEN MATCHED THEN UPDATE SET customer_id = s.customer_id, quantity = s.quantity,"
            + " unit_price = s.unit_price, total = s.total, status = s.status, note = s.note,"
            + " created_at = s.created_at, updated_at = s.updated_at, attrs = s.attrs, active = s.active,"
            + " version = s.version"
            + " WHEN NOT MATCHED AND NOT s.deleted THEN INSERT (" + ItemsDatabase.COLUMNS + ") VALUES (s.id,"
            + " s.customer_id, s.quantity, s.unit_price, s.total, s.status, s.note, s.created_at, s.updated_at,"
            + " s.attrs, s.active, s.version)";

    private RawMerge() {
    }

    /** COPY text for the net changes: one line per key, its last state or a delete marker. */
    static String netChanges(Workload workload) {
        Map<Long, String> last = new HashMap<>();
        for (Workload.Change change : workload) {
            last.put(change.id(), line(change));
        }
        StringBuilder copy = new StringBuilder(last.size() * 160);
        last.values().forEach(copy::append);
        return copy.toString();
    }

    /** Applies {@code copyText} to the empty table of {@code target}; returns the elapsed nanoseconds. */
    static long apply(ItemsDatabase target, String copyText) throws SQLException, IOException {
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            s.execute("CREATE TEMP TABLE " + STAGE + " (LIKE " + DebeziumEncoding.TABLE + ", deleted boolean NOT NULL)"
                    + " ON COMMIT DROP");
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("COPY " + STAGE + " FROM STDIN", new StringReader(copyText));
            s.execute("ANALYZE " + STAGE);
            s.execute(MERGE);
            c.commit();
            return System.nanoTime() - start;
        }
    }

    private static String line(Workload.Change change) {
        Workload.Row r = change.row();
        if (r == null) {
            return change.id() + "\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\tt\n";
        }
        return change.id() + "\t" + r.customerId() + "\t" + r.quantity() + "\t" + r.unitPrice().toPlainString()
                + "\t" + r.total().toPlainString() + "\t" + r.status() + "\t" + (r.note() == null ? "\\N" : r.note())
                + "\t" + TIMESTAMP.format(r.createdAt()) + "\t" + r.updatedAt().atOffset(ZoneOffset.UTC)
                + "\t" + r.attrs() + "\t" + (r.active() ? "t" : "f") + "\t" + r.version() + "\tf\n";
    }
}
