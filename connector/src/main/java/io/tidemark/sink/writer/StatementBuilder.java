package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.ParameterType;

import java.util.ArrayList;
import java.util.List;

import static io.tidemark.sink.dialect.Identifiers.quote;
import static io.tidemark.sink.writer.HiddenColumns.DELETED;
import static io.tidemark.sink.writer.HiddenColumns.SOURCE_SNAPSHOT;
import static io.tidemark.sink.writer.HiddenColumns.SOURCE_VERSION;

/**
 * SQL for merge-mode writes. Every statement takes one array parameter per column ({@code text[]}, or a typed
 * array where {@link ParameterType} allows), unnested into rows and cast to the column types, so a whole
 * batch is one round trip whatever its size.
 *
 * <p>The position guard is the statement's own {@code WHERE}: the row changes only when the incoming
 * change supersedes the stored one, by the rule in {@link io.tidemark.sink.position.RowVersions}.
 */
public final class StatementBuilder {

    private static final String STORED_STREAMED = "t." + quote(SOURCE_VERSION);
    private static final String STORED_SNAPSHOT = "t." + quote(SOURCE_SNAPSHOT);
    private static final String NEW_STREAMED = "EXCLUDED." + quote(SOURCE_VERSION);
    private static final String NEW_SNAPSHOT = "EXCLUDED." + quote(SOURCE_SNAPSHOT);

    /** A streamed change applies when newer than every streamed change the stored row has seen. */
    static final String STREAMED_GUARD = STORED_STREAMED + " IS NULL OR " + NEW_STREAMED + " > " + STORED_STREAMED;

    /** An incoming upsert row without either version: an incremental-snapshot read (correctness.md §3.3). */
    private static final String NEW_INCREMENTAL = NEW_STREAMED + " IS NULL AND " + NEW_SNAPSHOT + " IS NULL";

    /**
     * The guard for an upsert row, streamed (snapshot point NULL), a snapshot read (streamed version NULL) or an
     * incremental read (both NULL, always applies): {@code t} is the stored row, {@code EXCLUDED} the incoming one.
     */
    static final String UPSERT_GUARD = "CASE WHEN " + NEW_INCREMENTAL + " THEN true"
            + " WHEN " + NEW_SNAPSHOT + " IS NULL THEN " + STREAMED_GUARD
            + " ELSE (" + STORED_STREAMED + " IS NULL OR " + NEW_SNAPSHOT + " > " + STORED_STREAMED + ")"
            + " AND (" + STORED_SNAPSHOT + " IS NULL OR " + NEW_SNAPSHOT + " > " + STORED_SNAPSHOT + ") END";

    private StatementBuilder() {
    }

