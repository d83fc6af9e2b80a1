package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersion;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the reduced changes of one table in merge mode: one statement per distinct column set
 * (usually one for all upserts, more when unchanged-TOAST columns must be left out or the schema
 * changed inside the batch) and one for the deletes.
 */
public final class MergeWriter implements WriteMode {

    private final TargetDialect dialect;
    private final boolean softDelete;

    public MergeWriter(TargetDialect dialect, boolean softDelete) {
        this.dialect = dialect;
        this.softDelete = softDelete;
    }

    @Override
    public Map<String, String> hiddenColumns(HiddenColumns.Versions versions) {
        String type = dialect.hiddenColumnType(versions == HiddenColumns.Versions.LEGACY
                ? HiddenColumns.Type.LEGACY_VERSION : HiddenColumns.Type.VERSION);
        Map<String, String> hidden = new LinkedHashMap<>();
        hidden.put(versions.streamed(), type);
        hidden.put(versions.snapshot(), type);
        if (softDelete) {
            hidden.put(HiddenColumns.DELETED, dialect.hiddenColumnType(HiddenColumns.Type.DELETED_FLAG));
        }
        return hidden;
    }

    @Override
    public List<String> primaryKey(List<String> keyColumns, HiddenColumns.Versions versions) {
        return keyColumns;
    }

    @Override
    public ChangeBatch newBatch() {
        return ChangeBatch.reducing(softDelete);
    }

    @Override
    public void prepareForTableChanges(Connection connection) {
        // Table changes change rows of the table itself.
    }

    /**
     * A truncate deletes (soft or hard) every row it is newer than: rows whose stored versions are both below its
     * LSN. Its lock on the table orders it after every earlier change of the table and before every later one,
     * so rows written by later changes stay, and a re-emitted truncate changes nothing it has not changed before
     * (correctness.md §3.5). A completed snapshot deletes every row it did not write and no change at or after its
     * snapshot point wrote (§3.6).
     */
    @Override
    public int applyTableChange(Connection connection, TableId id, TableDefinition table, ChangeEvent change)
            throws SQLException {
        if (table == null) {
            return 0;
        }
        RowVersion position = change.position().rowVersion();
        return change.isTruncate() ? dialect.truncate(connection, table, position, softDelete)
                : dialect.deleteMissingFromSnapshot(connection, table, position, softDelete);
    }

    /** Applies the changes; returns how many rows the guard let through. */
    @Override
    public int write(Connection connection, TableDefinition table, Collection<ChangeEvent> changes) throws SQLException {
        Map<List<String>, List<ChangeEvent>> upsertsByColumns = new LinkedHashMap<>();
        List<ChangeEvent> deletes = new ArrayList<>();
        // Changes without unavailable columns write every field of their schema, usually one schema instance.
        Schema lastSchema = null;
        List<String> lastColumns = null;
        for (ChangeEvent change : changes) {
            if (change.isDelete()) {
                deletes.add(change);
                continue;
            }
            List<String> columns;
            if (change.unavailable().isEmpty() && change.rowSchema() == lastSchema) {
                columns = lastColumns;
            } else {
                columns = change.writtenFields().stream().map(Field::name).toList();
                if (change.unavailable().isEmpty()) {
                    lastSchema = change.rowSchema();
                    lastColumns = columns;
                }
            }
            upsertsByColumns.computeIfAbsent(columns, c -> new ArrayList<>()).add(change);
        }
        int applied = 0;
        for (Map.Entry<List<String>, List<ChangeEvent>> group : upsertsByColumns.entrySet()) {
            applied += upsert(connection, table, group.getKey(), group.getValue());
        }
        if (!deletes.isEmpty()) {
            applied += delete(connection, table, deletes);
        }
        return applied;
    }

    private int upsert(Connection connection, TableDefinition table, List<String> columns, List<ChangeEvent> rows)
            throws SQLException {
        int n = rows.size();
        List<Struct> images = new ArrayList<>(n);
        RowVersion[] streamed = new RowVersion[n];
        RowVersion[] snapshot = new RowVersion[n];
        for (int r = 0; r < n; r++) {
            ChangeEvent change = rows.get(r);
            images.add(change.row());
            // An incremental read carries neither: it applies over the row and keeps the stored versions.
            RowVersion version = change.position().rowVersion();
            switch (change.position().kind()) {
                case STREAMED -> streamed[r] = version;
                case SNAPSHOT -> snapshot[r] = version;
                case INCREMENTAL -> { }
            }
        }
        return dialect.upsert(connection, table, columns, images, streamed, snapshot, droppedColumns(table, rows.get(0)),
                softDelete);
    }

    private int delete(Connection connection, TableDefinition table, List<ChangeEvent> rows) throws SQLException {
        List<String> keyColumns = rows.get(0).key().schema().fields().stream().map(Field::name).toList();
        int n = rows.size();
        List<Struct> keys = new ArrayList<>(n);
        RowVersion[] versions = new RowVersion[n];
        for (int r = 0; r < n; r++) {
            keys.add(rows.get(r).key());
            versions[r] = rows.get(r).position().rowVersion();
        }
        return dialect.delete(connection, table, keyColumns, keys, versions, softDelete);
    }

    /**
     * Columns of the table that the change's row schema no longer has (dropped at the source): they are
     * set to NULL so the row does not keep a value the source no longer holds.
     */
    private static List<String> droppedColumns(TableDefinition table, ChangeEvent change) {
        List<String> dropped = new ArrayList<>();
        for (String column : table.columns().keySet()) {
            if (!HiddenColumns.ALL.contains(column) && !table.primaryKey().contains(column)
                    && change.row().schema().field(column) == null) {
                dropped.add(column);
            }
        }
        return dropped;
    }
}
