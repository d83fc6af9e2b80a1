package io.tidemark.bench;

import io.tidemark.bench.CommitToVisible.Visible;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, in the target, every row write the sink makes to {@code items}: a row trigger appends the row's
 * id, {@code version} and {@code __deleted} to a log table in the sink's own transaction. The log row's
 * {@code xmin} is that transaction, and with {@code track_commit_timestamp = on} PostgreSQL keeps the time
 * it committed: the moment the write became visible to other sessions (the timestamp is taken while the
 * commit record is written, microseconds before the transaction shows as committed).
 */
final class VisibilityLog {

    private static final String LOG_TABLE = "visible_log";

    private VisibilityLog() {
    }

    /** Installs the trigger; the sink adds {@code __deleted} itself, which PL/pgSQL resolves at the first write. */
    static void install(ItemsDatabase target) throws SQLException {
        try (Connection c = target.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + LOG_TABLE + " (id bigint NOT NULL, version bigint, deleted boolean NOT NULL)");
            s.execute("CREATE FUNCTION log_visible() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " INSERT INTO " + LOG_TABLE + " VALUES (NEW.id, NEW.version, NEW.\"__deleted\"); RETURN NULL; END $$");
            s.execute("CREATE TRIGGER items_visible AFTER INSERT OR UPDATE ON " + DebeziumEncoding.TABLE
                    + " FOR EACH ROW EXECUTE FUNCTION log_visible()");
        }
    }

    /** Every logged write with the commit time of the transaction that made it, in microseconds since the epoch. */
    static List<Visible> read(ItemsDatabase target) throws SQLException {
        List<Visible> writes = new ArrayList<>();
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, version, deleted,"
                     + " (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000000)::bigint FROM " + LOG_TABLE)) {
            while (rs.next()) {
                long version = rs.getLong(2);
                writes.add(new Visible(rs.getLong(1), rs.wasNull() ? null : version, rs.getBoolean(3), rs.getLong(4)));
            }
        }
        return writes;
    }
}
