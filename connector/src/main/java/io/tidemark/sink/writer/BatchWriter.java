package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.dialect.Watermarks.Progress;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import org.apache.kafka.connect.data.Schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The second half of applying records: writes a decoded batch into the caller's transaction. It prepares every
 * table the batch touches (DDL in transactions of its own, {@link TableCatalog}), writes the rounds in order through
 * the write mode (whole-table changes first in their round), and records the watermark of every partition in the
 * same transaction. The caller commits or rolls back.
 */
final class BatchWriter {

    private final TableCatalog catalog;
    private final WriteMode mode;
    private final Watermarks watermarks;

    BatchWriter(TableCatalog catalog, WriteMode mode, Watermarks watermarks) {
        this.catalog = catalog;
        this.mode = mode;
        this.watermarks = watermarks;
    }

    /**
     * What the writes did.
     *
     * @param rowsWritten rows the guard let through, whole-table changes included
     * @param reduced     changes the batch held after reduction, which the guard saw
     * @param guarded     of {@code reduced}, those the guard let through
     */
    record Written(int rowsWritten, int reduced, int guarded) {
    }

    /**
     * {@code insideOpenTransaction}: the transaction is kept open across calls (correctness.md §4.1) and holds
     * writes already, so schema changes run inside it instead of committing it.
     */
    Written write(Connection connection, ChangeBatch batch, Collection<Progress> progress,
                  boolean insideOpenTransaction) throws SQLException {
        Map<TableId, TableDefinition> tables = new LinkedHashMap<>();
        for (TableId table : batch.tables()) {
            tables.put(table, prepare(connection, table, batch.rows(table), insideOpenTransaction));
        }
        if (batch.tableChanges() > 0) {
            mode.prepareForTableChanges(connection);
        }
        int written = 0;
        int reduced = 0;
        int tableRows = 0;
        for (int round = 0; round < batch.roundCount(); round++) {
            for (Map.Entry<TableId, Collection<ChangeEvent>> changes : batch.round(round).entrySet()) {
                TableDefinition table = tables.get(changes.getKey());
                List<ChangeEvent> rows = new ArrayList<>(changes.getValue().size());
                for (ChangeEvent change : changes.getValue()) {
                    if (change.isTableChange()) {
                        tableRows += mode.applyTableChange(connection, changes.getKey(), table, change);
                    } else {
                        rows.add(change);
                    }
                }
                if (!rows.isEmpty()) {
                    reduced += rows.size();
                    written += mode.write(connection, table, rows);
                }
            }
        }
        watermarks.save(connection, progress);
        return new Written(written + tableRows, reduced, written);
    }

    /** Forgets what is known about the tables, after a failed transaction that may have raced DDL. */
    void invalidate() {
        catalog.invalidate();
    }

    private TableDefinition prepare(Connection connection, TableId table, Collection<ChangeEvent> rows,
                                    boolean insideOpenTransaction) throws SQLException {
        Schema keySchema = null;
        Set<Schema> rowSchemas = new LinkedHashSet<>();
        for (ChangeEvent row : rows) {
            if (keySchema == null && row.key() != null) {
                keySchema = row.key().schema();
            }
            if (row.row() != null) {
                rowSchemas.add(row.rowSchema());
            }
        }
        return catalog.prepare(connection, table, keySchema, new ArrayList<>(rowSchemas), insideOpenTransaction);
    }
}
