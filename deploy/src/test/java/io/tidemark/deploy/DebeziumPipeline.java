package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One release of Debezium's PostgreSQL connector feeding Tidemark's merge sink through a Connect worker, as the local
 * stack runs them, but with databases, topic prefix, replication slot and publication of its own, so several run side
 * by side on the same servers and broker. The connectors are the shipped configs of deploy/connectors (the outbox
 * router on the outbox table, {@code CachedSchemaJsonConverter}, transaction metadata), renamed to those. The demo
 * shop's seed orders arrive as snapshot reads; then the shop's transactions, an update and a delete of fixed rows and
 * the application's outbox cleanup stream through.
 */
final class DebeziumPipeline {

    private static final int TRANSACTIONS = 60;
    private static final double TRANSACTIONS_PER_SECOND = 40;
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String ORDERS =
            "SELECT id, customer, status, amount::text, (extract(epoch FROM updated_at) * 1000000)::bigint FROM orders";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectReleaseWorker worker;
    private final String debeziumVersion;
    private final boolean choosesPluginVersion;
    private final String name;
    private final StackSettings settings;
    private final StackQueries queries;

    /**
     * @param choosesPluginVersion whether the source connector names its Debezium release ({@code
     *                             connector.plugin.version}, Connect 4.1+), for a worker holding several
     */
    DebeziumPipeline(ConnectReleaseWorker worker, String debeziumVersion, boolean choosesPluginVersion) {
        this.worker = worker;
        this.debeziumVersion = debeziumVersion;
        this.choosesPluginVersion = choosesPluginVersion;
        this.name = "debezium_" + debeziumVersion.replaceFirst("\\.Final$", "").replace('.', '_');
        this.settings = worker.cluster().withDatabases("shop_" + name, "analytics_" + name);
        this.queries = new StackQueries(settings);
    }

    /** The sink's watermark of a topic partition: the next Kafka offset and the furthest source position applied. */
    record Watermark(long nextOffset, BigInteger sourceVersion) {
    }

    /** What a run left behind to check, and how long its parts took. */
    record Run(Watermark afterSnapshot, long ordersPlaced, double snapshotSeconds, double streamSeconds, double seconds) {
    }

    String debeziumVersion() {
        return debeziumVersion;
    }

    ConnectReleaseWorker worker() {
        return worker;
    }

    void createDatabases(DatabaseServer sourceDb, DatabaseServer targetDb) {
        sourceDb.createDatabase(settings.sourceDb());
        targetDb.createDatabase(settings.targetDb());
    }

    /**
     * Creates the shop with its seed orders, registers both connectors, waits until the target holds the snapshot,
     * runs the workload and waits until the target equals the source and the sink has read every record.
     */
    Run run() throws IOException, SQLException {
        long started = System.nanoTime();
        DemoShop shop = new DemoShop(settings.sourceJdbcUrl(), settings.dbUser(), settings.dbPassword(),
                SourceDatabase.POSTGRES.shopSql());
        shop.prepare(settings.deployDir().resolve(SourceDatabase.POSTGRES.schemaFile()));
        new LocalStack(settings, System.out).register(writeConnectors());

        await("the snapshot's " + DemoShop.SEED_ORDERS + " orders in the target",
                () -> queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders") == DemoShop.SEED_ORDERS
                        && watermarks().containsKey(ordersTopic()));
        Watermark afterSnapshot = watermarks().get(ordersTopic());
        double snapshotSeconds = seconds(started);

        long streaming = System.nanoTime();
        shop.run(TRANSACTIONS_PER_SECOND, TRANSACTIONS, new AtomicBoolean(true));
        try (Connection c = DriverManager.getConnection(settings.sourceJdbcUrl(), settings.dbUser(), settings.dbPassword());
             Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE orders SET status = 'delivered', updated_at = now() WHERE id = (SELECT min(id) FROM orders)");
            s.executeUpdate("DELETE FROM orders WHERE id = (SELECT max(id) FROM orders)");
            c.commit();
            s.executeUpdate("DELETE FROM outbox");
            c.commit();
        }
        await("the target to equal the source and the sink to have read every record",
                () -> targetEqualsSource() && readEveryRecord());
        return new Run(afterSnapshot, shop.ordersPlaced(), snapshotSeconds, seconds(streaming), seconds(started));
    }

