package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidemark.testkit.DebeziumMySql;
import io.tidemark.testkit.TestMariaDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link WorkerCrashIT} with a MariaDB source: the Connect worker process, holding Debezium's MySQL source task (from
 * its plugin archive, as users install it) and a merge and an append sink, is killed with SIGKILL twice while a
 * workload changes rows in MariaDB, and started again each time. Debezium then publishes again what it had sent but
 * not yet recorded as sent (at the same binlog positions), and the sinks receive again what they had applied but not
 * yet committed to Kafka. Afterwards the append target holds exactly one row per distinct change event on the topic,
 * per operation, and the merge target holds the state those events imply (per order id the last in binlog order).
 * <p>
 * What is measured against the topic, not the source: Debezium's MySqlConnector on MariaDB can skip a change after a
 * restart (README, "Sources: PostgreSQL, MySQL and MariaDB"), and no sink can apply a change never published. When
 * the topic holds every source change, the merge target must also equal the source row for row; when it does not, the
 * test prints how many changes Debezium did not publish, per operation. The stack's target PostgreSQL, Kafka broker
 * and worker are the processes {@link LocalStack} runs; MariaDB is the test kit's. A machine without {@code mariadbd}
 * skips this unless {@code CI} is set.
 */
class MariaDbWorkerCrashIT {

    private static final int SEED_ORDERS = 200;
    private static final int TRANSACTIONS = 375;
    private static final double TRANSACTIONS_PER_SECOND = 15;
    private static final int KILLS = 2;
    private static final String SOURCE = "mariadb-orders-source";
    private static final String MERGE_SINK = "mariadb-orders-merge";
    private static final String APPEND_SINK = "mariadb-orders-append";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StackSettings settings;
    private static PostgresServer targetDb;
    private static KafkaServices kafka;
    private static Properties worker;
    private static StackQueries queries;
    private static String database;

    /** In each test, so that a machine without MariaDB reports the test skipped with the reason. */
    @BeforeEach
    void startStackOnce() throws IOException {
        assumeTrue(TestMariaDb.installed() || System.getenv("CI") != null,
                "mariadbd is not installed: Debian's mariadb-server provides it (CI installs it)");
        if (settings == null) {
            startStack();
        }
    }

    private static void startStack() throws IOException {
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, StackQueries.isolatedEnvironment("mariadb-worker-crash"));
        queries = new StackQueries(settings);
        targetDb = new PostgresServer("target-db", settings, settings.targetDbPort(), List.of("max_connections = 50"));
        targetDb.start();
        targetDb.createDatabase(settings.targetDb());
        kafka = new KafkaServices(settings);
        kafka.startBroker(Duration.ofSeconds(90));
        worker = kafka.workerProperties();
        worker.setProperty("plugin.path", settings.pluginPath() + "," + System.getProperty("debezium.mysql.plugins"));
        kafka.startWorker(kafka.worker(), worker, List.of(), Duration.ofSeconds(120));

