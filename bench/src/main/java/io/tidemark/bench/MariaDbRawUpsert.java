package io.tidemark.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * MariaDB's raw limit: the net changes streamed by {@code LOAD DATA LOCAL INFILE} into a temporary staging table,
 * then one {@code INSERT ... SELECT ... ON DUPLICATE KEY UPDATE} and one {@code DELETE} joined to the staging table,
 * in one transaction.
 */
final class MariaDbRawUpsert implements RawLimit {

    private static final String STAGE = "items_stage";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    private static final String UPSERT = "INSERT INTO " + DebeziumEncoding.TABLE + " (" + ItemsDatabase.COLUMNS + ")"
            + " SELECT " + ItemsDatabase.COLUMNS + " FROM " + STAGE + " WHERE NOT deleted ON DUPLICATE KEY UPDATE"
            + " customer_id = VALUES(customer_id), quantity = VALUES(quantity), unit_price = VALUES(unit_price),"
            + " total = VALUES(total), status = VALUES(status), note = VALUES(note), created_at = VALUES(created_at),"
            + " updated_at = VALUES(updated_at), attrs = VALUES(attrs), active = VALUES(active), version = VALUES(version)";
    private static final String DELETE = "DELETE t FROM " + DebeziumEncoding.TABLE + " t JOIN " + STAGE + " s"
            + " ON s.id = t.id WHERE s.deleted";

    @Override
    public String label() {
        return "LOAD DATA + upsert (raw limit)";
    }

    @Override
    public void apply(TargetTable target, Workload workload, int window, Stretch stretch) throws SQLException {
        List<List<byte[]>> data = workload.netChangesPerWindow(window,
                change -> loadLine(change).getBytes(StandardCharsets.UTF_8));
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            stretch.start();
            s.execute("CREATE TEMPORARY TABLE " + STAGE + " (" + MariaDbItems.COLUMN_DEFINITIONS
                    + ", deleted BOOLEAN NOT NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
            for (List<byte[]> lines : data) {
                s.execute("DELETE FROM " + STAGE);
                s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(new LinesInputStream(lines.iterator()));
                s.execute("LOAD DATA LOCAL INFILE 'net-changes.tsv' INTO TABLE " + STAGE + " CHARACTER SET utf8mb4 ("
                        + ItemsDatabase.COLUMNS + ", deleted)");
                s.execute(UPSERT);
                s.execute(DELETE);
                c.commit();
            }
            stretch.end();
        }
    }

    /** LOAD DATA's default text: one tab-separated line per key, its last state or a delete marker. */
    static String loadText(List<Workload.Change> netChanges) {
        StringBuilder text = new StringBuilder(netChanges.size() * 160);
        netChanges.forEach(change -> text.append(loadLine(change)));
        return text.toString();
    }

    /** The staging table's line of a net change: its last state and {@code deleted} 0, or a delete marker. */
    static String loadLine(Workload.Change change) {
        StringBuilder text = new StringBuilder(160);
        if (change.row() == null) {
            TabSeparated.appendRow(text, Long.toString(change.id()), null, null, null, null, null, null, null, null,
                    null, null, null, "1");
        } else {
            TabSeparated.appendRow(text, columns(change, "0"));
        }
        return text.toString();
    }

    /** The {@code items} table's line of an inserted row. */
    static String rowLine(Workload.Change change) {
        StringBuilder text = new StringBuilder(160);
        TabSeparated.appendRow(text, columns(change));
        return text.toString();
    }

    private static String[] columns(Workload.Change change, String... more) {
        Workload.Row r = change.row();
        String[] columns = {Long.toString(change.id()), Integer.toString(r.customerId()),
            Integer.toString(r.quantity()), r.unitPrice().toPlainString(), r.total().toPlainString(),
            r.status(), r.note(), TIMESTAMP.format(r.createdAt()),
            TIMESTAMP.format(LocalDateTime.ofInstant(r.updatedAt(), ZoneOffset.UTC)), r.attrs(),
            r.active() ? "1" : "0", Long.toString(r.version())};
        String[] all = Arrays.copyOf(columns, columns.length + more.length);
        System.arraycopy(more, 0, all, columns.length, more.length);
        return all;
    }
}
