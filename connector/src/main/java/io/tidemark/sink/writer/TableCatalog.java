package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.event.TableId;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knows the target tables: reads their definition from the database once, creates missing ones
 * ({@code auto.create}) and adds missing columns ({@code schema.evolution=basic}). DDL runs in its own
 * committed transaction before the data is written, so a rolled-back batch never leaves the cache
 * describing a table that does not exist.
 */
public final class TableCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(TableCatalog.class);

    private final TargetDialect dialect;
    private final boolean autoCreate;
    private final SchemaEvolution evolution;
    private final WriteMode mode;
    private final Map<TableId, TableDefinition> tables = new HashMap<>();

    public TableCatalog(TargetDialect dialect, boolean autoCreate, SchemaEvolution evolution, WriteMode mode) {
        this.dialect = dialect;
        this.autoCreate = autoCreate;
        this.evolution = evolution;
        this.mode = mode;
    }

    /**
     * The definition of {@code id}, created or extended so that every field of {@code rowSchemas} and
     * the sink's position columns exist. Runs its DDL on {@code connection} and commits it, before any data is
     * written; {@code insideOpenTransaction}: the connection's transaction is kept open and holds data already
     * (correctness.md §4.1), so the DDL runs inside it and commits or rolls back with it, or fails where the database
     * cannot do that. Without a {@code keySchema} (a batch that only truncates the table) a missing table is not
     * created: the result is null.
     */
    public TableDefinition prepare(Connection connection, TableId id, Schema keySchema, List<Schema> rowSchemas,
                                   boolean insideOpenTransaction) throws SQLException {
        TableDefinition table = tables.get(id);
        if (table != null && missingColumns(table, keySchema, rowSchemas).isEmpty()) {
            return table;
        }
        table = dialect.describe(connection, id);
        if (table == null && keySchema == null) {
            return null;
        }
        if (table == null) {
            if (!autoCreate) {
                throw new ConnectException("table " + id + " does not exist and auto.create=false");
            }
            create(connection, id, keySchema, rowSchemas, insideOpenTransaction);
            table = dialect.describe(connection, id);
            if (table == null) {
                throw new ConnectException("table " + id + " was created but cannot be read back");
            }
        }
        if (keySchema != null) {
            checkPrimaryKey(table, keySchema);
        }
        Map<String, String> missing = missingColumns(table, keySchema, rowSchemas);
        if (!missing.isEmpty()) {
            if (evolution == SchemaEvolution.NONE) {
                throw new ConnectException("table " + id + " lacks columns " + missing.keySet()
                        + " and schema.evolution=none forbids adding them; add them yourself, e.g. "
                        + dialect.addColumns(id, missing));
            }
            runDdl(connection, List.of(dialect.addColumns(id, missing)), insideOpenTransaction);
            LOG.info("Added columns {} to {}", missing, id);
            table = dialect.describe(connection, id);
        }
        tables.put(id, table);
        return table;
    }

    /** Forgets what is known about the tables, e.g. after a failed transaction that may have raced DDL. */
    public void invalidate() {
        tables.clear();
    }

    private Map<String, String> missingColumns(TableDefinition table, Schema keySchema, List<Schema> rowSchemas) {
        Map<String, String> missing = new LinkedHashMap<>();
        for (Field f : keySchema == null ? List.<Field>of() : keySchema.fields()) {
            if (!table.has(f.name())) {
                missing.put(f.name(), dialect.columnType(f.schema(), true));
            }
        }
        for (Schema rowSchema : rowSchemas) {
            for (Field f : rowSchema.fields()) {
                if (!table.has(f.name()) && !missing.containsKey(f.name())) {
                    missing.put(f.name(), dialect.columnType(f.schema(), false));
                }
            }
        }
        for (Map.Entry<String, String> hidden : mode.hiddenColumns(HiddenColumns.Versions.of(table)).entrySet()) {
            if (!table.has(hidden.getKey())) {
                missing.put(hidden.getKey(), hidden.getValue());
            }
        }
        return missing;
    }

    private void checkPrimaryKey(TableDefinition table, Schema keySchema) {
        List<String> expected = mode.primaryKey(keySchema.fields().stream().map(Field::name).toList(),
                HiddenColumns.Versions.of(table));
        if (!new HashSet<>(table.primaryKey()).equals(new HashSet<>(expected))) {
            throw new ConnectException("table " + table.id() + " has primary key " + table.primaryKey()
                    + " but this mode writes on " + expected + " (the record key"
                    + (expected.size() > keySchema.fields().size() ? " plus the source position" : "")
                    + "), so the table's primary key must be exactly those columns");
        }
    }

    private void runDdl(Connection connection, List<String> statements, boolean insideOpenTransaction)
            throws SQLException {
        if (insideOpenTransaction) {
            dialect.runDdlInTransaction(connection, statements);
        } else {
            dialect.runDdl(connection, statements);
        }
    }

    private void create(Connection connection, TableId id, Schema keySchema, List<Schema> rowSchemas,
                        boolean insideOpenTransaction) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Field f : keySchema.fields()) {
            columns.put(f.name(), dialect.columnType(f.schema(), true) + " NOT NULL");
        }
        for (Schema rowSchema : rowSchemas) {
            for (Field f : rowSchema.fields()) {
                columns.putIfAbsent(f.name(), dialect.columnType(f.schema(), false));
            }
        }
        columns.putAll(mode.hiddenColumns(HiddenColumns.Versions.CURRENT));
        List<String> key = mode.primaryKey(keySchema.fields().stream().map(Field::name).toList(),
                HiddenColumns.Versions.CURRENT);
        runDdl(connection, dialect.createTable(id, columns, key), insideOpenTransaction);
        LOG.info("Created table {} with columns {} and primary key {}", id, columns.keySet(), key);
    }
}
