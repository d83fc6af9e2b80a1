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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link WorkerCrashIT} with a MariaDB source: the Connect worker process, holding Debezium's MySQL source task (from
 * its plugin archive, as users install it) and a merge and an append sink, is killed with SIGKILL twice while a
 * workload changes rows in MariaDB, and started again each time. Debezium then publishes again what it had sent but
 * not yet recorded as sent (at the same binlog positions), and the sinks receive again what they had applied but not
 * yet committed to Kafka. Afterwards the merge target equals the source row for row and the append target holds
 * exactly one row per source change, per operation. The stack's target PostgreSQL, Kafka broker and worker are the
 * processes {@link LocalStack} runs; MariaDB is the test kit's. A machine without {@code mariadbd} skips this unless
 * {@code CI} is set.
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
    void killingTheWorkerTwiceMidStreamLosesNothingAndAppendsEveryChangeExactlyOnce() throws Exception {
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

        String[] difference = {""};
        try {
            awaitTrue("the merge target to equal the source and the audit table to hold every change",
                    Duration.ofMinutes(3), () -> {
                        difference[0] = mergeTargetDifference();
                        return auditRows() >= expectedChanges && difference[0].isEmpty();
                    });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + difference[0] + "; audit rows " + auditRows(), e);
        }
        double afterRestart = seconds(lastRestart);

        Map<String, Long> auditByOp = queries.rows(settings.targetJdbcUrl(), "SELECT __op, count(*) FROM orders_audit GROUP BY __op")
                .stream().collect(Collectors.toMap(row -> row.get(0), row -> Long.parseLong(row.get(1))));
        assertThat(auditByOp).as("audit rows per operation").containsExactlyInAnyOrderEntriesOf(Map.of(
                "r", (long) SEED_ORDERS, "c", churn.inserted.get(), "u", churn.updated.get(), "d", churn.deleted.get()));
        assertThat(queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders WHERE __deleted"))
                .as("soft-deleted rows in the merge target").isEqualTo(churn.deleted.get());
        assertThat(new ConnectRest(settings.connectUrl()).connectorStates()).as("connectors and tasks after the crashes")
                .hasSize(3).allSatisfy((connector, state) -> assertThat(state).as(connector).isEqualTo("RUNNING"));

        List<String> events = queries.recordValues(topic(), MariaDbWorkerCrashIT::changeIdentity);
        assertThat(Set.copyOf(events)).as("distinct change events on the topic").hasSize((int) expectedChanges);
        System.out.printf("worker crash (MariaDB): %,d source changes (the last committed at %.0f s), %,d change events"
                        + " on the topic (%,d published again by Debezium after the kills), lost 0, duplicated 0;"
                        + " converged %.0f s after the last restart%n",
                expectedChanges, lastCommit, events.size(), events.size() - expectedChanges, afterRestart);
    }

    /** A change event's operation, binlog position and order id: what tells two changes apart. */
    private static String changeIdentity(JsonNode value) {
        JsonNode payload = value.path("payload");
        JsonNode source = payload.path("source");
        JsonNode row = payload.path("after").isObject() ? payload.path("after") : payload.path("before");
        return payload.path("op").asText() + "@" + source.path("file").asText() + ":" + source.path("pos").asText()
                + ":" + source.path("row").asText() + "#" + row.path("id").asText();
    }

    private static long auditRows() {
        return queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders_audit");
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
