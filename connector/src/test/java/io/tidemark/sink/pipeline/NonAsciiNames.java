package io.tidemark.sink.pipeline;

import io.tidemark.sink.IdempotentJdbcSinkConnector;
import org.apache.kafka.clients.admin.Admin;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Non-ASCII, quoted and mixed-case table and column names through snapshot and streaming, with the Debezium release
 * each subclass names. The target must end up equal to the source, with no column or table under a garbled name.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class NonAsciiNames {

    /** Each source table, quoted, with its columns, quoted, key first. */
    private static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("orders", "id, \"naïve_列\", \"MixedCase\", \"Größe\"");
        TABLES.put("\"MixedTable\"", "\"Id\", \"Quoted Col\", \"ÄÖÜ\"");
        TABLES.put("\"Café_订单\"", "\"Nº\", \"Beschreibung_ä\", \"MixedCase\", plain");
    }

    static String source;
    private static String target;
    static ConnectWorld connect;

    /** Creates the tables and starts the pipeline; {@code worker} adds to the Connect worker's configuration. */
    static void startWith(String name, Map<String, String> worker) {
        source = TestPostgres.createDatabase(name + "_src");
        target = TestPostgres.createDatabase(name + "_dst");
        connect = ConnectWorld.start(name, 1, worker);
        Sql.execute(source,
                "CREATE TABLE orders (id integer PRIMARY KEY, \"naïve_列\" text, \"MixedCase\" text, \"Größe\" integer)",
                "CREATE TABLE \"MixedTable\" (\"Id\" integer PRIMARY KEY, \"Quoted Col\" text, \"ÄÖÜ\" numeric(6,2))",
                "CREATE TABLE \"Café_订单\" (\"Nº\" integer PRIMARY KEY, \"Beschreibung_ä\" text, \"MixedCase\" text,"
                        + " plain text)",
                "INSERT INTO orders SELECT g, 'naïve ' || g, 'Mixed ' || g, g FROM generate_series(1, 5) g",
                "INSERT INTO \"MixedTable\" SELECT g, 'quoted ' || g, g * 1.5 FROM generate_series(1, 5) g",
                "INSERT INTO \"Café_订单\" SELECT g, 'Beschreibung ' || g, 'Mixed ' || g, 'plain ' || g"
                        + " FROM generate_series(1, 5) g");
        // The streamed events of a non-ASCII table carry its garbled name: an include list naming the table
        // exactly drops them at the source, so the pattern must match the garbled name too.
        Map<String, String> config = DebeziumPostgres.sourceConfig(source, source,
                "public\\.orders,public\\.MixedTable,public\\.Caf.*");
        connect.postConnector("source", config);
        connect.awaitRunning("source", 1);
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        sink.put("tasks.max", "1");
        // The garbled table name also sanitises to a topic of its own, which appears with the first streamed
        // change: look for new topics often rather than every five minutes.
        sink.put("topics.regex", source + "\\.public\\..*");
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

    /** The topics Debezium created for the table whose name is not ASCII. */
    static Set<String> topicsOfTheNonAsciiTable() throws Exception {
        try (Admin admin = connect.cluster().kafka().createAdminClient()) {
            return admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(source + ".public.Caf")).collect(Collectors.toSet());
        }
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
