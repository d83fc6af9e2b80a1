package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.postgres.Identifiers;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.writer.AppendWriter;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tidemark.sink.dialect.postgres.ParameterType.EPOCH_DAYS;
import static io.tidemark.sink.dialect.postgres.ParameterType.EPOCH_MICROS;
import static io.tidemark.sink.dialect.postgres.ParameterType.INT4;
import static io.tidemark.sink.dialect.postgres.ParameterType.INT8;
import static io.tidemark.sink.dialect.postgres.ParameterType.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementBuilderTest {

    private static TableDefinition table(String schema, String name, Map<String, String> columns, List<String> key) {
        Map<String, String> all = new LinkedHashMap<>(columns);
        all.put("__source_version", "numeric(38,0)");
        all.put("__source_snapshot_version", "numeric(38,0)");
        all.put("__deleted", "boolean");
        return new TableDefinition(new TableId(schema, name), all, key);
    }

    /** A table created by a release that read only PostgreSQL: bigint {@code __source_lsn} columns. */
    private static TableDefinition legacyTable(Map<String, String> columns, List<String> key) {
        Map<String, String> all = new LinkedHashMap<>(columns);
        all.put("__source_lsn", "bigint");
        all.put("__source_snapshot_lsn", "bigint");
        all.put("__deleted", "boolean");
        return new TableDefinition(new TableId("public", "items"), all, key);
    }

    private final TableDefinition items = table("public", "items",
            Map.of("id", "integer", "name", "text"), List.of("id"));

    @Test
    void upsertUnnestsOneArrayPerColumnAndGuardsByPosition() {
        String sql = StatementBuilder.upsert(items, List.of("id", "name"), List.of(INT4, TEXT, INT8, INT8), List.of(), true);
        assertThat(sql).isEqualTo("""
                INSERT INTO "public"."items" AS t ("id", "name", "__source_version", "__source_snapshot_version", "__deleted")
                SELECT v.p0::integer, v.p1::text, v.p2::numeric(38,0), v.p3::numeric(38,0), false
                FROM unnest(?::int4[], ?::text[], ?::int8[], ?::int8[]) AS v(p0, p1, p2, p3)
                ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", \
                "__source_version" = COALESCE(EXCLUDED."__source_version", t."__source_version"), \
                "__source_snapshot_version" = CASE WHEN EXCLUDED."__source_version" IS NULL \
                AND EXCLUDED."__source_snapshot_version" IS NULL THEN t."__source_snapshot_version" \
                ELSE EXCLUDED."__source_snapshot_version" END, "__deleted" = false
                WHERE CASE WHEN EXCLUDED."__source_version" IS NULL AND EXCLUDED."__source_snapshot_version" IS NULL THEN true \
                WHEN EXCLUDED."__source_snapshot_version" IS NULL \
                THEN t."__source_version" IS NULL OR EXCLUDED."__source_version" > t."__source_version" \
                ELSE (t."__source_version" IS NULL OR EXCLUDED."__source_snapshot_version" > t."__source_version") \
                AND (t."__source_snapshot_version" IS NULL OR EXCLUDED."__source_snapshot_version" > t."__source_snapshot_version") END""");
    }

    @Test
    void upsertWithoutSoftDeleteDoesNotTouchTheDeletedColumn() {
        assertThat(StatementBuilder.upsert(items, List.of("id", "name"), List.of(INT4, TEXT, INT8, INT8), List.of(), false))
                .doesNotContain("__deleted");
    }

    @Test
    void upsertLeavesOutColumnsNotWritten() {
        String sql = StatementBuilder.upsert(items, List.of("id"), List.of(INT4, INT8, INT8), List.of(), true);
        assertThat(sql).doesNotContain("\"name\"");
        assertThat(sql).contains("DO UPDATE SET \"__source_version\" = COALESCE(");
    }

    @Test
    void columnsDroppedAtTheSourceAreSetToNull() {
        String sql = StatementBuilder.upsert(items, List.of("id"), List.of(INT4, INT8, INT8), List.of("name"), false);
        assertThat(sql).contains("(\"id\", \"name\", \"__source_version\"")
                .contains("SELECT v.p0::integer, NULL, v.p1::numeric(38,0)")
                .contains("\"name\" = NULL, ");
    }

    @Test
    void appendInsertsEveryChangeAndIgnoresOnesAlreadyThere() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "integer");
        columns.put("name", "text");
        PostgresDialect dialect = new PostgresDialect();
        AppendWriter append = new AppendWriter(dialect, dialect.auditEvents(new TableId(null, "cdc_audit_events"), "sink"));
        columns.putAll(append.hiddenColumns(HiddenColumns.Versions.CURRENT));
        TableDefinition audit = new TableDefinition(new TableId(null, "items_audit"), columns,
                append.primaryKey(List.of("id"), HiddenColumns.Versions.CURRENT));
        assertThat(StatementBuilder.append(audit, List.of("id", "name"))).isEqualTo("""
                INSERT INTO "items_audit" ("id", "name", "__op", "__source_version", "__source_sequence", \
                "__source_tx_id", "__source_ts_ms", "__kafka_topic", "__kafka_partition", "__kafka_offset")
                SELECT v.p0::integer, v.p1::text, v.p2::text, v.p3::numeric(38,0), v.p4::text, v.p5::bigint, \
                v.p6::bigint, v.p7::text, v.p8::integer, v.p9::bigint
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], \
                ?::text[], ?::text[]) AS v(p0, p1, p2, p3, p4, p5, p6, p7, p8, p9)
                ON CONFLICT ("id", "__source_version", "__op") DO NOTHING""");
    }

    @Test
    void softDeleteKeepsValuesAndRecordsThePosition() {
        String sql = StatementBuilder.softDelete(items, List.of("id"), List.of(TEXT, INT8));
        assertThat(sql).contains("SELECT v.p0::integer, v.p1::numeric(38,0), NULL, true")
                .contains("DO UPDATE SET \"__source_version\" = EXCLUDED.\"__source_version\","
                        + " \"__source_snapshot_version\" = NULL, \"__deleted\" = true")
                .doesNotContain("\"name\"")
                .endsWith(StatementBuilder.streamedGuard(items));
    }

    @Test
    void epochTypedColumnsAreAddedToTheEpochInEveryStatement() {
        TableDefinition events = table(null, "events",
                Map.of("day", "date", "at", "timestamp without time zone"), List.of("day"));
        assertThat(StatementBuilder.upsert(events, List.of("day", "at"), List.of(EPOCH_DAYS, EPOCH_MICROS, INT8, INT8),
                List.of(), false))
                .contains("SELECT (date 'epoch' + v.p0)::date, "
                        + "(timestamp 'epoch' + (v.p1 / 86400000000) * interval '1 day' + (v.p1 % 86400000000)"
                        + " * interval '1 microsecond')::timestamp without time zone,"
                        + " v.p2::numeric(38,0)")
                .contains("FROM unnest(?::int4[], ?::int8[], ?::int8[], ?::int8[])");
        assertThat(StatementBuilder.softDelete(events, List.of("day"), List.of(EPOCH_DAYS, INT8)))
                .contains("SELECT (date 'epoch' + v.p0)::date, v.p1::numeric(38,0), NULL, true");
        assertThat(StatementBuilder.hardDelete(events, List.of("day"), List.of(EPOCH_DAYS, INT8)))
                .contains("WHERE t.\"day\" = (date 'epoch' + v.p0)::date AND ");
    }

    @Test
    void hardDeleteRemovesOnlyRowsTheDeleteSupersedes() {
        assertThat(StatementBuilder.hardDelete(items, List.of("id"), List.of(TEXT, INT8))).isEqualTo("""
                DELETE FROM "public"."items" AS t
                USING unnest(?::text[], ?::int8[]) AS v(p0, p1)
                WHERE t."id" = v.p0::integer AND (t."__source_version" IS NULL \
                OR v.p1::numeric(38,0) > t."__source_version")""");
    }

    @Test
    void binlogPositionsTravelAsDecimalText() {
        assertThat(StatementBuilder.hardDelete(items, List.of("id"), List.of(TEXT, TEXT)))
                .contains("USING unnest(?::text[], ?::text[])").contains("v.p1::numeric(38,0) > t.\"__source_version\"");
    }

    @Test
    void tablesOfTheOldLayoutKeepTheirLsnColumns() {
        TableDefinition legacy = legacyTable(Map.of("id", "integer", "name", "text"), List.of("id"));
        assertThat(StatementBuilder.upsert(legacy, List.of("id", "name"), List.of(INT4, TEXT, INT8, INT8), List.of(), true))
                .contains("(\"id\", \"name\", \"__source_lsn\", \"__source_snapshot_lsn\", \"__deleted\")")
                .contains("v.p2::bigint, v.p3::bigint")
                .doesNotContain("__source_version");
        assertThat(StatementBuilder.hardDelete(legacy, List.of("id"), List.of(TEXT, INT8)))
                .endsWith("(t.\"__source_lsn\" IS NULL OR v.p1::bigint > t.\"__source_lsn\")");
        assertThat(StatementBuilder.truncate(legacy, true))
                .contains("(SELECT ?::bigint AS position)").contains("\"__source_lsn\" = v.position");
    }

    @Test
    void hostileNamesStayOneQuotedIdentifier() {
        String evil = "x\"; DROP TABLE users; --";
        TableDefinition hostile = table(null, evil, Map.of(evil, "text", "id", "integer"), List.of("id"));
        String sql = StatementBuilder.upsert(hostile, List.of("id", evil), List.of(INT4, TEXT, INT8, INT8), List.of(), false);
        String quoted = "\"x\"\"; DROP TABLE users; --\"";
        assertThat(sql).startsWith("INSERT INTO " + quoted + " AS t (\"id\", " + quoted + ",");
        assertThat(sql.replace(quoted, "")).doesNotContain("DROP");
    }

    @Test
    void compositeKeysAreListedInKeyOrder() {
        TableDefinition composite = table(null, "lines", Map.of("order_id", "bigint", "line", "integer", "sku", "text"),
                List.of("order_id", "line"));
        assertThat(StatementBuilder.upsert(composite, List.of("order_id", "line", "sku"), List.of(INT8, INT4, TEXT, INT8, INT8),
                List.of(), false))
                .contains("ON CONFLICT (\"order_id\", \"line\")");
    }

    @Test
    void identifiersRejectNulAndDoubleEmbeddedQuotes() {
        assertThat(Identifiers.quote("we\"ird")).isEqualTo("\"we\"\"ird\"");
        assertThat(Identifiers.quote("Ünïcödé table")).isEqualTo("\"Ünïcödé table\"");
        assertThat(Identifiers.quote(new TableId("a.b", "c"))).isEqualTo("\"a.b\".\"c\"");
        assertThatThrownBy(() -> Identifiers.quote("a\u0000b")).isInstanceOf(IllegalArgumentException.class);
    }
}