    /**
     * The run's outcome, checked against the source and the topics: the merge target equals the source, every change
     * event came from this pipeline's Debezium release and reached the target, the watermark moved past the snapshot to
     * the end of every topic, and the outbox topic holds one routed event per order with its id and type headers.
     * Returns the figures for the test's output.
     */
    String assertReplicated(Run run) throws IOException {
        assertThat(worker.rest().connectorStates()).as(name + " connectors")
                .containsEntry(sourceConnector(), "RUNNING").containsEntry(sinkConnector(), "RUNNING");

        List<JsonNode> events = queries.recordValues(ordersTopic(), value -> value.path("payload"));
        assertThat(events.stream().map(event -> event.at("/source/version").asText()).distinct())
                .as("the Debezium releases that wrote the change events on " + ordersTopic()).containsExactly(debeziumVersion);
        Map<String, Long> byOp = events.stream().collect(Collectors.groupingBy(e -> e.path("op").asText(), TreeMap::new,
                Collectors.counting()));
        assertThat(byOp).as("change events per op").containsEntry("r", (long) DemoShop.SEED_ORDERS).containsKeys("c", "u", "d");
        Set<String> markers = events.stream().filter(e -> "r".equals(e.path("op").asText()))
                .map(e -> e.at("/source/snapshot").asText()).collect(Collectors.toCollection(LinkedHashSet::new));

        assertThat(queries.rows(settings.targetJdbcUrl(), ORDERS + " WHERE NOT __deleted ORDER BY id"))
                .as("live rows of the merge target").isEqualTo(queries.rows(settings.sourceJdbcUrl(), ORDERS + " ORDER BY id"));
        Set<Long> deleted = events.stream().filter(e -> "d".equals(e.path("op").asText()))
                .map(e -> e.at("/before/id").asLong()).collect(Collectors.toCollection(TreeSet::new));
        Set<Long> softDeleted = queries.rows(settings.targetJdbcUrl(), "SELECT id FROM orders WHERE __deleted").stream()
                .map(row -> Long.parseLong(row.get(0))).collect(Collectors.toCollection(TreeSet::new));
        assertThat(softDeleted).as("soft-deleted rows of the merge target: the orders deleted at the source").isEqualTo(deleted);

        Map<String, Watermark> watermarks = watermarks();
        Watermark last = watermarks.get(ordersTopic());
        assertThat(last.nextOffset()).as("next offset of " + ordersTopic() + " after streaming")
                .isEqualTo(end(ordersTopic())).isGreaterThan(run.afterSnapshot().nextOffset());
        assertThat(last.sourceVersion()).as("source position after streaming").isGreaterThan(run.afterSnapshot().sourceVersion());
        assertThat(watermarks.get(transactionTopic())).as("watermark of " + transactionTopic()).isNotNull()
                .extracting(Watermark::nextOffset).isEqualTo(end(transactionTopic()));

        List<RoutedEvent> routed = queries.records(outboxTopic(), RoutedEvent::of);
        long orders = queries.count(settings.sourceJdbcUrl(), "SELECT last_value FROM orders_id_seq");
        assertThat(orders).as("orders placed").isEqualTo(run.ordersPlaced());
        assertThat(routed).as("events on " + outboxTopic()).hasSize((int) orders).allSatisfy(event -> {
            assertThat(event.type()).as("eventType header").isEqualTo("OrderPlaced");
            assertThat(event.id()).as("id header").matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(event.orderId()).as("orderId of the payload").isEqualTo(Long.parseLong(event.key()));
        });
        assertThat(routed.stream().map(RoutedEvent::id).distinct().count()).as("distinct event ids").isEqualTo(orders);
        Set<Long> aggregateIds = routed.stream().map(event -> Long.parseLong(event.key())).collect(Collectors.toCollection(TreeSet::new));
        assertThat(aggregateIds).as("aggregate ids: every order placed")
                .isEqualTo(LongStream.rangeClosed(1, orders).boxed().collect(Collectors.toCollection(TreeSet::new)));

        long live = queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders WHERE NOT __deleted");
        return String.format("Debezium %s on Connect %s: %d snapshot reads (markers %s), %d inserts, %d updates, %d deletes"
                        + " streamed; target %d live + %d soft-deleted rows, equal to the source; %d outbox events routed;"
                        + " watermark offset %d -> %d, source version %s -> %s; snapshot applied %.1f s after the start,"
                        + " the workload %.1f s after the snapshot, %.1f s in all",
                debeziumVersion, worker.version(), byOp.get("r"), markers, byOp.get("c"), byOp.get("u"), byOp.get("d"),
                live, deleted.size(), routed.size(), run.afterSnapshot().nextOffset(), last.nextOffset(),
                run.afterSnapshot().sourceVersion(), last.sourceVersion(), run.snapshotSeconds(), run.streamSeconds(),
                run.seconds());
    }

