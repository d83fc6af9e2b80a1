package io.tidemark.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small JDBC conveniences for tests: run statements, read a query into plain maps. */
public final class Sql {

    private Sql() {
    }

    public static void execute(String database, String... statements) {
        try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query, each a column-label to value map in select order; values as JDBC returns them. */
    public static List<Map<String, Object>> query(String database, String sql) {
        try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query rendered as text (PostgreSQL's own output functions), for exact source/target comparison. */
    public static List<List<String>> queryAsText(String database, String sql) {
        try (Connection c = TestPostgres.connect(database)) {
            return queryAsText(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query on {@code connection}, each value as the driver's text of it (null for SQL NULL). */
    public static List<List<String>> queryAsText(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    public static long count(String database, String sql) {
        Object value = query(database, sql).get(0).values().iterator().next();
        return ((Number) value).longValue();
    }
}
