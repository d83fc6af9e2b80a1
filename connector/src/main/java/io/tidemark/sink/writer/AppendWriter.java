package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.AuditEvents;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import org.apache.kafka.connect.data.Field;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Append mode: every change becomes one row of an audit table, the row image (after, or before for a delete) plus
 * {@code __op}, the source position and the Kafka coordinates. The primary key is the record key plus
 * {@code (__source_version, __op)} ({@code __source_lsn} in tables of the PostgreSQL-only layout), and the dialect
 * inserts rows ignoring keys already there, so a change delivered again (Kafka redelivery, Debezium re-emission) adds
 * nothing. The version is unique per change of a row: an LSN, or a binlog file, pos and row (a rows event holds
 * several rows); the two changes of a primary-key update share it and differ in {@code __op}. Unchanged TOAST values
 * are written as NULL, never as the placeholder. Truncates and completed snapshots go to the {@link AuditEvents}
 * table.
 */
public final class AppendWriter implements WriteMode {

    private final TargetDialect dialect;
    private final AuditEvents tableEvents;

    /** {@code tableEvents} records the changes that concern a whole table (truncates, completed snapshots). */
    public AppendWriter(TargetDialect dialect, AuditEvents tableEvents) {
        this.dialect = dialect;
        this.tableEvents = tableEvents;
    }

    @Override
    public Map<String, String> hiddenColumns(HiddenColumns.Versions versions) {
        Map<String, String> hidden = new LinkedHashMap<>();
        hidden.put(HiddenColumns.OP, dialect.hiddenColumnType(HiddenColumns.Type.TEXT));
        hidden.put(versions.streamed(), dialect.hiddenColumnType(versions == HiddenColumns.Versions.LEGACY
                ? HiddenColumns.Type.LEGACY_VERSION : HiddenColumns.Type.VERSION));
        hidden.put(HiddenColumns.SOURCE_SEQUENCE, dialect.hiddenColumnType(HiddenColumns.Type.TEXT));
        hidden.put(HiddenColumns.SOURCE_TX_ID, dialect.hiddenColumnType(HiddenColumns.Type.INT64));
        hidden.put(HiddenColumns.SOURCE_TS_MS, dialect.hiddenColumnType(HiddenColumns.Type.INT64));
        hidden.put(HiddenColumns.KAFKA_TOPIC, dialect.hiddenColumnType(HiddenColumns.Type.TEXT));
        hidden.put(HiddenColumns.KAFKA_PARTITION, dialect.hiddenColumnType(HiddenColumns.Type.INT32));
        hidden.put(HiddenColumns.KAFKA_OFFSET, dialect.hiddenColumnType(HiddenColumns.Type.INT64));
        return hidden;
    }

    @Override
    public List<String> primaryKey(List<String> keyColumns, HiddenColumns.Versions versions) {
        List<String> key = new ArrayList<>(keyColumns);
        key.add(versions.streamed());
        key.add(HiddenColumns.OP);
        return key;
    }

    @Override
    public ChangeBatch newBatch() {
        return ChangeBatch.keepingEveryChange();
    }

    @Override
    public void prepareForTableChanges(Connection connection) throws SQLException {
        tableEvents.createIfMissing(connection);
    }

    /**
     * A truncate or a completed snapshot is recorded in the audit events table; the audit table keeps every row it
     * holds. A completed snapshot's record tells an auditor which rows the source no longer had at its snapshot
     * point: those without a read ({@code __op = 'r'}) at that {@code __source_version}.
     */
    @Override
    public int applyTableChange(Connection connection, TableId id, TableDefinition table, ChangeEvent change)
            throws SQLException {
        return tableEvents.record(connection, id, change);
    }

    @Override
    public int write(Connection connection, TableDefinition table, Collection<ChangeEvent> changes) throws SQLException {
        Map<List<String>, List<ChangeEvent>> byColumns = new LinkedHashMap<>();
        for (ChangeEvent change : changes) {
            byColumns.computeIfAbsent(columns(change), c -> new ArrayList<>()).add(change);
        }
        int written = 0;
        for (Map.Entry<List<String>, List<ChangeEvent>> group : byColumns.entrySet()) {
            written += dialect.append(connection, table, group.getKey(), group.getValue());
        }
        return written;
    }

    /** The image columns a change carries: its row's available fields, or only the key when it has no row. */
    private static List<String> columns(ChangeEvent change) {
        if (change.row() == null) {
            return change.key().schema().fields().stream().map(Field::name).toList();
        }
        return change.writtenFields().stream().map(Field::name).toList();
    }
}
