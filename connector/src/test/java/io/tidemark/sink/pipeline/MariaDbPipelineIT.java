package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestMariaDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MariaDB 10.11 → Debezium's MySqlConnector → Kafka → Connect → our sink → PostgreSQL, all real: the snapshot and
 * then streamed inserts, updates, deletes, interleaved transactions, primary-key updates, hostile names and a column
 * added while streaming. The target must equal the source column by column. Debezium's MySQL connector gives no
 * transaction boundaries on MariaDB, so each change is a target transaction of its own: nothing here asserts that
 * a source transaction shows whole. Each test has a pipeline of its own on a Connect worker the class shares.
 */
class MariaDbPipelineIT extends MariaDbPipelineTest {

    @Override
    String worldName() {
        return "mariadb-pipeline";
    }

    @Test
    void snapshotThenStreamingConvergesToTheSourceColumnByColumn() {
        converged("mdbtypes", 200);
        assertThat(pipeline.targetRows("true")).hasSize(200);

        TestMariaDb.execute(pipeline.source,
                MariaDbPipeline.insertCustomers(201, 260),
                "UPDATE customers SET name = concat('renamed ', id), balance = balance + 0.01 WHERE id % 7 = 0",
                "DELETE FROM customers WHERE id % 11 = 0",
                "UPDATE customers SET name = NULL, attrs = NULL, seen_at = NULL, bits = NULL WHERE id = 6",
                "UPDATE customers SET notes = 'Grüße, 列; \"quoted\" and \\\\ back\\\\slash', kind = 'pro', tags = ''"
                        + " WHERE id = 3",
                "UPDATE customers SET balance = 99.99, active = true, flag = 1, born = '1970-01-01', hits = 0"
                        + " WHERE id = 10",
                // The ends of each type's range.
                "UPDATE customers SET tiny = -128, small = -32768, medium = 8388607, big = 9223372036854775807,"
                        + " hits = 4294967295, balance = -9999999999.99, born = '1000-01-01',"
                        + " updated_at = '9999-12-31 23:59:59', seen_at = '1970-01-02 00:00:00.000001',"
                        + " at_time = '23:59:59.999999', born_year = 2155, bits = b'111111111111',"
                        + " payload = x'00ff', score = -12345.678, ratio = -0.5 WHERE id = 4",
                "UPDATE customers SET born_year = 1901, updated_at = '1000-01-01 00:00:00', at_time = '00:00:00',"
                        + " seen_at = '2038-01-01 00:00:00.999999' WHERE id = 5");
        pipeline.awaitConverged(Duration.ofSeconds(60));

        int deleted = 260 / 11;
        assertThat(pipeline.targetRows("true")).as("live target rows").hasSize(260 - deleted);
        assertThat(Sql.count(pipeline.target, "SELECT count(*) FROM customers WHERE __deleted"))
                .as("soft-deleted rows").isEqualTo(deleted);
        Map<String, String> connectSchemas = MariaDbPipeline.COLUMNS.stream().collect(Collectors.toMap(
                MariaDbPipeline.Column::name, MariaDbPipeline.Column::connectSchema, (a, b) -> a, LinkedHashMap::new));
        Map<String, String> published = pipeline.connectSchemaOfCustomers();
        Map<String, String> targetTypes = pipeline.targetColumnTypes();
        System.out.println("MariaDB → Connect → PostgreSQL: " + MariaDbPipeline.COLUMNS.stream()
                .map(c -> c.name() + " " + c.mariaDbType() + " → " + published.get(c.name()) + " → "
                        + targetTypes.get(c.name())).collect(Collectors.joining("; ")));
        assertThat(published).as("Connect schema of each column, as Debezium publishes it")
                .containsExactlyEntriesOf(connectSchemas);
        for (MariaDbPipeline.Column column : MariaDbPipeline.COLUMNS) {
            assertThat(targetTypes.get(column.name())).as("target type of %s (%s)", column.name(), column.mariaDbType())
                    .isEqualTo(column.postgresType());
        }
        assertThat(Sql.queryAsText(pipeline.target, "SELECT source_server,"
                + " source_position ~ '^mysql-bin\\.[0-9]+:[0-9]+:[0-9]+$' FROM cdc_watermark"))
                .as("the watermark's source and binlog position").containsExactly(List.of(pipeline.prefix, "t"));
    }