    /**
     * Inserts or updates rows: parameters are {@code columns} in order, of {@code types}, then the streamed row
     * version (NULL for a snapshot read) and the snapshot point (NULL for a streamed change), both {@code int8[]};
     * both NULL for an incremental-snapshot read.
     * {@code columns} must contain the key columns; {@code nullColumns} are set to NULL (columns dropped at the source).
     */
    public static String upsert(TableDefinition table, List<String> columns, List<ParameterType> types,
                                List<String> nullColumns, boolean softDelete) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table.id())).append(" AS t (");
        for (String c : columns) {
            sql.append(quote(c)).append(", ");
        }
        for (String c : nullColumns) {
            sql.append(quote(c)).append(", ");
        }
        sql.append(quote(SOURCE_VERSION)).append(", ").append(quote(SOURCE_SNAPSHOT));
        if (softDelete) {
            sql.append(", ").append(quote(DELETED));
        }
        sql.append(")\nSELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(types.get(i).cast("v.p" + i, table.typeOf(columns.get(i)))).append(", ");
        }
        for (int i = 0; i < nullColumns.size(); i++) {
            sql.append("NULL, ");
        }
        sql.append("v.p").append(columns.size()).append("::bigint, v.p").append(columns.size() + 1).append("::bigint");
        if (softDelete) {
            sql.append(", false");
        }
        sql.append("\nFROM ").append(unnest(types, ParameterType.INT8, ParameterType.INT8));
        sql.append("\nON CONFLICT (").append(keyList(table)).append(") DO UPDATE SET ");
        for (String c : columns) {
            if (!table.primaryKey().contains(c)) {
                sql.append(quote(c)).append(" = EXCLUDED.").append(quote(c)).append(", ");
            }
        }
        for (String c : nullColumns) {
            sql.append(quote(c)).append(" = NULL, ");
        }
        // A snapshot read keeps the streamed version: replayed older changes stay recognisable as old. An
        // incremental read keeps both.
        sql.append(quote(SOURCE_VERSION)).append(" = COALESCE(").append(NEW_STREAMED).append(", ")
                .append(STORED_STREAMED).append("), ")
                .append(quote(SOURCE_SNAPSHOT)).append(" = CASE WHEN ").append(NEW_INCREMENTAL).append(" THEN ")
                .append(STORED_SNAPSHOT).append(" ELSE ").append(NEW_SNAPSHOT).append(" END");
        if (softDelete) {
            sql.append(", ").append(quote(DELETED)).append(" = false");
        }
        return sql.append("\nWHERE ").append(UPSERT_GUARD).toString();
    }

    /**
     * Marks rows deleted, keeping their values and recording the delete's position, or inserts a
     * deleted marker row for a key never seen (so an older insert replayed later cannot resurrect it).
     * Parameters: the key columns in order, of {@code keyTypes}, then the row version ({@code int8[]}).
     */
    public static String softDelete(TableDefinition table, List<String> keyColumns, List<ParameterType> keyTypes) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table.id())).append(" AS t (");
        for (String c : keyColumns) {
            sql.append(quote(c)).append(", ");
        }
        sql.append(quote(SOURCE_VERSION)).append(", ").append(quote(SOURCE_SNAPSHOT)).append(", ").append(quote(DELETED));
        sql.append(")\nSELECT ");
        for (int i = 0; i < keyColumns.size(); i++) {
            sql.append(keyTypes.get(i).cast("v.p" + i, table.typeOf(keyColumns.get(i)))).append(", ");
        }
        sql.append("v.p").append(keyColumns.size()).append("::bigint, NULL, true");
        sql.append("\nFROM ").append(unnest(keyTypes, ParameterType.INT8));
        sql.append("\nON CONFLICT (").append(keyList(table)).append(") DO UPDATE SET ")
                .append(quote(SOURCE_VERSION)).append(" = EXCLUDED.").append(quote(SOURCE_VERSION)).append(", ")
                .append(quote(SOURCE_SNAPSHOT)).append(" = NULL, ")
                .append(quote(DELETED)).append(" = true");
        return sql.append("\nWHERE ").append(STREAMED_GUARD).toString();
    }

    /**
     * Removes rows whose stored version the delete supersedes. Parameters: key columns, of {@code keyTypes}, then
     * the row version ({@code int8[]}).
     */
    public static String hardDelete(TableDefinition table, List<String> keyColumns, List<ParameterType> keyTypes) {
        int version = keyColumns.size();
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(quote(table.id())).append(" AS t\nUSING ")
                .append(unnest(keyTypes, ParameterType.INT8)).append("\nWHERE ");
        for (int i = 0; i < keyColumns.size(); i++) {
            sql.append("t.").append(quote(keyColumns.get(i))).append(" = ")
                    .append(keyTypes.get(i).cast("v.p" + i, table.typeOf(keyColumns.get(i)))).append(" AND ");
        }
        // A delete is a streamed change: the streamed rule decides.
        sql.append("(").append(STORED_STREAMED).append(" IS NULL OR v.p").append(version).append("::bigint > ")
                .append(STORED_STREAMED).append(")");
        return sql.toString();
    }

    /**
     * Deletes, soft or hard, the rows a truncate is newer than: both stored versions below its LSN, the one
     * parameter ({@code int8}). A soft delete records the truncate's LSN as the row's streamed version, so a
     * replayed older insert cannot resurrect the row.
     */
    public static String truncate(TableDefinition table, boolean softDelete) {
        return deleteRowsBelow(table, softDelete,
                ", " + quote(SOURCE_VERSION) + " = v.position, " + quote(SOURCE_SNAPSHOT) + " = NULL", "");
    }

    /**
     * Deletes, soft or hard, the rows a completed snapshot did not write and no change at or after its snapshot point
     * (the one {@code int8} parameter) wrote: both stored versions below it. A soft delete keeps the versions, so a
     * change of the row that commits after the snapshot, even one with an LSN below the point, still applies.
     */
    public static String deleteMissingFromSnapshot(TableDefinition table, boolean softDelete) {
        return deleteRowsBelow(table, softDelete, "", "NOT t." + quote(DELETED) + " AND ");
    }

    /**
     * Deletes the rows whose stored versions are both below (or without) the {@code int8} parameter {@code v.position};
     * a soft delete also sets {@code softSet} and only touches rows matching {@code softWhere}.
     */
    private static String deleteRowsBelow(TableDefinition table, boolean softDelete, String softSet, String softWhere) {
        String below = "(" + STORED_STREAMED + " IS NULL OR " + STORED_STREAMED + " < v.position) AND ("
                + STORED_SNAPSHOT + " IS NULL OR " + STORED_SNAPSHOT + " < v.position)";
        String position = "(SELECT ?::bigint AS position) AS v";
        if (!softDelete) {
            return "DELETE FROM " + quote(table.id()) + " AS t USING " + position + " WHERE " + below;
        }
        return "UPDATE " + quote(table.id()) + " AS t SET " + quote(DELETED) + " = true" + softSet + " FROM " + position
                + " WHERE " + softWhere + below;
    }

    private static String unnest(List<ParameterType> types, ParameterType... more) {
        List<ParameterType> all = new ArrayList<>(types);
        all.addAll(List.of(more));
        StringBuilder sql = new StringBuilder("unnest(");
        for (int i = 0; i < all.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("?::").append(all.get(i).elementType()).append("[]");
        }
        sql.append(") AS v(");
        for (int i = 0; i < all.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append('p').append(i);
        }
        return sql.append(')').toString();
    }

    private static String keyList(TableDefinition table) {
        StringBuilder keys = new StringBuilder();
        for (String k : table.primaryKey()) {
            keys.append(keys.length() == 0 ? "" : ", ").append(quote(k));
        }
        return keys.toString();
    }
}