        database = TestMariaDb.createDatabase("crash");
        TestMariaDb.execute(database, "CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40),"
                        + " status varchar(20), amount decimal(10,2), updated_at datetime(6))",
                "INSERT INTO orders SELECT seq, concat('seed-', seq), 'placed', seq * 1.5, now(6) FROM seq_1_to_"
                        + SEED_ORDERS);
        new LocalStack(settings, System.out).register(writeConnectors()).forEach(System.out::println);
        awaitTrue("the source and both sinks RUNNING", Duration.ofSeconds(90), () -> {
            try {
                return new ConnectRest(settings.connectUrl()).connectorStates().values().stream()
                        .filter("RUNNING"::equals).count() == 3;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stopStack() {
        if (settings != null) {
            new LocalStack(settings, System.out).stop();
        }
    }

    private static String topic() {
        return "crash." + database + ".orders";
    }

    /** Debezium's MySQL source from the test kit and the shipped sink configs, pointed at the MariaDB orders topic. */
    private static List<String> writeConnectors() throws IOException {
        Path dir = settings.home().resolve("mariadb-connectors");
        Files.createDirectories(dir);
        ObjectNode source = JSON.valueToTree(DebeziumMySql.sourceConfig(database, "crash", database + ".orders",
                settings.bootstrapServers()));
        List<String> files = new ArrayList<>(List.of(write(dir, SOURCE, source)));
        for (String mode : List.of("merge", "append")) {
            ObjectNode sink = (ObjectNode) JSON.readTree(settings.connectorsDir().resolve("shop-orders-" + mode + ".json")
                    .toFile());
            sink.put("topics", topic());
            files.add(write(dir, mode.equals("merge") ? MERGE_SINK : APPEND_SINK, sink));
        }
        return files;
    }

    private static String write(Path dir, String name, JsonNode config) throws IOException {
        Path file = dir.resolve(name + ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
        return file.toString();
    }

    @Test
    void killingTheWorkerTwiceMidStreamAppliesEveryPublishedChangeExactlyOnce() throws Exception {
        Churn churn = new Churn();
        long expectedChanges = SEED_ORDERS + (long) TRANSACTIONS * Churn.CHANGES_PER_TRANSACTION;
        long started = System.nanoTime();
        CompletableFuture<Double> workload = CompletableFuture.supplyAsync(() -> {
            try {
                churn.run(TRANSACTIONS, TRANSACTIONS_PER_SECOND);
                return seconds(started);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });

        long lastRestart = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            long threshold = expectedChanges * kill / (KILLS + 1);
            awaitTrue("the append sink to pass " + threshold + " rows", Duration.ofMinutes(3), () -> auditRows() >= threshold);
            long applied = auditRows();
            long committed = churn.changes();
            ProcessHandle process = kafka.worker().running().orElseThrow(() -> new AssertionError("no worker process to kill"));
            process.destroyForcibly();
            process.onExit().get(30, TimeUnit.SECONDS);
            System.out.printf("kill -9 #%d at %.0f s: %,d source changes committed, %,d applied in append mode%n",
                    kill, seconds(started), committed, applied);
            assertThat(applied).as("killed mid-stream").isLessThan(expectedChanges);
            kafka.startWorker(kafka.worker(), worker, List.of(), Duration.ofSeconds(120));
            lastRestart = System.nanoTime();
        }
        double lastCommit = workload.get(5, TimeUnit.MINUTES);
        assertThat(churn.changes() + SEED_ORDERS).isEqualTo(expectedChanges);
        Map<String, Long> sourceByOp = Map.of("r", (long) SEED_ORDERS, "c", churn.inserted.get(),
                "u", churn.updated.get(), "d", churn.deleted.get());

        // Converged: Debezium has published the last source transaction (so it published all it ever will: it
        // publishes in binlog order), the append table holds one row per distinct change event on the topic, per
        // operation, and the merge target holds the state those events imply.
        AtomicReference<Published> published = new AtomicReference<>();
        AtomicReference<Map<String, Long>> auditByOp = new AtomicReference<>(Map.of());
        AtomicReference<String> difference = new AtomicReference<>("");
        try {
            awaitTrue("the append table to hold every published change and the merge target the state they imply",
                    Duration.ofMinutes(3), () -> {
                        // The audit table first: each row it holds came from a record already on the topic read next.
                        auditByOp.set(auditRowsByOp());
                        published.set(published());
                        assertNoMoreThanOneRowPerPublishedChange(auditByOp.get(), published.get().byOp());
                        if (published.get().last() == null
                                || published.get().last().compareTo(churn.lastTransactionStart) < 0) {
                            difference.set("the topic ends at " + published.get().last() + ", before the last source"
                                    + " transaction at " + churn.lastTransactionStart);
                            return false;
                        }
                        difference.set(mergeTargetDifference(published.get().fold()));
                        return auditByOp.get().equals(published.get().byOp()) && difference.get().isEmpty();
                    });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + difference.get() + "; audit rows per operation "
                    + new TreeMap<>(auditByOp.get()) + ", published change events per operation "
                    + (published.get() == null ? "unread" : new TreeMap<>(published.get().byOp())), e);
        }
        double afterRestart = seconds(lastRestart);

        Map<String, Long> publishedByOp = published.get().byOp();
        assertThat(auditByOp.get()).as("audit rows per operation: one per published change event")
                .containsExactlyInAnyOrderEntriesOf(publishedByOp);
        assertThat(difference.get()).as("the merge target against the fold of the published change events").isEmpty();
        sourceByOp.forEach((op, changes) -> assertThat(publishedByOp.getOrDefault(op, 0L))
                .as("distinct change events of op %s on the topic, at most one per source change", op)
                .isLessThanOrEqualTo(changes));
        assertThat(new ConnectRest(settings.connectUrl()).connectorStates()).as("connectors and tasks after the crashes")
                .hasSize(3).allSatisfy((connector, state) -> assertThat(state).as(connector).isEqualTo("RUNNING"));

        Map<String, Long> unpublished = new TreeMap<>();
        sourceByOp.forEach((op, changes) -> unpublished.put(op, changes - publishedByOp.getOrDefault(op, 0L)));
        long lost = unpublished.values().stream().mapToLong(Long::longValue).sum();
        if (lost == 0) {
            assertThat(mergeTargetDifference()).as("the merge target against the source").isEmpty();
            System.out.println("worker crash (MariaDB): Debezium published every source change; the merge target"
                    + " equals the source");
        } else {
            System.out.printf("worker crash (MariaDB): Debezium did not publish %,d of %,d source changes (per"
                            + " operation %s; a MySqlConnector flaw on MariaDB after a restart, see the README); the"
                            + " sinks applied every change it published%n",
                    lost, expectedChanges, unpublished);
        }
        System.out.printf("worker crash (MariaDB): %,d source changes (the last committed at %.0f s), %,d change events"
                        + " on the topic, %,d distinct (%,d published again by Debezium after the kills); append rows"
                        + " per operation %s, duplicated 0; converged %.0f s after the last restart%n",
                expectedChanges, lastCommit, published.get().records(), published.get().distinct(),
                published.get().records() - published.get().distinct(), new TreeMap<>(auditByOp.get()), afterRestart);
    }

    /**
     * Fails at once when the append table holds more rows of an operation than the topic holds distinct change events
     * of it: a change applied twice.
     */
    private static void assertNoMoreThanOneRowPerPublishedChange(Map<String, Long> auditByOp,
                                                                 Map<String, Long> publishedByOp) {
        auditByOp.forEach((op, rows) -> {
            if (rows > publishedByOp.getOrDefault(op, 0L)) {
                throw new AssertionError("the append table holds " + rows + " rows of op " + op + " but the topic only "
                        + publishedByOp.getOrDefault(op, 0L) + " distinct change events of it: a change applied twice");
            }
        });
    }

    private static Map<String, Long> auditRowsByOp() {
        return queries.rows(settings.targetJdbcUrl(), "SELECT __op, count(*) FROM orders_audit GROUP BY __op")
                .stream().collect(Collectors.toMap(row -> row.get(0), row -> Long.parseLong(row.get(1))));
    }

    /**
     * What Debezium published: the change events on the topic, told apart by {@link ChangeEvent#identity()} (after a
     * kill it publishes again, at the same binlog positions, what it had sent but not yet recorded as sent).
     */
    private static Published published() {
        List<ChangeEvent> records = queries.recordValues(topic(), ChangeEvent::of);
        Map<String, ChangeEvent> distinct = new LinkedHashMap<>();
        for (ChangeEvent event : records) {
            ChangeEvent first = distinct.putIfAbsent(event.identity(), event);
            if (first != null && !Objects.equals(first.image(), event.image())) {
                throw new AssertionError("the change " + event.identity() + " is on the topic twice with different row"
                        + " images: " + first.image() + " and " + event.image());
            }
        }
        return new Published(records.size(), List.copyOf(distinct.values()));
    }

    /** The change events on the topic: how many records, and the distinct ones. */
    private record Published(int records, List<ChangeEvent> events) {

        int distinct() {
            return events.size();
        }

        Map<String, Long> byOp() {
            return events.stream().collect(Collectors.groupingBy(ChangeEvent::op, Collectors.counting()));
        }

        /** The furthest binlog position of a change event on the topic; null for an empty topic. */
        BinlogPosition last() {
            return events.stream().map(ChangeEvent::position).max(Comparator.naturalOrder()).orElse(null);
        }

        /**
         * The state the events imply for each order id: the last event of that id in binlog order (file index, pos,
         * row; a snapshot read before a streamed change at the same place), its row image, or null for a delete.
         */
        Map<Long, List<String>> fold() {
            Map<Long, List<String>> state = new TreeMap<>();
            events.stream().sorted(ChangeEvent.BINLOG_ORDER).forEach(event -> state.put(event.id(), event.image()));
            return state;
        }
    }

    /**
     * One change event on the orders topic: operation, binlog position, order id and, but for a delete, the row after
     * it as the target shows it (id, customer, status, amount as text with the column's scale, updated_at in epoch
     * microseconds).
     */
    private record ChangeEvent(String op, String file, long pos, long row, long id, List<String> image) {

        static final Comparator<ChangeEvent> BINLOG_ORDER = Comparator.comparing(ChangeEvent::position)
                .thenComparingLong(ChangeEvent::row)
                .thenComparingInt(event -> event.op().equals("r") ? 0 : 1);

        static ChangeEvent of(JsonNode value) {
            JsonNode payload = value.path("payload");
            JsonNode source = payload.path("source");
            String op = payload.path("op").asText();
            JsonNode after = payload.path("after");
            JsonNode row = after.isObject() ? after : payload.path("before");
            List<String> image = null;
            if (!op.equals("d")) {
                JsonNode afterSchema = field(value.path("schema"), "after");
                image = List.of(after.path("id").asText(), after.path("customer").asText(),
                        after.path("status").asText(), decimal(field(afterSchema, "amount"), after.path("amount")),
                        microTimestamp(field(afterSchema, "updated_at"), after.path("updated_at")));
            }
            return new ChangeEvent(op, source.path("file").asText(), source.path("pos").asLong(),
                    source.path("row").asLong(), row.path("id").asLong(), image);
        }

        BinlogPosition position() {
            return new BinlogPosition(file, pos);
        }

        /** What tells two changes apart: operation, binlog position and order id. */
        String identity() {
            return op + "@" + file + ":" + pos + ":" + row + "#" + id;
        }

        private static JsonNode field(JsonNode structSchema, String name) {
            for (JsonNode field : structSchema.path("fields")) {
                if (field.path("field").asText().equals(name)) {
                    return field;
                }
            }
            throw new AssertionError("no field " + name + " in the schema " + structSchema);
        }

        /**
         * A Connect Decimal as JsonConverter writes it by default (decimal.format=BASE64; Debezium's default
         * decimal.handling.mode=precise): base64 of the unscaled value's two's-complement bytes, with the scale in the
         * schema's parameters.
         */
        private static String decimal(JsonNode schema, JsonNode value) {
            if (!schema.path("name").asText().equals("org.apache.kafka.connect.data.Decimal") || !value.isTextual()) {
                throw new AssertionError("amount is not a base64 Connect Decimal: " + schema + " " + value);
            }
            int scale = Integer.parseInt(schema.path("parameters").path("scale").asText());
            return new BigDecimal(new BigInteger(Base64.getDecoder().decode(value.asText())), scale).toPlainString();
        }

        /** Debezium's MicroTimestamp of a datetime(6): microseconds since the epoch, the column's time taken as UTC. */
        private static String microTimestamp(JsonNode schema, JsonNode value) {
            if (!schema.path("name").asText().equals("io.debezium.time.MicroTimestamp") || !value.canConvertToLong()) {
                throw new AssertionError("updated_at is not a Debezium MicroTimestamp: " + schema + " " + value);
            }
            return Long.toString(value.asLong());
        }
    }

    private static long auditRows() {
        return queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders_audit");
    }

    /**
     * Empty when the merge target holds exactly the state {@code fold} gives each order id (null: the order is
     * soft-deleted; else its live row equals the image); else the counts of what differs and a few ids.
     */
    private static String mergeTargetDifference(Map<Long, List<String>> fold) {
        Map<Long, List<String>> target = new TreeMap<>();
        for (List<String> row : queries.rows(settings.targetJdbcUrl(), "SELECT id, __deleted::text, customer, status,"
                + " amount::text, (extract(epoch FROM updated_at) * 1000000)::bigint FROM orders ORDER BY id")) {
            target.put(Long.parseLong(row.get(0)), row.get(1).equals("true") ? null
                    : List.of(row.get(0), row.get(2), row.get(3), row.get(4), row.get(5)));
        }
        if (target.equals(fold)) {
            return "";
        }
        List<Long> missing = fold.keySet().stream().filter(id -> !target.containsKey(id)).toList();
        List<Long> extra = target.keySet().stream().filter(id -> !fold.containsKey(id)).toList();
        List<Long> differing = fold.keySet().stream()
                .filter(id -> target.containsKey(id) && !Objects.equals(fold.get(id), target.get(id))).toList();
        return String.format("the published events imply %d orders, the merge target holds %d; %d not in the target"
                        + " %s, %d only in the target %s, %d differ %s (e.g. implied %s, target %s)",
                fold.size(), target.size(), missing.size(), first(missing), extra.size(), first(extra),
                differing.size(), first(differing), differing.isEmpty() ? "-" : fold.get(differing.get(0)),
                differing.isEmpty() ? "-" : target.get(differing.get(0)));
    }

    private static List<Long> first(List<Long> ids) {
        return ids.subList(0, Math.min(5, ids.size()));
    }

    /** Empty when the merge target's live rows equal the source's orders; else the counts of what differs. */
    private static String mergeTargetDifference() {
        List<List<String>> source = TestMariaDb.queryAsText(database, "SELECT id, customer, status, amount,"
                + " date_format(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM orders ORDER BY id");
        List<List<String>> target = queries.rows(settings.targetJdbcUrl(), "SELECT id, customer, status, amount::text,"
                + " to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US') FROM orders WHERE NOT __deleted ORDER BY id");
        if (source.equals(target)) {
            return "";
        }
        Set<List<String>> targetRows = Set.copyOf(target);
        Set<List<String>> sourceRows = Set.copyOf(source);
        return String.format("%d source rows, %d target rows; %d source rows not in the target, %d target rows not at"
                        + " the source", source.size(), target.size(),
                source.stream().filter(r -> !targetRows.contains(r)).count(),
                target.stream().filter(r -> !sourceRows.contains(r)).count());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /**
     * A paced stream of MariaDB transactions on {@code orders}: each inserts 6 orders, updates 3 live ones and deletes
     * 1, counting what the server reports changed by operation.
     */
    private static final class Churn {

        static final int CHANGES_PER_TRANSACTION = 10;

        private final SplittableRandom random = new SplittableRandom(20261201L);
        private final List<Long> live = new ArrayList<>();
        private final AtomicLong inserted = new AtomicLong();
        private final AtomicLong updated = new AtomicLong();
        private final AtomicLong deleted = new AtomicLong();
        private long nextId = SEED_ORDERS + 1;
        /** Where the server wrote next before the last transaction: every change of that one comes after it. */
        private volatile BinlogPosition lastTransactionStart;

        void run(int transactions, double perSecond) throws SQLException {
            for (long id = 1; id <= SEED_ORDERS; id++) {
                live.add(id);
            }
            long interval = (long) (1_000_000_000L / perSecond);
            try (Connection c = TestMariaDb.connect(database); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                long next = System.nanoTime();
                for (int t = 0; t < transactions; t++) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        KafkaServices.sleep(Duration.ofNanos(wait));
                    }
                    next += interval;
                    if (t == transactions - 1) {
                        List<String> status = TestMariaDb.queryAsText(database, "SHOW MASTER STATUS").get(0);
                        lastTransactionStart = new BinlogPosition(status.get(0), Long.parseLong(status.get(1)));
                    }
                    long first = nextId;
                    nextId += 6;
                    int inserts = s.executeUpdate("INSERT INTO orders SELECT seq, concat('churn-', seq), 'placed',"
                            + " seq % 10000 / 100, now(6) FROM seq_" + first + "_to_" + (nextId - 1));
                    for (long id = first; id < nextId; id++) {
                        live.add(id);
                    }
                    int updates = s.executeUpdate("UPDATE orders SET status = 'paid', amount = amount + 1,"
                            + " updated_at = now(6) WHERE id IN (" + pick(3, false) + ")");
                    int deletes = s.executeUpdate("DELETE FROM orders WHERE id IN (" + pick(1, true) + ")");
                    c.commit();
                    inserted.addAndGet(inserts);
                    updated.addAndGet(updates);
                    deleted.addAndGet(deletes);
                }
            }
        }

        long changes() {
            return inserted.get() + updated.get() + deleted.get();
        }

        /** Distinct live ids, comma separated; removed from the live set when {@code remove}. */
        private String pick(int count, boolean remove) {
            List<Long> picked = new ArrayList<>(count);
            while (picked.size() < count) {
                int index = random.nextInt(live.size());
                Long id = live.get(index);
                if (!picked.contains(id)) {
                    picked.add(id);
                    if (remove) {
                        live.set(index, live.get(live.size() - 1));
                        live.remove(live.size() - 1);
                    }
                }
            }
            return picked.stream().map(String::valueOf).collect(Collectors.joining(", "));
        }
    }
}