    /**
     * DATETIME(6) holds microseconds up to 9999-12-31 23:59:59.999999, and Debezium sends them exactly (microseconds
     * since the epoch). Far from 1970 such a count has more digits than a double keeps.
     */
    @Test
    void datetimeMicrosecondsFarFromTheEpochReachTheTargetExactly() {
        converged("mdbfardatetime", 3);
        TestMariaDb.execute(pipeline.source,
                "UPDATE customers SET updated_at = '9999-12-31 23:59:59.999999' WHERE id = 1",
                "UPDATE customers SET updated_at = '1000-01-01 00:00:00.000001' WHERE id = 2",
                "UPDATE customers SET updated_at = '2500-06-30 12:00:00.000007' WHERE id = 3");
        pipeline.awaitConverged(Duration.ofSeconds(60));
    }

    /**
     * MySQL's TIME is a duration from -838:59:59 to 838:59:59, not only a time of day; Debezium sends it as
     * microseconds (io.debezium.time.MicroTime), negative ones too.
     */
    @Test
    void timeValuesBeyondADayOrNegativeReachAnIntervalColumn() {
        converged("mdbduration", 3);
        // A MySQL TIME is a duration; the column the sink creates for it is a time of day, which holds only part of
        // it. A user who stores durations makes it an interval; the task goes on, and every value arrives exactly.
        Sql.execute(pipeline.target, "ALTER TABLE customers ALTER COLUMN at_time TYPE interval");
        TestMariaDb.execute(pipeline.source,
                "UPDATE customers SET at_time = '100:00:00.5' WHERE id = 1",
                "UPDATE customers SET at_time = '-01:30:00' WHERE id = 2",
                "UPDATE customers SET at_time = '838:59:59' WHERE id = 3");
        String source = "SELECT id, cast(time_to_sec(at_time) * 1000000 AS signed) FROM customers ORDER BY id";
        String target = "SELECT id, (extract(epoch FROM at_time) * 1000000)::bigint FROM customers WHERE NOT __deleted"
                + " ORDER BY id";
        awaitEqual(source, target, Duration.ofSeconds(60));
    }

    /** T1 begins and writes first, T2 begins later, writes and commits first; then T1 writes again and commits. */
    @Test
    void interleavedTransactionsFromTwoConnectionsConverge() throws Exception {
        converged("mdbinterleaved", 50);
        try (Connection t1 = TestMariaDb.connect(pipeline.source); Connection t2 = TestMariaDb.connect(pipeline.source);
             Statement s1 = t1.createStatement(); Statement s2 = t2.createStatement()) {
            t1.setAutoCommit(false);
            t2.setAutoCommit(false);
            s1.execute("UPDATE customers SET name = 't1 first', big = big + 1 WHERE id = 10");
            s2.execute("UPDATE customers SET name = 't2', big = big + 1 WHERE id = 12");
            s2.execute(MariaDbPipeline.insertCustomers(9000, 9002));
            s2.execute("DELETE FROM customers WHERE id = 14");
            t2.commit();
            s1.execute("UPDATE customers SET name = 't1 second' WHERE id = 13");
            s1.execute("UPDATE customers SET name = 't1 again', big = big + 1 WHERE id = 10");
            s1.execute("INSERT INTO customers (id, name, big) VALUES (14, 't1 re-insert', 14)");
            t1.commit();
        }
        pipeline.awaitConverged(Duration.ofSeconds(60));
        assertThat(Sql.queryAsText(pipeline.target, "SELECT id, name FROM customers WHERE id IN (10, 12, 13, 14, 9001)"
                + " ORDER BY id")).containsExactly(List.of("10", "t1 again"), List.of("12", "t2"),
                List.of("13", "t1 second"), List.of("14", "t1 re-insert"), List.of("9001", "name 9001"));
    }

    /**
     * A key change is one binlog row, which Debezium sends as a delete, a tombstone and a create sharing one position:
     * one key, a shift of many keys in one statement (one rows event), a key moved onto a key deleted before, and a
     * key moved back.
     */
    @Test
    void primaryKeyUpdatesMoveTheRowsAndSoftDeleteTheOldKeys() {
        converged("mdbpkupdate", 50);
        TestMariaDb.execute(pipeline.source,
                "UPDATE customers SET id = 5000 WHERE id = 5",
                "UPDATE customers SET id = id + 100 WHERE id BETWEEN 20 AND 29 ORDER BY id DESC",
                "DELETE FROM customers WHERE id = 30",
                "UPDATE customers SET id = id - 1 WHERE id BETWEEN 31 AND 35 ORDER BY id",
                "DELETE FROM customers WHERE id = 40",
                "UPDATE customers SET id = 40, name = 'moved onto a deleted key' WHERE id = 41",
                "UPDATE customers SET id = 5 WHERE id = 5000");
        pipeline.awaitConverged(Duration.ofSeconds(60));

        assertThat(Sql.queryAsText(pipeline.target, "SELECT id FROM customers WHERE __deleted ORDER BY id"))
                .as("keys the source no longer has").extracting(r -> Integer.parseInt(r.get(0)))
                .containsExactly(20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 35, 41, 5000);
        assertThat(Sql.queryAsText(pipeline.target, "SELECT name FROM customers WHERE id IN (40, 120, 30, 34)"
                + " ORDER BY id")).containsExactly(List.of("name 31"), List.of("name 35"),
                List.of("moved onto a deleted key"), List.of("name 20"));
    }

