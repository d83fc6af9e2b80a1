package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.ConflictGuard;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;

import java.util.ArrayList;
import java.util.List;

import static io.tidemark.sink.dialect.HiddenColumns.DELETED;
import static io.tidemark.sink.dialect.postgres.Identifiers.quote;

/**
 * SQL for merge-mode and append-mode writes. Every statement takes one array parameter per column ({@code text[]}, or a typed
 * array where {@link ParameterType} allows), unnested into rows and cast to the column types, so a whole
 * batch is one round trip whatever its size. Row versions go as {@code int8[]} when they fit and as decimal text
 * otherwise ({@link VersionParameters}), cast to the table's version columns.
 *
 * <p>The position guard is the statement's own {@code WHERE}: the row changes only when the incoming
 * change supersedes the stored one, by the rule in {@link io.tidemark.sink.position.RowVersions}.
 */
public final class StatementBuilder {

    private StatementBuilder() {
    }

    private static ConflictGuard guard(TableDefinition table) {
        return ConflictGuard.of(table, Identifiers::quote);
    }

    /** The streamed guard of {@code table}'s upserts and soft deletes, for tests. */
    static String streamedGuard(TableDefinition table) {
        return guard(table).streamed();
    }

    /**
     * Inserts or updates rows: parameters are {@code columns} in order, then the streamed row version (NULL for a
     * snapshot read) and the snapshot point (NULL for a streamed change), of {@code types}; both versions NULL for an
     * incremental-snapshot read. {@code columns} must contain the key columns; {@code nullColumns} are set to NULL
     * (columns dropped at the source).
     */
    public static String upsert(TableDefinition table, List<String> columns, List<ParameterType> types,
                                List<String> nullColumns, boolean softDelete) {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        ConflictGuard guard = guard(table);
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table.id())).append(" AS t (");
        for (String c : columns) {
            sql.append(quote(c)).append(", ");
        }
        for (String c : nullColumns) {
            sql.append(quote(c)).append(", ");
        }
        sql.append(quote(versions.streamed())).append(", ").append(quote(versions.snapshot()));
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
        int streamed = columns.size();
        sql.append(types.get(streamed).cast("v.p" + streamed, table.typeOf(versions.streamed()))).append(", ")
                .append(types.get(streamed + 1).cast("v.p" + (streamed + 1), table.typeOf(versions.snapshot())));
        if (softDelete) {
            sql.append(", false");
        }
        sql.append("\nFROM ").append(unnest(types));
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
        sql.append(quote(versions.streamed())).append(" = COALESCE(").append(guard.newStreamed()).append(", ")
                .append(guard.storedStreamed()).append("), ")
                .append(quote(versions.snapshot())).append(" = CASE WHEN ").append(guard.incremental()).append(" THEN ")
                .append(guard.storedSnapshot()).append(" ELSE ").append(guard.newSnapshot()).append(" END");
        if (softDelete) {
            sql.append(", ").append(quote(DELETED)).append(" = false");
        }
        return sql.append("\nWHERE ").append(guard.upsert()).toString();
    }

    /**
     * Marks rows deleted, keeping their values and recording the delete's position, or inserts a
     * deleted marker row for a key never seen (so an older insert replayed later cannot resurrect it).
     * Parameters: the key columns in order, then the row version, of {@code types}.
     */
    public static String softDelete(TableDefinition table, List<String> keyColumns, List<ParameterType> types) {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table.id())).append(" AS t (");
        for (String c : keyColumns) {
            sql.append(quote(c)).append(", ");
        }
        sql.append(quote(versions.streamed())).append(", ").append(quote(versions.snapshot())).append(", ")
                .append(quote(DELETED));
        sql.append(")\nSELECT ");
        for (int i = 0; i < keyColumns.size(); i++) {
            sql.append(types.get(i).cast("v.p" + i, table.typeOf(keyColumns.get(i)))).append(", ");
        }
        int version = keyColumns.size();
        sql.append(types.get(version).cast("v.p" + version, table.typeOf(versions.streamed()))).append(", NULL, true");
        sql.append("\nFROM ").append(unnest(types));
        sql.append("\nON CONFLICT (").append(keyList(table)).append(") DO UPDATE SET ")
                .append(quote(versions.streamed())).append(" = EXCLUDED.").append(quote(versions.streamed())).append(", ")
                .append(quote(versions.snapshot())).append(" = NULL, ")
                .append(quote(DELETED)).append(" = true");
        return sql.append("\nWHERE ").append(guard(table).streamed()).toString();
    }

    /**
     * Removes rows whose stored version the delete supersedes. Parameters: key columns, then the row version, of
     * {@code types}.
     */
    public static String hardDelete(TableDefinition table, List<String> keyColumns, List<ParameterType> types) {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        String stored = "t." + quote(versions.streamed());
        int version = keyColumns.size();
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(quote(table.id())).append(" AS t\nUSING ")
                .append(unnest(types)).append("\nWHERE ");
        for (int i = 0; i < keyColumns.size(); i++) {
            sql.append("t.").append(quote(keyColumns.get(i))).append(" = ")
                    .append(types.get(i).cast("v.p" + i, table.typeOf(keyColumns.get(i)))).append(" AND ");
        }
        // A delete is a streamed change: the streamed rule decides.
        sql.append("(").append(stored).append(" IS NULL OR ")
                .append(types.get(version).cast("v.p" + version, table.typeOf(versions.streamed()))).append(" > ")
                .append(stored).append(")");
        return sql.toString();
    }

    /**
     * Deletes, soft or hard, the rows a truncate is newer than: both stored versions below its position, the one
     * {@code numeric} parameter. A soft delete records the truncate's position as the row's streamed version, so a
     * replayed older insert cannot resurrect the row.
     */
    public static String truncate(TableDefinition table, boolean softDelete) {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        return deleteRowsBelow(table, softDelete,
                ", " + quote(versions.streamed()) + " = v.position, " + quote(versions.snapshot()) + " = NULL", "");
    }

    /**
     * Deletes, soft or hard, the rows a completed snapshot did not write and no change at or after its snapshot point
     * (the one {@code numeric} parameter) wrote: both stored versions below it. A soft delete keeps the versions, so a
     * change of the row that commits after the snapshot, even one with an LSN below the point, still applies.
     */
    public static String deleteMissingFromSnapshot(TableDefinition table, boolean softDelete) {
        return deleteRowsBelow(table, softDelete, "", "NOT t." + quote(DELETED) + " AND ");
    }

    /**
     * Deletes the rows whose stored versions are both below (or without) the parameter {@code v.position};
     * a soft delete also sets {@code softSet} and only touches rows matching {@code softWhere}.
     */
    private static String deleteRowsBelow(TableDefinition table, boolean softDelete, String softSet, String softWhere) {
        ConflictGuard guard = guard(table);
        String below = "(" + guard.storedStreamed() + " IS NULL OR " + guard.storedStreamed() + " < v.position) AND ("
                + guard.storedSnapshot() + " IS NULL OR " + guard.storedSnapshot() + " < v.position)";
        String position = "(SELECT ?::" + table.typeOf(HiddenColumns.Versions.of(table).streamed()) + " AS position) AS v";
        if (!softDelete) {
            return "DELETE FROM " + quote(table.id()) + " AS t USING " + position + " WHERE " + below;
        }
        return "UPDATE " + quote(table.id()) + " AS t SET " + quote(DELETED) + " = true" + softSet + " FROM " + position
                + " WHERE " + softWhere + below;
    }

    /** Append mode's hidden columns of a table of layout {@code versions}, in the order {@link #append} writes them. */
    static List<String> appendHiddenColumns(HiddenColumns.Versions versions) {
        return List.of(HiddenColumns.OP, versions.streamed(), HiddenColumns.SOURCE_SEQUENCE, HiddenColumns.SOURCE_TX_ID,
                HiddenColumns.SOURCE_TS_MS, HiddenColumns.KAFKA_TOPIC, HiddenColumns.KAFKA_PARTITION,
                HiddenColumns.KAFKA_OFFSET);
    }

    /**
     * Inserts audit rows, one {@code text[]} parameter per column ({@code columns}, then {@link #appendHiddenColumns}),
     * ignoring rows whose primary key (record key, version, op) is there already.
     */
    static String append(TableDefinition table, List<String> columns) {
        List<String> all = new ArrayList<>(columns);
        all.addAll(appendHiddenColumns(HiddenColumns.Versions.of(table)));
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

    private static String unnest(List<ParameterType> all) {
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
