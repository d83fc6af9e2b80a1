package io.tidemark.sink.writer;

import io.tidemark.testkit.Sql;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One kind of target database the behaviour suite runs on: a fresh database per test, the sink's connection settings
 * for it, and plain JDBC for the assertions. Quoting here is the test's own, independent of the dialect under test.
 */
public abstract class TargetDatabase {

    /** The database's name as the sink's dialects call it. */
    public abstract String name();

    /** Creates a new, empty database whose name starts with {@code prefix}; returns its name. */
    public abstract String createDatabase(String prefix);

    /** {@code connection.url}, {@code connection.user} and {@code connection.password} of the sink for {@code database}. */
    public abstract Map<String, String> sinkConnection(String database);

    /** A connection to {@code database} for the test's own reads and writes, in autocommit mode. */
    public abstract Connection connect(String database) throws SQLException;

    /** {@code identifier} quoted as one name in this database's SQL. */
    public abstract String quote(String identifier);

    /** {@code schema.table} quoted; for MariaDB the schema is a database of the server. */
    public final String quote(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /** Rows of {@code sql}, each value as the driver's text of it (null for SQL NULL). */
    public final List<List<String>> query(String database, String sql) {
        try (Connection c = connect(database)) {
            return Sql.queryAsText(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** The single number {@code sql} returns. */
    public final long count(String database, String sql) {
        return Long.parseLong(query(database, sql).get(0).get(0));
    }

    public final void execute(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code table} exists in the database's default schema. */
    public final boolean tableExists(String database, String table) {
        return !metadata(database, table, (md, c) -> md.getTables(c.getCatalog(), c.getSchema(), table, null), 3).isEmpty();
    }

    /** The columns of {@code table} in the database's default schema, in table order. */
    public final List<String> columns(String database, String table) {
        return metadata(database, table, (md, c) -> md.getColumns(c.getCatalog(), c.getSchema(), table, null), 4);
    }

    /** The primary key columns of {@code table} in the database's default schema, by name (as JDBC lists them). */
    public final List<String> primaryKey(String database, String table) {
        return metadata(database, table, (md, c) -> md.getPrimaryKeys(c.getCatalog(), c.getSchema(), table), 4);
    }

    private interface MetadataQuery {
        ResultSet run(DatabaseMetaData metadata, Connection connection) throws SQLException;
    }

    /** Column {@code column} of a metadata result, of {@code table} only (metadata patterns treat _ as a wildcard). */
    private List<String> metadata(String database, String table, MetadataQuery query, int column) {
        try (Connection c = connect(database); ResultSet rs = query.run(c.getMetaData(), c)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                if (rs.getString(3).equals(table)) {
                    values.add(rs.getString(column));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the catalog of " + database + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