    /**
     * A table and columns named with double quotes, a backtick, semicolons, spaces, SQL comment markers, a reserved
     * word, single quotes, mixed case and non-ASCII letters, the key column among them. Debezium's topic name replaces
     * what Kafka does not allow, so the sink subscribes by pattern; the target table and columns carry the real names.
     */
    @Test
    void hostileTableAndColumnNamesReachTheTargetUnchanged() {
        pipeline = new MariaDbPipeline("mdbhostile", connect);
        String table = "Or\"d`ers; DROP TABLE x -- ñ列";
        List<String> columns = List.of("key id", "Quoted \"Col\"", "semi;colon", "back`tick", "naïve 列", "MixedCase",
                "select", "'single'");
        TestMariaDb.execute(pipeline.source,
                "CREATE TABLE " + backticks(table) + " (" + backticks(columns.get(0)) + " int PRIMARY KEY, "
                        + columns.subList(1, columns.size()).stream().map(c -> backticks(c) + " varchar(40)")
                        .collect(Collectors.joining(", ")) + ") CHARACTER SET utf8mb4",
                insertHostile(table, 1, 20));
        pipeline.startSource(pipeline.source + "\\..*", Map.of());
        Map<String, String> sink = pipeline.sinkConfig();
        sink.remove("topics");
        sink.put("topics.regex", pipeline.prefix + "\\." + pipeline.source + "\\..*");
        // The topic appears with the snapshot's first record: look for new topics often, not every five minutes.
        sink.put("consumer.override.metadata.max.age.ms", "500");
        pipeline.startSink(sink);
        String sourceQuery = "SELECT " + columns.stream().map(MariaDbPipelineIT::backticks)
                .collect(Collectors.joining(", ")) + " FROM " + backticks(table) + " ORDER BY 1";
        String targetQuery = "SELECT " + columns.stream().map(MariaDbPipelineIT::doubleQuotes)
                .collect(Collectors.joining(", ")) + " FROM " + doubleQuotes(table) + " WHERE NOT __deleted ORDER BY 1";
        awaitEqual(sourceQuery, targetQuery, Duration.ofSeconds(90));

        TestMariaDb.execute(pipeline.source,
                insertHostile(table, 21, 30),
                "UPDATE " + backticks(table) + " SET " + backticks("naïve 列") + " = 'ändert; \"x\" `y`', "
                        + backticks("select") + " = NULL WHERE " + backticks("key id") + " % 3 = 0",
                "DELETE FROM " + backticks(table) + " WHERE " + backticks("key id") + " IN (2, 22)",
                "UPDATE " + backticks(table) + " SET " + backticks("key id") + " = 100 WHERE " + backticks("key id")
                        + " = 4");
        awaitEqual(sourceQuery, targetQuery, Duration.ofSeconds(60));

        assertThat(Sql.queryAsText(pipeline.target, "SELECT attname FROM pg_attribute WHERE attrelid = '"
                + doubleQuotes(table).replace("'", "''") + "'::regclass AND attnum > 0 AND attname NOT LIKE '\\_\\_%'"
                + " ORDER BY attnum")).extracting(r -> r.get(0)).containsExactlyElementsOf(columns);
        assertThat(Sql.count(pipeline.target, "SELECT count(*) FROM " + doubleQuotes(table) + " WHERE __deleted"))
                .isEqualTo(3);
    }

    private static String insertHostile(String table, int fromId, int toId) {
        return "INSERT INTO " + backticks(table) + " SELECT n, concat('q \"', n, '\"'), n, concat('b`', n),"
                + " concat('naïve 列 ', n), n * 10, if(n % 2 = 0, 'sel', NULL), concat('it''s ', n)"
                + " FROM " + MariaDbPipeline.sequence(fromId, toId);
    }

