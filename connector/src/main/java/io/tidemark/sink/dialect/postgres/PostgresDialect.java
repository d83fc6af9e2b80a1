package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.AuditEvents;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.dialect.ValueText;
import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL 12+ (tested on 17): one array parameter per column, unnested into rows ({@link StatementBuilder}), so a
 * whole batch is one round trip; {@code INSERT ... ON CONFLICT ... DO UPDATE ... WHERE} carries the guard; DDL is
 * serialised between tasks by an advisory lock ({@link Ddl}).
 */
public final class PostgresDialect implements TargetDialect {

    /** The version columns' type: an unsigned 128-bit number fits in 38 decimal digits. */
    static final String VERSION_TYPE = "numeric(38,0)";

    private static final String COLUMNS_SQL = "SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
            + " FROM pg_attribute a WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
            + " ORDER BY a.attnum";
    private static final String PRIMARY_KEY_SQL = "SELECT a.attname FROM pg_index i"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            + " WHERE i.indrelid = to_regclass(?) AND i.indisprimary"
            + " ORDER BY array_position(i.indkey::int2[], a.attnum)";

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String exampleUrl() {
        return "jdbc:postgresql://host:5432/database";
    }

    @Override
    public String quote(String name) {
        return Identifiers.quote(name);
    }

    @Override
    public String quote(TableId table) {
        return Identifiers.quote(table);
    }

    @Override
    public String columnType(Schema schema, boolean keyColumn) {
        return ColumnTypes.sqlType(schema);
    }

    @Override
    public String hiddenColumnType(HiddenColumns.Type type) {
        return switch (type) {
            case VERSION -> VERSION_TYPE;
            case LEGACY_VERSION, INT64 -> "bigint";
            case DELETED_FLAG -> "boolean NOT NULL DEFAULT false";
            case TEXT -> "text";
            case INT32 -> "integer";
        };
    }

    @Override
    public TableDefinition describe(Connection connection, TableId id) throws SQLException {
        String regclass = Identifiers.quote(id);
        Map<String, String> columns = new LinkedHashMap<>();
        List<String> primaryKey = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        try (PreparedStatement ps = connection.prepareStatement(PRIMARY_KEY_SQL)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    primaryKey.add(rs.getString(1));
                }
            }
        }
        return new TableDefinition(id, columns, primaryKey);
    }

    @Override
    public void runDdl(Connection connection, List<String> statements) throws SQLException {
        Ddl.run(connection, statements.toArray(String[]::new));
    }

    /** PostgreSQL's DDL is transactional: it commits with the transaction, which keeps the DDL lock until then. */
    @Override
    public void runDdlInTransaction(Connection connection, List<String> statements) throws SQLException {
        Ddl.runInTransaction(connection, statements.toArray(String[]::new));
    }

    @Override
    public List<String> createTable(TableId id, Map<String, String> columns, List<String> primaryKey) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(quote(id)).append(" (");
        columns.forEach((name, type) -> ddl.append(quote(name)).append(' ').append(type).append(", "));
        ddl.append("PRIMARY KEY (").append(String.join(", ", primaryKey.stream().map(this::quote).toList()))
                .append("))");
        List<String> statements = new ArrayList<>();
        if (id.schema() != null) {
            statements.add("CREATE SCHEMA IF NOT EXISTS " + quote(id.schema()));
        }
        statements.add(ddl.toString());
        return statements;
    }

    @Override
    public String addColumns(TableId id, Map<String, String> columns) {
        StringBuilder ddl = new StringBuilder("ALTER TABLE ").append(quote(id));
        String sep = " ";
        for (Map.Entry<String, String> c : columns.entrySet()) {
            ddl.append(sep).append("ADD COLUMN IF NOT EXISTS ").append(quote(c.getKey())).append(' ').append(c.getValue());
            sep = ", ";
        }
        return ddl.toString();
    }

    @Override
    public int upsert(Connection connection, TableDefinition table, List<String> columns, List<Struct> images,
                      RowVersion[] streamed, RowVersion[] snapshot, List<String> nullColumns, boolean softDelete)
            throws SQLException {
        ColumnArrays values = ColumnArrays.of(table, columns, images);
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        VersionParameters.add(values, table, versions.streamed(), streamed);
        VersionParameters.add(values, table, versions.snapshot(), snapshot);
        return UnnestStatement.execute(connection,
                StatementBuilder.upsert(table, columns, values.types(), nullColumns, softDelete), values);
    }

    @Override
    public int delete(Connection connection, TableDefinition table, List<String> keyColumns, List<Struct> keys,
                      RowVersion[] versions, boolean softDelete) throws SQLException {
        ColumnArrays values = ColumnArrays.of(table, keyColumns, keys);
        VersionParameters.add(values, table, HiddenColumns.Versions.of(table).streamed(), versions);
        String sql = softDelete ? StatementBuilder.softDelete(table, keyColumns, values.types())
                : StatementBuilder.hardDelete(table, keyColumns, values.types());
        return UnnestStatement.execute(connection, sql, values);
    }

    @Override
    public int truncate(Connection connection, TableDefinition table, RowVersion position, boolean softDelete)
            throws SQLException {
        return tableWide(connection, table, StatementBuilder.truncate(table, softDelete), position);
    }

    @Override
    public int deleteMissingFromSnapshot(Connection connection, TableDefinition table, RowVersion position,
                                         boolean softDelete) throws SQLException {
        return tableWide(connection, table, StatementBuilder.deleteMissingFromSnapshot(table, softDelete), position);
    }

    private static int tableWide(Connection connection, TableDefinition table, String sql, RowVersion position)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setBigDecimal(1, VersionParameters.scalar(table, HiddenColumns.Versions.of(table).streamed(), position));
            return ps.executeUpdate();
        }
    }

    @Override
    public int append(Connection connection, TableDefinition table, List<String> columns, List<ChangeEvent> rows)
            throws SQLException {
        int n = rows.size();
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        List<String> hidden = StatementBuilder.appendHiddenColumns(versions);
        String[][] values = new String[columns.size() + hidden.size()][n];
        for (int r = 0; r < n; r++) {
            ChangeEvent change = rows.get(r);
            Struct image = change.row() != null ? change.row() : change.key();
            for (int c = 0; c < columns.size(); c++) {
                Field f = image.schema().field(columns.get(c));
                // A NULL stays NULL: Struct.get would give the field's default instead.
                values[c][r] = ValueText.render(f.schema(), image.getWithoutDefault(f.name()));
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
        return UnnestStatement.execute(connection, StatementBuilder.append(table, columns), arrays);
    }

    @Override
    public Watermarks watermarks(TableId table, String connectorName) {
        return new PostgresWatermarks(this, table, connectorName);
    }

    @Override
    public AuditEvents auditEvents(TableId table, String connectorName) {
        return new PostgresAuditEvents(this, table, connectorName);
    }

    /**
     * Connection failures (SQLSTATE class 08), an administrator shutting the server down (57P01–57P03, what
     * {@code pg_ctl stop} produces), too many connections (53300), serialization failures (40001) and deadlocks
     * (40P01).
     */
    @Override
    public boolean isTransient(SQLException error) {
        String state = error.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                || state.equals("53300") || state.startsWith("57P"));
    }
}
