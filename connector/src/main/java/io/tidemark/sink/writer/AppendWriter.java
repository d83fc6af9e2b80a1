package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.ParameterType;
import io.tidemark.sink.dialect.ValueText;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tidemark.sink.dialect.Identifiers.quote;

/**
 * Append mode: every change becomes one row of an audit table, the row image (after, or before for a
 * delete) plus {@code __op}, the source position and the Kafka coordinates. The primary key is the
 * record key plus {@code (__source_version, __op)} ({@code __source_lsn} in tables of the PostgreSQL-only layout),
 * and rows are inserted with {@code ON CONFLICT DO NOTHING}, so a change delivered again (Kafka redelivery, Debezium
 * re-emission) adds nothing. The version is unique per change of a row: an LSN, or a binlog file, pos and row (a
 * rows event holds several rows); the two changes of a primary-key update share it and differ in {@code __op}. Unchanged TOAST
 * values are written as NULL, never as the placeholder. Truncates go to the {@link AuditEventStore}.
 */
public final class AppendWriter implements WriteMode {

    private final AuditEventStore tableEvents;

    /** {@code tableEvents} records the changes that concern a whole table (truncates). */
    public AppendWriter(AuditEventStore tableEvents) {
        this.tableEvents = tableEvents;
    }

    /** The hidden columns of a table of layout {@code versions}, in the order {@link #insert} writes them. */
    private static List<String> positionColumns(HiddenColumns.Versions versions) {
        return List.of(HiddenColumns.OP, versions.streamed(), HiddenColumns.SOURCE_SEQUENCE, HiddenColumns.SOURCE_TX_ID,
                HiddenColumns.SOURCE_TS_MS, HiddenColumns.KAFKA_TOPIC, HiddenColumns.KAFKA_PARTITION,
                HiddenColumns.KAFKA_OFFSET);
    }

    @Override
    public Map<String, String> hiddenColumns(HiddenColumns.Versions versions) {
        Map<String, String> hidden = new LinkedHashMap<>();
        hidden.put(HiddenColumns.OP, "text");
        hidden.put(versions.streamed(), versions == HiddenColumns.Versions.LEGACY ? "bigint" : HiddenColumns.VERSION_TYPE);
        hidden.put(HiddenColumns.SOURCE_SEQUENCE, "text");
        hidden.put(HiddenColumns.SOURCE_TX_ID, "bigint");
        hidden.put(HiddenColumns.SOURCE_TS_MS, "bigint");
        hidden.put(HiddenColumns.KAFKA_TOPIC, "text");
        hidden.put(HiddenColumns.KAFKA_PARTITION, "integer");
        hidden.put(HiddenColumns.KAFKA_OFFSET, "bigint");
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
            written += insert(connection, table, group.getKey(), group.getValue());
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

    private static int insert(Connection connection, TableDefinition table, List<String> columns, List<ChangeEvent> rows)
            throws SQLException {
        int n = rows.size();
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        String[][] values = new String[columns.size() + positionColumns(versions).size()][n];
        for (int r = 0; r < n; r++) {
            ChangeEvent change = rows.get(r);
            Struct image = change.row() != null ? change.row() : change.key();
            for (int c = 0; c < columns.size(); c++) {
                Field f = image.schema().field(columns.get(c));
                values[c][r] = ValueText.render(f.schema(), image.get(f));
            }
            SourcePosition pos = change.position();
            int p = columns.size();
            values[p][r] = String.valueOf(change.op().code());
            values[p + 1][r] = VersionParameters.checked(table, versions.streamed(), pos.rowVersion()).decimal();
            values[p + 2][r] = pos.sequence();
            values[p + 3][r] = pos.txId() == null ? null : pos.txId().toString();
            values[p + 4][r] = pos.timestampMs() == null ? null : pos.timestampMs().toString();
            values[p + 5][r] = change.partition().topic();
            values[p + 6][r] = Integer.toString(change.partition().partition());
            values[p + 7][r] = Long.toString(change.offset());
        }
        ColumnArrays arrays = new ColumnArrays();
        for (String[] column : values) {
            arrays.add(ParameterType.TEXT, column);
        }
        return UnnestStatement.execute(connection, sql(table, columns), arrays);
    }

    static String sql(TableDefinition table, List<String> columns) {
        List<String> all = new ArrayList<>(columns);
        all.addAll(positionColumns(HiddenColumns.Versions.of(table)));
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table.id())).append(" (");
        StringBuilder select = new StringBuilder();
        StringBuilder params = new StringBuilder();
        StringBuilder aliases = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            sql.append(sep).append(quote(all.get(i)));
            select.append(sep).append("v.p").append(i).append("::").append(table.typeOf(all.get(i)));
            params.append(sep).append("?::text[]");
            aliases.append(sep).append('p').append(i);
        }
        sql.append(")\nSELECT ").append(select).append("\nFROM unnest(").append(params).append(") AS v(").append(aliases)
                .append(")\nON CONFLICT (");
        List<String> key = table.primaryKey();
        for (int i = 0; i < key.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(quote(key.get(i)));
        }
        return sql.append(") DO NOTHING").toString();
    }
}