    private static String backticks(String name) {
        return '`' + name.replace("`", "``") + '`';
    }

    private static String doubleQuotes(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private void awaitEqual(String sourceQuery, String targetQuery, Duration timeout) {
        List<List<String>> expected = TestMariaDb.queryAsText(pipeline.source, sourceQuery);
        Await.until("target to equal source (" + expected.size() + " rows); " + connect.describe(pipeline.sinkConnector),
                timeout, () -> {
                    pipeline.failIfFailed(pipeline.sinkConnector);
                    return MariaDbPipeline.difference(expected, Sql.queryAsText(pipeline.target, targetQuery));
                }, String::isEmpty);
    }

    /**
     * ALTER TABLE ADD COLUMN while Debezium streams, at the end and between two columns, with a default: the sink adds
     * the columns without a restart; rows changed afterwards carry their values, rows not changed since keep NULL in
     * the target (the binlog has no event for the default MariaDB gives them), as README's schema.evolution says.
     */
    @Test
    void columnsAddedWhileStreamingAppearInTheTarget() {
        converged("mdbaddcolumn", 50);
        TestMariaDb.execute(pipeline.source,
                "ALTER TABLE customers ADD COLUMN tier varchar(20) DEFAULT 'gold'",
                "ALTER TABLE customers ADD COLUMN rank_no int AFTER name",
                "UPDATE customers SET tier = 'platinum', rank_no = 1 WHERE id = 1",
                "UPDATE customers SET name = 'touched' WHERE id = 2",
                MariaDbPipeline.insertCustomers(51, 52),
                "UPDATE customers SET rank_no = id WHERE id > 50");
        Await.until("the new columns and their values in the target", Duration.ofSeconds(60), () -> {
            pipeline.failIfFailed(pipeline.sinkConnector);
            return Sql.queryAsText(pipeline.target, "SELECT id, name, rank_no, tier, big FROM customers"
                    + " WHERE id IN (1, 2, 3, 51, 52) ORDER BY id");
        }, rows -> rows.equals(List.of(
                List.of("1", "name 1", "1", "platinum", "1000000000"),
                Arrays.asList("2", "touched", null, "gold", "2000000000"),
                Arrays.asList("3", "name 3", null, null, "3000000000"),
                List.of("51", "name 51", "51", "gold", "51000000000"),
                List.of("52", "name 52", "52", "gold", "52000000000"))));
        assertThat(TestMariaDb.queryAsText(pipeline.source, "SELECT tier FROM customers WHERE id = 3"))
                .as("the default at the source").containsExactly(List.of("gold"));
        pipeline.awaitConverged(Duration.ofSeconds(30));
        assertThat(pipeline.targetColumnTypes()).containsEntry("tier", "text").containsEntry("rank_no", "integer");
    }

    /**
     * A NULL written into a column that has a default. JsonConverter writes and reads the default in place of a NULL
     * unless {@code replace.null.with.default=false}, so both connectors are told so, and the topic carries the NULL.
     */
    @Test
    void nullInAColumnWithADefaultReachesTheTargetAsNull() {
        pipeline = new MariaDbPipeline("mdbnulldefault", connect);
        TestMariaDb.execute(pipeline.source, "ALTER TABLE customers ADD COLUMN tier varchar(20) DEFAULT 'gold'",
                MariaDbPipeline.insertCustomers(1, 3));
        Map<String, String> keepNulls = Map.of("value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "true", "value.converter.replace.null.with.default", "false");
        pipeline.startSource(keepNulls);
        Map<String, String> sink = pipeline.sinkConfig();
        sink.putAll(keepNulls);
        pipeline.startSink(sink);
        TestMariaDb.execute(pipeline.source, "UPDATE customers SET tier = NULL, name = 'no tier' WHERE id = 2");
        Await.until("the update in the target", Duration.ofSeconds(60), () -> {
            pipeline.failIfFailed(pipeline.sinkConnector);
            return Sql.count(pipeline.target, "SELECT count(*) FROM customers WHERE name = 'no tier'") == 1;
        });
        assertThat(pipeline.payloads(pipeline.topic())).filteredOn(e -> "u".equals(e.path("op").asText()))
                .singleElement().satisfies(e -> assertThat(e.path("after").path("tier").isNull())
                        .as("tier on the topic: %s", e.path("after")).isTrue());
        assertThat(Sql.queryAsText(pipeline.target, "SELECT id, tier FROM customers ORDER BY id")).containsExactly(
                List.of("1", "gold"), Arrays.asList("2", null), List.of("3", "gold"));
    }
}
