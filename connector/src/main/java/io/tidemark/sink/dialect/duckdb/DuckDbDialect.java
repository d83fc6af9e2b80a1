package io.tidemark.sink.dialect.duckdb;

import io.tidemark.sink.dialect.AuditEvents;
import io.tidemark.sink.dialect.ConflictGuard;
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

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * DuckDB (tested on 2.0) database files, embedded in the worker process through DuckDB's JDBC driver. Each statement's
 * rows go into a temporary staging table through DuckDB's appender ({@link StagingTable}) and one
 * {@code INSERT ... SELECT ... ON CONFLICT ... DO UPDATE ... WHERE} applies them under the guard, which DuckDB
 * evaluates, like every assignment, against the row as it was ({@link ConflictGuard}, the same SQL as PostgreSQL's;
 * {@code GuardTruthTableIT} checks every case). {@code MERGE INTO} with the guard on its matched branch passes the
 * truth table as well; the README's DuckDB section has the measurements behind the choice.
 *
 * <p>One process at a time can open a DuckDB file for writing, so every task that writes one runs in the process
 * that holds it. Tasks of that process share one database instance and write concurrently: DuckDB reports two
 * transactions that change the same row, or a table one of them alters, as a write-write conflict, which rolls the
 * loser back and is retried like any transient error ({@link #isTransient}); DDL is serialised by a lock of the
 * process. Another process holding the file is transient too: the pool keeps trying to open it.
 */
public final class DuckDbDialect implements TargetDialect {

    static final String VERSION_TYPE = "DECIMAL(38,0)";
    /** Tasks may write to the file at idle moments of each other, so the file is let go of soon by default. */
    private static final long IDLE_RELEASE_MS = 5_000;
    /** Every task that can write a DuckDB file runs in this process, so a lock of the process serialises their DDL. */
    private static final ReentrantLock DDL_LOCK = new ReentrantLock();
    private static final long DDL_LOCK_TIMEOUT_S = 120;

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith(DatabaseFile.PREFIX);
    }

    @Override
    public String exampleUrl() {
        return "jdbc:duckdb:/var/lib/tidemark/analytics.duckdb";
    }

    @Override
    public String refusal(String jdbcUrl) {
        return DatabaseFile.of(jdbcUrl).refusal();
    }

    @Override
    public String setupProblem(String jdbcUrl) {
        return DatabaseFile.of(jdbcUrl).setupProblem();
    }

    @Override
    public long defaultIdleReleaseMs() {
        return IDLE_RELEASE_MS;
    }

    @Override
    public String quote(String name) {
        if (name.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character: " + name.replace('\u0000', '?'));
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public String quote(TableId table) {
        return table.schema() == null ? quote(table.table()) : quote(table.schema()) + "." + quote(table.table());
    }

    @Override
    public String columnType(Schema schema, boolean keyColumn) {
        return DuckDbTypes.columnType(schema);
    }

    @Override
    public String hiddenColumnType(HiddenColumns.Type type) {
        return switch (type) {
            case VERSION -> VERSION_TYPE;
            case LEGACY_VERSION, INT64 -> "BIGINT";
            // Not NOT NULL: DuckDB cannot add a NOT NULL column with IF NOT EXISTS. The sink never writes NULL there.
            case DELETED_FLAG -> "BOOLEAN DEFAULT false";
            case TEXT -> "VARCHAR";
            case INT32 -> "INTEGER";
        };
    }

    @Override
    public TableDefinition describe(Connection connection, TableId id) throws SQLException {
        String where = " WHERE database_name = current_database() AND schema_name = COALESCE(?, current_schema())"
                + " AND table_name = ?";
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT column_name, data_type FROM duckdb_columns()" + where + " ORDER BY column_index")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        List<String> primaryKey = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT unnest(constraint_column_names)"
                + " FROM duckdb_constraints()" + where + " AND constraint_type = 'PRIMARY KEY'")) {
            ps.setString(1, id.schema());
            ps.setString(2, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    primaryKey.add(rs.getString(1));
                }
            }
        }
        return new TableDefinition(id, columns, primaryKey);
    }

    /**
     * Under the process's DDL lock, in a transaction begun once the lock is held, so that of two tasks creating the
     * same table the second sees it created (DuckDB's catalog is versioned like its rows: a transaction begun before
     * the other's commit would not see the table and fail with a catalog write-write conflict). The caller's
     * transaction holds no writes; it is ended first.
     */
    @Override
    public void runDdl(Connection connection, List<String> statements) throws SQLException {
        try {
            if (!DDL_LOCK.tryLock(DDL_LOCK_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new SQLException("could not take the sink's DDL lock within " + DDL_LOCK_TIMEOUT_S + " s",
                        "40001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the sink's DDL lock", "40001", e);
        }
        try (Statement s = connection.createStatement()) {
            connection.commit();
            for (String sql : statements) {
                s.execute(sql);
            }
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            throw e;
        } finally {
            DDL_LOCK.unlock();
        }
    }

    /**
     * DuckDB's DDL is transactional, so it commits or rolls back with the transaction. The process's DDL lock cannot
     * be held until then; a task altering the same table meanwhile makes one of the two fail with a write-write
     * conflict, which is transient.
     */
    @Override
    public void runDdlInTransaction(Connection connection, List<String> statements) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
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

    /** DuckDB alters one column per statement: one {@code ALTER TABLE} each, run as one script. */
    @Override
    public String addColumns(TableId id, Map<String, String> columns) {
        List<String> alters = new ArrayList<>();
        columns.forEach((name, type) -> alters.add("ALTER TABLE " + quote(id) + " ADD COLUMN IF NOT EXISTS "
                + quote(name) + " " + type));
        return String.join("; ", alters);
    }

    @Override
    public int upsert(Connection connection, TableDefinition table, List<String> columns, List<Struct> images,
                      RowVersion[] streamed, RowVersion[] snapshot, List<String> nullColumns, boolean softDelete)
            throws SQLException {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        ConflictGuard guard = ConflictGuard.of(table, this::quote);
        Staged staged = new Staged(columns);
        List<String> types = staged.types(images.get(0));
        types.add(VERSION_TYPE);
        types.add(VERSION_TYPE);
        int n = columns.size();
        StagingTable.fill(connection, types, images.size(), row -> {
            Object[] values = new Object[n + 2];
            staged.put(images.get(row), values);
            values[n] = decimal(streamed[row]);
            values[n + 1] = decimal(snapshot[row]);
            return values;
        });
        List<String> inserted = new ArrayList<>(columns);
        List<String> selected = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            selected.add(cast(c, table, columns.get(c)));
        }
        for (String c : nullColumns) {
            inserted.add(c);
            selected.add("NULL");
        }
        inserted.add(versions.streamed());
        selected.add(cast(n, table, versions.streamed()));
        inserted.add(versions.snapshot());
        selected.add(cast(n + 1, table, versions.snapshot()));
        if (softDelete) {
            inserted.add(HiddenColumns.DELETED);
            selected.add("false");
        }
        StringBuilder set = new StringBuilder();
        for (String c : columns) {
            if (!table.primaryKey().contains(c)) {
                set.append(quote(c)).append(" = EXCLUDED.").append(quote(c)).append(", ");
            }
        }
        for (String c : nullColumns) {
            set.append(quote(c)).append(" = NULL, ");
        }
        // A snapshot read keeps the streamed version, so replayed older changes stay recognisable as old; an
        // incremental read keeps both.
        set.append(quote(versions.streamed())).append(" = COALESCE(").append(guard.newStreamed()).append(", ")
                .append(guard.storedStreamed()).append("), ")
                .append(quote(versions.snapshot())).append(" = CASE WHEN ").append(guard.incremental()).append(" THEN ")
                .append(guard.storedSnapshot()).append(" ELSE ").append(guard.newSnapshot()).append(" END");
        if (softDelete) {
            set.append(", ").append(quote(HiddenColumns.DELETED)).append(" = false");
        }
        return execute(connection, insertSelect(table, inserted, selected) + " ON CONFLICT (" + keyList(table)
                + ") DO UPDATE SET " + set + " WHERE " + guard.upsert());
    }

    @Override
    public int delete(Connection connection, TableDefinition table, List<String> keyColumns, List<Struct> keys,
                      RowVersion[] versionsOfRows, boolean softDelete) throws SQLException {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        Staged staged = new Staged(keyColumns);
        List<String> types = staged.types(keys.get(0));
        types.add(VERSION_TYPE);
        int n = keyColumns.size();
        StagingTable.fill(connection, types, keys.size(), row -> {
            Object[] values = new Object[n + 1];
            staged.put(keys.get(row), values);
            values[n] = decimal(versionsOfRows[row]);
            return values;
        });
        String version = cast(n, table, versions.streamed());
        if (softDelete) {
            List<String> inserted = new ArrayList<>(keyColumns);
            List<String> selected = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                selected.add(cast(c, table, keyColumns.get(c)));
            }
            inserted.addAll(List.of(versions.streamed(), versions.snapshot(), HiddenColumns.DELETED));
            selected.addAll(List.of(version, "NULL", "true"));
            return execute(connection, insertSelect(table, inserted, selected) + " ON CONFLICT (" + keyList(table)
                    + ") DO UPDATE SET " + quote(versions.streamed()) + " = EXCLUDED." + quote(versions.streamed())
                    + ", " + quote(versions.snapshot()) + " = NULL, " + quote(HiddenColumns.DELETED) + " = true"
                    + " WHERE " + ConflictGuard.of(table, this::quote).streamed());
        }
        String stored = "t." + quote(versions.streamed());
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(quote(table.id())).append(" AS t USING ")
                .append(StagingTable.FROM).append(" WHERE ");
        for (int c = 0; c < n; c++) {
            sql.append("t.").append(quote(keyColumns.get(c))).append(" = ").append(cast(c, table, keyColumns.get(c)))
                    .append(" AND ");
        }
        // A delete is a streamed change: the streamed rule decides.
        sql.append("(").append(stored).append(" IS NULL OR ").append(version).append(" > ").append(stored).append(")");
        return execute(connection, sql.toString());
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
        List<String> hidden = List.of(HiddenColumns.OP, versions.streamed(), HiddenColumns.SOURCE_SEQUENCE,
                HiddenColumns.SOURCE_TX_ID, HiddenColumns.SOURCE_TS_MS, HiddenColumns.KAFKA_TOPIC,
                HiddenColumns.KAFKA_PARTITION, HiddenColumns.KAFKA_OFFSET);
        Map<Schema, Staged> stagedBySchema = new IdentityHashMap<>();
        ChangeEvent first = changes.get(0);
        List<String> types = new Staged(columns).types(first.row() != null ? first.row() : first.key());
        types.addAll(List.of("VARCHAR", VERSION_TYPE, "VARCHAR", "BIGINT", "BIGINT", "VARCHAR", "INTEGER", "BIGINT"));
        int n = columns.size();
        StagingTable.fill(connection, types, changes.size(), row -> {
            ChangeEvent change = changes.get(row);
            Struct image = change.row() != null ? change.row() : change.key();
            Object[] values = new Object[n + hidden.size()];
            stagedBySchema.computeIfAbsent(image.schema(), s -> new Staged(columns)).put(image, values);
            SourcePosition pos = change.position();
            values[n] = String.valueOf(change.op().code());
            values[n + 1] = decimal(pos.rowVersion());
            values[n + 2] = pos.sequence();
            values[n + 3] = pos.txId();
            values[n + 4] = pos.timestampMs();
            values[n + 5] = change.partition().topic();
            values[n + 6] = change.partition().partition();
            values[n + 7] = change.offset();
            return values;
        });
        List<String> inserted = new ArrayList<>(columns);
        inserted.addAll(hidden);
        List<String> selected = new ArrayList<>();
        for (int c = 0; c < inserted.size(); c++) {
            selected.add(cast(c, table, inserted.get(c)));
        }
        // A row already there (the same change delivered again) is left as it is.
        return execute(connection, insertSelect(table, inserted, selected) + " ON CONFLICT DO NOTHING");
    }

    @Override
    public Watermarks watermarks(TableId table, String connectorName) {
        return new DuckDbWatermarks(this, table, connectorName);
    }

    @Override
    public AuditEvents auditEvents(TableId table, String connectorName) {
        return new DuckDbAuditEvents(this, table, connectorName);
    }

    /**
     * A lost connection (SQLSTATE class 08), a write-write conflict with another task's transaction or a commit that
     * failed on one (DuckDB's {@code TransactionContext} errors), another process holding the file, memory that ran
     * out, an interrupted query. DuckDB's errors carry no SQLSTATE of their own; their message names their kind.
     */
    @Override
    public boolean isTransient(SQLException error) {
        String state = error.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("40001"))) {
            return true;
        }
        String message = error.getMessage();
        return message != null && (message.startsWith("TransactionContext Error")
                || message.contains(DatabaseFile.LOCKED)
                || message.startsWith("Out of Memory Error")
                || message.startsWith("INTERRUPT Error")
                || message.contains("database has been invalidated"));
    }

    /**
     * After a COMMIT that fails (a write-write conflict found at commit), DuckDB has ended the transaction but the
     * driver still thinks one is open: it would neither roll back nor begin the next one, and run the next batch
     * statement by statement in autocommit. Such a connection is closed; so is one whose database was invalidated.
     */
    @Override
    public boolean breaksConnection(SQLException error) {
        String message = error.getMessage();
        return message != null && (message.startsWith("TransactionContext Error")
                || message.contains("database has been invalidated"));
    }

    private String insertSelect(TableDefinition table, List<String> inserted, List<String> selected) {
        return "INSERT INTO " + quote(table.id()) + " AS t (" + String.join(", ", inserted.stream().map(this::quote)
                .toList()) + ") SELECT " + String.join(", ", selected) + " FROM " + StagingTable.FROM;
    }

    /** Staged column {@code index} cast to the type of {@code column} in {@code table}. */
    private static String cast(int index, TableDefinition table, String column) {
        return "CAST(" + StagingTable.column(index) + " AS " + table.typeOf(column) + ")";
    }

    private String keyList(TableDefinition table) {
        return String.join(", ", table.primaryKey().stream().map(this::quote).toList());
    }

    private static int execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    static BigDecimal decimal(RowVersion version) {
        return version == null ? null : new BigDecimal(version.decimal());
    }

    /** Rolls back after a failure; after a failed COMMIT there is nothing left to roll back, which is not news. */
    static void rollbackQuietly(Connection connection, SQLException cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** The staging types and staged values of fields {@code columns}, resolved once per row schema. */
    private static final class Staged {
        private final List<String> columns;
        private Schema schema;
        private Field[] fields;
        private List<Function<Object, Object>> values;

        Staged(List<String> columns) {
            this.columns = columns;
        }

        /** The staging column types, from the fields of {@code row}'s schema. */
        List<String> types(Struct row) {
            List<String> types = new ArrayList<>(columns.size() + 2);
            for (String c : columns) {
                types.add(DuckDbTypes.stagingType(row.schema().field(c).schema()));
            }
            return types;
        }

        /** The staged values of {@code row}'s fields, into {@code into} from index 0. */
        void put(Struct row, Object[] into) {
            if (row.schema() != schema) {
                schema = row.schema();
                fields = new Field[columns.size()];
                values = new ArrayList<>(columns.size());
                for (int c = 0; c < fields.length; c++) {
                    fields[c] = schema.field(columns.get(c));
                    values.add(DuckDbTypes.stagedValue(fields[c].schema()));
                }
            }
            for (int c = 0; c < fields.length; c++) {
                // A NULL stays NULL: Struct.get would give the field's default instead.
                Object value = row.getWithoutDefault(fields[c].name());
                into[c] = value == null ? null : values.get(c).apply(value);
            }
        }
    }
}
