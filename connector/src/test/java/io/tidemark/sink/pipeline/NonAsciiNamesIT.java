package io.tidemark.sink.pipeline;

import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Non-ASCII, quoted and mixed-case table and column names through snapshot and streaming. The target must end up
 * equal to the source, with no column or table under a garbled name. The build's Debezium (3.4.3 / 3.5.0.CR1 and
 * later) decodes pgoutput relation names as UTF-8, so its streamed events carry the real names, the include list
 * can name the table exactly and the sink's repair of garbled names (docs/mangled-names.md, PgoutputNamesTest) has
 * nothing to do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NonAsciiNamesIT {

    /** Each source table, quoted, with its columns, quoted, key first. */
    private static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("orders", "id, \"naïve_列\", \"MixedCase\", \"Größe\"");
        TABLES.put("\"MixedTable\"", "\"Id\", \"Quoted Col\", \"ÄÖÜ\"");
        TABLES.put("\"Café_订单\"", "\"Nº\", \"Beschreibung_ä\", \"MixedCase\", plain");
    }

    private static String source;
    private static String target;
    private static ConnectWorld connect;

    @BeforeAll
    static void start() {
        source = TestPostgres.createDatabase("names_src");
        target = TestPostgres.createDatabase("names_dst");
        connect = ConnectWorld.start("names", 1);
        Sql.execute(source,
                "CREATE TABLE orders (id integer PRIMARY KEY, \"naïve_列\" text, \"MixedCase\" text, \"Größe\" integer)",
                "CREATE TABLE \"MixedTable\" (\"Id\" integer PRIMARY KEY, \"Quoted Col\" text, \"ÄÖÜ\" numeric(6,2))",
                "CREATE TABLE \"Café_订单\" (\"Nº\" integer PRIMARY KEY, \"Beschreibung_ä\" text, \"MixedCase\" text,"
                        + " plain text)",
                "INSERT INTO orders SELECT g, 'naïve ' || g, 'Mixed ' || g, g FROM generate_series(1, 5) g",
                "INSERT INTO \"MixedTable\" SELECT g, 'quoted ' || g, g * 1.5 FROM generate_series(1, 5) g",
                "INSERT INTO \"Café_订单\" SELECT g, 'Beschreibung ' || g, 'Mixed ' || g, 'plain ' || g"
                        + " FROM generate_series(1, 5) g");
        connect.postConnector("source", DebeziumPostgres.sourceConfig(source, source,
                "public\\.orders,public\\.MixedTable,public\\.Café_订单"));
        connect.awaitRunning("source", 1);
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        sink.put("tasks.max", "1");
        sink.put("topics.regex", source + "\\.public\\..*");
        // Debezium creates each table's topic as its snapshot reaches the table, after the sink subscribed: look
        // for new topics often rather than every five minutes.
        sink.put("consumer.override.metadata.max.age.ms", "500");
        sink.put("connection.url", TestPostgres.jdbcUrl(target));
        sink.put("connection.user", TestPostgres.USER);
        sink.put("connection.password", TestPostgres.PASSWORD);
        sink.put("table.name.format", "${source.table}");
        connect.postConnector("sink", sink);
        connect.awaitRunning("sink", 1);
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
    }

    @Test
    @Order(1)
    void snapshotArrivesUnderTheRealNames() {
        awaitConverged();
        assertNoGarbledNames();
    }

    @Test
    @Order(2)
    void streamedInsertsUpdatesAndDeletesLandInTheRealColumns() {
        Sql.execute(source,
                "INSERT INTO orders VALUES (6, 'streamed ïnsert', 'Mixed 6', 6)",
                "UPDATE orders SET \"naïve_列\" = 'updated 列', \"Größe\" = 20 WHERE id = 2",
                "DELETE FROM orders WHERE id = 3",
                "INSERT INTO \"MixedTable\" VALUES (6, 'quoted 6', 9.25)",
                "UPDATE \"MixedTable\" SET \"ÄÖÜ\" = 1.25 WHERE \"Id\" = 2",
                "DELETE FROM \"MixedTable\" WHERE \"Id\" = 3",
                "INSERT INTO \"Café_订单\" VALUES (6, 'Beschreibung 6', 'Mixed 6', 'plain 6')",
                "UPDATE \"Café_订单\" SET \"Beschreibung_ä\" = 'geändert' WHERE \"Nº\" = 2",
                "DELETE FROM \"Café_订单\" WHERE \"Nº\" = 3");
        awaitConverged();
        assertNoGarbledNames();
        assertThat(connect.cluster().connectorStatus("sink").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    @Order(3)
    void thisDebeziumSendsTheRealNamesInStreamedEvents() throws Exception {
        List<String> orders = values(source + ".public.orders", 9);
        assertThat(orders).allMatch(v -> v.contains("\"version\":\"" + System.getProperty("debezium.version") + "\""),
                "every event is from the build's Debezium " + System.getProperty("debezium.version"));
        List<String> streamed = orders.stream().filter(v -> v.contains("\"snapshot\":\"false\"")).toList();
        assertThat(streamed).as("the streamed insert, update and delete").hasSizeGreaterThanOrEqualTo(3)
                .allMatch(v -> v.contains("\"naïve_列\""), "carry the column's real name");
        try (Admin admin = connect.cluster().kafka().createAdminClient()) {
            assertThat(admin.listTopics().names().get().stream().filter(t -> t.startsWith(source + ".public.Caf")))
                    .as("snapshot and streamed events of the non-ASCII table share one topic").hasSize(1);
        }
    }

    /** The values of at least {@code count} records of {@code topic} (tombstones left out), as JSON text. */
    private static List<String> values(String topic, int count) {
        return StreamSupport.stream(connect.cluster().kafka().consume(count, 30_000, topic).spliterator(), false)
                .map(ConsumerRecord::value).filter(Objects::nonNull)
                .map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }

    private static void awaitConverged() {
        for (Map.Entry<String, String> table : TABLES.entrySet()) {
            String key = table.getValue().substring(0, table.getValue().indexOf(','));
            String query = "SELECT " + table.getValue() + " FROM " + table.getKey();
            List<List<String>> expected = Sql.queryAsText(source, query + " ORDER BY " + key);
            Await.until(table.getKey() + " in the target to equal the source " + expected + "; "
                            + connect.describe("sink"), Duration.ofSeconds(90),
                    () -> targetRows(query + " WHERE NOT __deleted ORDER BY " + key), expected::equals);
        }
    }

    private static List<List<String>> targetRows(String query) {
        try {
            return Sql.queryAsText(target, query);
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    /** The target holds the source's tables and columns and nothing else besides the sink's own columns. */
    private static void assertNoGarbledNames() {
        String sinkTables = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                + " AND table_name <> 'cdc_watermark' ORDER BY table_name";
        assertThat(Sql.queryAsText(target, sinkTables)).isEqualTo(Sql.queryAsText(source, sinkTables));
        String columns = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
                + " AND table_name <> 'cdc_watermark' AND column_name NOT LIKE '\\_\\_%' ORDER BY table_name, column_name";
        assertThat(Sql.queryAsText(target, columns)).isEqualTo(Sql.queryAsText(source, columns));
    }
}
