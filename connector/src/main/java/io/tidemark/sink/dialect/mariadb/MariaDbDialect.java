package io.tidemark.sink.dialect.mariadb;

import io.tidemark.sink.dialect.AuditEvents;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.TableWideDeletes;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * MariaDB 10.6+ (tested on 10.11) through MariaDB Connector/J: multi-row {@code INSERT ... ON DUPLICATE KEY UPDATE}
 * carries the guard. MariaDB assigns the {@code UPDATE} list left to right, each expression seeing the columns
 * assigned before it, so every column is assigned {@code IF(guard, new, old)} with the guard reading the stored
 * versions, and the version columns come last: the snapshot point before the streamed version, whose guard reads only
 * the streamed version when it matters (a streamed change) and whose value does not change otherwise
 * ({@code GuardTruthTableIT} checks every case on a real server). DDL is serialised between tasks by
 * {@code GET_LOCK}; tables are {@code utf8mb4} with a binary collation.
 *
 * <p>Row counts come from the server's affected rows ({@code useAffectedRows}): 0 for a row the guard left alone,
 * 1 for an insert, 2 for an update, so a statement's count is capped at its row count and may count a row the
 * guard left alone among several it updated.
 */
public final class MariaDbDialect implements TargetDialect {

    static final String VERSION_TYPE = "DECIMAL(38,0)";
    /** Rows per statement: well below the packet size and placeholder limits for wide tables. */
    private static final int ROWS_PER_STATEMENT = 500;
    private static final String DDL_LOCK = "tidemark-ddl";
    private static final int DDL_LOCK_TIMEOUT_S = 120;

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:mariadb:");
    }

    @Override
    public String exampleUrl() {
        return "jdbc:mariadb://host:3306/database";
    }

    @Override
    public Map<String, String> driverProperties() {
        return Map.of("useAffectedRows", "true");
    }

    @Override
    public String quote(String name) {
        if (name.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character: " + name.replace('\u0000', '?'));
        }
        return '`' + name.replace("`", "``") + '`';
    }

    @Override
    public String quote(TableId table) {
        return table.schema() == null ? quote(table.table()) : quote(table.schema()) + "." + quote(table.table());
    }

    @Override
    public String columnType(Schema schema, boolean keyColumn) {
        return MariaDbTypes.columnType(schema, keyColumn);
    }

    @Override
    public String hiddenColumnType(HiddenColumns.Type type) {
        return switch (type) {
            case VERSION, LEGACY_VERSION -> VERSION_TYPE;
            case DELETED_FLAG -> "BOOLEAN NOT NULL DEFAULT FALSE";
            case TEXT -> "VARCHAR(255)";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
        };
    }

    @Override
    public TableDefinition describe(Connection connection, TableId id) throws SQLException {
        String schema = "COALESCE(?, DATABASE())";
        Map<String, String> columns = new LinkedHashMap<>();
        List<String> primaryKey = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME, COLUMN_TYPE"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " + schema + " AND TABLE_NAME = ?"
                + " ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        if (!columns.isEmpty()) {
            requireTransactionalEngine(connection, id);
            try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME"
                    + " FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = " + schema + " AND TABLE_NAME = ?"
                    + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
                ps.setString(1, id.schema());
                ps.setString(2, id.table());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        primaryKey.add(rs.getString(1));
                    }
                }
            }
        }
        return columns.isEmpty() ? null : new TableDefinition(id, columns, primaryKey);
    }

    /**
     * Refuses a table whose storage engine has no transactions (MyISAM, Aria, MEMORY, ...): its rows would be written
     * at once, outside the target transaction that carries the offsets and watermark, so a rollback would leave them
     * and a reader would see parts of source transactions. Views (no engine) pass.
     */
    private void requireTransactionalEngine(Connection connection, TableId id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT t.ENGINE, e.TRANSACTIONS"
                + " FROM information_schema.TABLES t LEFT JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE"
                + " WHERE t.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND t.TABLE_NAME = ?")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getString(1) != null && !"YES".equals(rs.getString(2))) {
                    throw new ConnectException("table " + quote(id) + " uses the " + rs.getString(1) + " storage engine,"
                            + " which has no transactions: the sink writes each row in the same transaction as its"
                            + " Kafka offsets and watermark, so it needs a transactional engine. Convert it with"
                            + " ALTER TABLE " + quote(id) + " ENGINE=InnoDB");
                }
            }
        }
    }

    /** DDL commits by itself in MariaDB; the named lock keeps two tasks from racing on the same table. */
    @Override
    public void runDdl(Connection connection, List<String> statements) throws SQLException {
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT GET_LOCK('" + DDL_LOCK + "', " + DDL_LOCK_TIMEOUT_S + ")")) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new SQLException("could not take the sink's DDL lock within " + DDL_LOCK_TIMEOUT_S + " s",
                            "40001");
                }
            }
            try {
                for (String sql : statements) {
                    s.execute(sql);
                }
                connection.commit();
            } finally {
                s.executeQuery("SELECT RELEASE_LOCK('" + DDL_LOCK + "')").close();
            }
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    /**
     * MariaDB commits every DDL statement by itself, so none can run inside a transaction kept open: the caller
     * rolls it back and applies its records without keeping it open.
     */
    @Override
    public void runDdlInTransaction(Connection connection, List<String> statements) throws SQLException {
        throw new SQLException("a table must be created or altered inside a target transaction kept open for a large"
                + " source transaction, and MariaDB commits DDL by itself: " + statements, "0A000");
    }

    @Override
    public List<String> createTable(TableId id, Map<String, String> columns, List<String> primaryKey) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(quote(id)).append(" (");
        columns.forEach((name, type) -> ddl.append(quote(name)).append(' ').append(type).append(", "));
        ddl.append("PRIMARY KEY (").append(String.join(", ", primaryKey.stream().map(this::quote).toList()))
                .append(")) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
        List<String> statements = new ArrayList<>();
        if (id.schema() != null) {
            statements.add("CREATE DATABASE IF NOT EXISTS " + quote(id.schema())
                    + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
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

    /** The guard of an upsert row over the stored row ({@code VALUES(c)} is the incoming value). */
    private String upsertGuard(HiddenColumns.Versions versions) {
        String v = quote(versions.streamed());
        String sv = quote(versions.snapshot());
        return "CASE WHEN VALUES(" + v + ") IS NULL AND VALUES(" + sv + ") IS NULL THEN TRUE"
                + " WHEN VALUES(" + sv + ") IS NULL THEN " + v + " IS NULL OR VALUES(" + v + ") > " + v
                + " ELSE (" + v + " IS NULL OR VALUES(" + sv + ") > " + v + ") AND (" + sv + " IS NULL OR VALUES("
                + sv + ") > " + sv + ") END";
    }

    private String streamedGuard(HiddenColumns.Versions versions) {
        String v = quote(versions.streamed());
        return v + " IS NULL OR VALUES(" + v + ") > " + v;
    }

    @Override
    public int upsert(Connection connection, TableDefinition table, List<String> columns, List<Struct> images,
                      RowVersion[] streamed, RowVersion[] snapshot, List<String> nullColumns, boolean softDelete)
            throws SQLException {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        List<String> inserted = new ArrayList<>(columns);
        inserted.addAll(nullColumns);
        inserted.add(versions.streamed());
        inserted.add(versions.snapshot());
        if (softDelete) {
            inserted.add(HiddenColumns.DELETED);
        }
        String guard = upsertGuard(versions);
        StringBuilder update = new StringBuilder();
        for (String c : columns) {
            if (!table.primaryKey().contains(c)) {
                update.append(assign(c, guard, "VALUES(" + quote(c) + ")"));
            }
        }
        for (String c : nullColumns) {
            update.append(assign(c, guard, "NULL"));
        }
        if (softDelete) {
            update.append(assign(HiddenColumns.DELETED, guard, "FALSE"));
        }
        String v = quote(versions.streamed());
        String sv = quote(versions.snapshot());
        // The snapshot point, then the streamed version, last: see the class comment.
        update.append(assign(versions.snapshot(), guard,
                "IF(VALUES(" + v + ") IS NULL AND VALUES(" + sv + ") IS NULL, " + sv + ", VALUES(" + sv + "))"));
        update.append(assign(versions.streamed(), guard, "COALESCE(VALUES(" + v + "), " + v + ")"));
        Binders binders = new Binders(columns);
        return insertRows(connection, table, inserted, images.size(), update, (ps, row, index) -> {
            Struct image = images.get(row);
            for (int c = 0; c < columns.size(); c++) {
                binders.bind(ps, index++, image, c);
            }
            for (int c = 0; c < nullColumns.size(); c++) {
                ps.setObject(index++, null);
            }
            ps.setBigDecimal(index++, decimal(streamed[row]));
            ps.setBigDecimal(index++, decimal(snapshot[row]));
            if (softDelete) {
                ps.setBoolean(index++, false);
            }
            return index;
        });
    }

    @Override
    public int delete(Connection connection, TableDefinition table, List<String> keyColumns, List<Struct> keys,
                      RowVersion[] versionsOfRows, boolean softDelete) throws SQLException {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        Binders binders = new Binders(keyColumns);
        if (softDelete) {
            List<String> inserted = new ArrayList<>(keyColumns);
            inserted.add(versions.streamed());
            inserted.add(versions.snapshot());
            inserted.add(HiddenColumns.DELETED);
            String guard = streamedGuard(versions);
            StringBuilder update = new StringBuilder()
                    .append(assign(HiddenColumns.DELETED, guard, "TRUE"))
                    .append(assign(versions.snapshot(), guard, "NULL"))
                    .append(assign(versions.streamed(), guard, "VALUES(" + quote(versions.streamed()) + ")"));
            return insertRows(connection, table, inserted, keys.size(), update, (ps, row, index) -> {
                for (int c = 0; c < keyColumns.size(); c++) {
                    binders.bind(ps, index++, keys.get(row), c);
                }
                ps.setBigDecimal(index++, decimal(versionsOfRows[row]));
                ps.setBigDecimal(index++, null);
                ps.setBoolean(index++, true);
                return index;
            });
        }
        String v = quote(versions.streamed());
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(quote(table.id())).append(" WHERE ");
        for (String k : keyColumns) {
            sql.append(quote(k)).append(" = ? AND ");
        }
        sql.append("(").append(v).append(" IS NULL OR ? > ").append(v).append(")");
        int deleted = 0;
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int r = 0; r < keys.size(); r++) {
                int index = 1;
                for (int c = 0; c < keyColumns.size(); c++) {
                    binders.bind(ps, index++, keys.get(r), c);
                }
                ps.setBigDecimal(index, decimal(versionsOfRows[r]));
                ps.addBatch();
            }
            for (int count : ps.executeBatch()) {
                deleted += Math.max(count, 0);
            }
        }
        return deleted;
    }

    @Override
    public int truncate(Connection connection, TableDefinition table, RowVersion position, boolean softDelete)
            throws SQLException {
        return TableWideDeletes.truncate(connection, this, table, position, softDelete);
    }

    @Override
    public int deleteMissingFromSnapshot(Connection connection, TableDefinition table, RowVersion position,
                                         boolean softDelete) throws SQLException {
        return TableWideDeletes.deleteMissingFromSnapshot(connection, this, table, position, softDelete);
    }

    @Override
    public int append(Connection connection, TableDefinition table, List<String> columns, List<ChangeEvent> changes)
            throws SQLException {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        List<String> inserted = new ArrayList<>(columns);
        inserted.addAll(List.of(HiddenColumns.OP, versions.streamed(), HiddenColumns.SOURCE_SEQUENCE,
                HiddenColumns.SOURCE_TX_ID, HiddenColumns.SOURCE_TS_MS, HiddenColumns.KAFKA_TOPIC,
                HiddenColumns.KAFKA_PARTITION, HiddenColumns.KAFKA_OFFSET));
        // A row already there (the same change delivered again) is left as it is; nothing else is ignored.
        String op = quote(HiddenColumns.OP);
        StringBuilder update = new StringBuilder(op).append(" = ").append(op).append(", ");
        Map<Schema, Binders> bindersBySchema = new IdentityHashMap<>();
        return insertRows(connection, table, inserted, changes.size(), update, (ps, row, index) -> {
            ChangeEvent change = changes.get(row);
            Struct image = change.row() != null ? change.row() : change.key();
            Binders binders = bindersBySchema.computeIfAbsent(image.schema(), s -> new Binders(columns));
            for (int c = 0; c < columns.size(); c++) {
                binders.bind(ps, index++, image, c);
            }
            SourcePosition pos = change.position();
            ps.setString(index++, String.valueOf(change.op().code()));
            ps.setBigDecimal(index++, decimal(pos.rowVersion()));
            ps.setString(index++, pos.sequence());
            ps.setObject(index++, pos.txId());
            ps.setObject(index++, pos.timestampMs());
            ps.setString(index++, change.partition().topic());
            ps.setInt(index++, change.partition().partition());
            ps.setLong(index++, change.offset());
            return index;
        });
    }

    @Override
    public Watermarks watermarks(TableId table, String connectorName) {
        return new MariaDbWatermarks(this, table, connectorName);
    }

    @Override
    public AuditEvents auditEvents(TableId table, String connectorName) {
        return new MariaDbAuditEvents(this, table, connectorName);
    }

    /**
     * Connection failures (SQLSTATE class 08), deadlocks (40001, error 1213), lock wait timeouts (1205), too many
     * connections (1040), a server shutting down or a killed connection (1053, 1927, 70100).
     */
    @Override
    public boolean isTransient(SQLException error) {
        String state = error.getSQLState();
        int code = error.getErrorCode();
        return (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("70100")))
                || code == 1205 || code == 1213 || code == 1040 || code == 1053 || code == 1927;
    }

    /** {@code column = IF(guard, value, column), } */
    private String assign(String column, String guard, String value) {
        String c = quote(column);
        return c + " = IF(" + guard + ", " + value + ", " + c + "), ";
    }

    static BigDecimal decimal(RowVersion version) {
        return version == null ? null : new BigDecimal(version.decimal());
    }

    /** Sets the parameters of one row from {@code index}; returns the next index. */
    private interface RowBinder {
        int bind(PreparedStatement ps, int row, int index) throws SQLException;
    }

    /**
     * {@code INSERT INTO table (columns) VALUES (...), ... ON DUPLICATE KEY UPDATE update} for {@code rows} rows, in
     * statements of at most {@link #ROWS_PER_STATEMENT}; {@code update} ends with {@code ", "}. Returns the rows
     * changed, each statement's count capped at its row count.
     */
    private int insertRows(Connection connection, TableDefinition table, List<String> columns, int rows,
                           StringBuilder update, RowBinder binder) throws SQLException {
        String head = "INSERT INTO " + quote(table.id()) + " (" + String.join(", ", columns.stream().map(this::quote).toList())
                + ") VALUES ";
        String tuple = "(" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
        String tail = " ON DUPLICATE KEY UPDATE " + update.substring(0, update.length() - 2);
        int changed = 0;
        for (int from = 0; from < rows; from += ROWS_PER_STATEMENT) {
            int n = Math.min(ROWS_PER_STATEMENT, rows - from);
            String sql = head + String.join(", ", Collections.nCopies(n, tuple)) + tail;
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                int index = 1;
                for (int r = from; r < from + n; r++) {
                    index = binder.bind(ps, r, index);
                }
                changed += Math.min(ps.executeUpdate(), n);
            }
        }
        return changed;
    }

    /** The JDBC values of fields {@code columns} of rows, with the binder of each field resolved once per schema. */
    private static final class Binders {
        private final List<String> columns;
        private Schema schema;
        private Field[] fields;
        private List<Function<Object, Object>> binders;

        Binders(List<String> columns) {
            this.columns = columns;
        }

        /**
         * Binds field {@code column} of {@code row} as parameter {@code index} through the setter of its Java type: the
         * driver's {@code setObject} asks every codec in turn whether it takes the value, for each parameter.
         */
        void bind(PreparedStatement ps, int index, Struct row, int column) throws SQLException {
            Object value = value(row, column);
            if (value instanceof String text) {
                ps.setString(index, text);
            } else if (value instanceof Long number) {
                ps.setLong(index, number);
            } else if (value instanceof Integer number) {
                ps.setInt(index, number);
            } else if (value instanceof BigDecimal number) {
                ps.setBigDecimal(index, number);
            } else if (value instanceof Boolean flag) {
                ps.setBoolean(index, flag);
            } else {
                ps.setObject(index, value);
            }
        }

        private Object value(Struct row, int column) {
            if (row.schema() != schema) {
                schema = row.schema();
                fields = new Field[columns.size()];
                binders = new ArrayList<>(columns.size());
                for (int c = 0; c < fields.length; c++) {
                    fields[c] = schema.field(columns.get(c));
                    binders.add(MariaDbTypes.binder(fields[c].schema()));
                }
            }
            // A NULL stays NULL: Struct.get would give the field's default instead.
            Object value = row.getWithoutDefault(fields[column].name());
            return value == null ? null : binders.get(column).apply(value);
        }
    }
}