    /** An event the outbox router published: its key, {@code id} and {@code eventType} headers, the payload's order. */
    private record RoutedEvent(String key, String id, String type, long orderId) {
        static RoutedEvent of(ConsumerRecord<byte[], byte[]> record) {
            JsonNode key = StackQueries.json(record.topic(), record.key());
            JsonNode value = StackQueries.json(record.topic(), record.value());
            return new RoutedEvent(key.path("payload").asText(), header(record, "id"), header(record, "eventType"),
                    value.at("/payload/orderId").asLong());
        }

        private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
            Header header = record.headers().lastHeader(name);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    }

    /** The shipped source and merge-sink configs with this pipeline's names; returns the files register.sh takes. */
    private List<String> writeConnectors() throws IOException {
        Path dir = Files.createDirectories(settings.home().resolve("connectors-" + name));
        ObjectNode source = (ObjectNode) JSON.readTree(settings.connectorsDir().resolve("shop-postgres-source.json").toFile());
        source.put("topic.prefix", name);
        source.put("slot.name", "tidemark_" + name);
        source.put("publication.name", "tidemark_" + name);
        source.put("predicates.isOutboxTable.pattern", name + "\\.public\\.outbox");
        source.put("transforms.outbox.route.topic.replacement", name + ".outbox.event.${routedByValue}");
        if (choosesPluginVersion) {
            source.put("connector.plugin.version", "[" + debeziumVersion + "]");
        }
        ObjectNode sink = (ObjectNode) JSON.readTree(settings.connectorsDir().resolve("shop-orders-merge.json").toFile());
        sink.put("topics", ordersTopic() + "," + transactionTopic());
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> connector : Map.of(sourceConnector(), source, sinkConnector(), sink).entrySet()) {
            Path file = dir.resolve(connector.getKey() + ".json");
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), connector.getValue());
            files.add(file.toString());
        }
        return files;
    }

    /** Waits for {@code condition}; fails at once, with the trace, when either connector or one of its tasks failed. */
    private void await(String what, BooleanSupplier condition) {
        ConnectRest rest = worker.rest();
        awaitTrue(name + ": " + what, WAIT, () -> {
            try {
                Map<String, String> states = rest.connectorStates();
                for (String connector : List.of(sourceConnector(), sinkConnector())) {
                    if (states.getOrDefault(connector, "").contains("FAILED")) {
                        throw new AssertionError(this + ": connector " + connector + " is " + states.get(connector)
                                + ":\n" + rest.failureTrace(connector));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return condition.getAsBoolean();
        });
    }

    private boolean targetEqualsSource() {
        return queries.rows(settings.targetJdbcUrl(), ORDERS + " WHERE NOT __deleted ORDER BY id")
                .equals(queries.rows(settings.sourceJdbcUrl(), ORDERS + " ORDER BY id"));
    }

    /** Whether the sink's next offset of every topic it reads is that topic's end offset. */
    private boolean readEveryRecord() {
        Map<String, Watermark> watermarks = watermarks();
        return List.of(ordersTopic(), transactionTopic()).stream()
                .allMatch(topic -> watermarks.containsKey(topic) && watermarks.get(topic).nextOffset() == end(topic));
    }

    /** The sink's watermark per topic (each topic has one partition). */
    private Map<String, Watermark> watermarks() {
        return queries.rows(settings.targetJdbcUrl(), "SELECT topic, next_offset, source_version FROM cdc_watermark"
                + " WHERE connector_name = '" + sinkConnector() + "'").stream()
                .collect(Collectors.toMap(row -> row.get(0), row -> new Watermark(Long.parseLong(row.get(1)),
                        row.get(2) == null ? BigInteger.ZERO : new BigInteger(row.get(2)))));
    }

    private long end(String topic) {
        return queries.endOffsets(topic).get(0);
    }

    private String ordersTopic() {
        return name + ".public.orders";
    }

    private String transactionTopic() {
        return name + ".transaction";
    }

    private String outboxTopic() {
        return name + ".outbox.event.Order";
    }

    private String sourceConnector() {
        return name + "-source";
    }

    private String sinkConnector() {
        return name + "-merge";
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    @Override
    public String toString() {
        return "Debezium " + debeziumVersion + " on Connect " + worker.version();
    }
}
