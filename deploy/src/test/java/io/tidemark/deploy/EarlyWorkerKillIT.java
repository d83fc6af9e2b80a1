package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Connect worker process is killed with SIGKILL in the first minute of a new Debezium source, before the
 * worker's first offset flush (Kafka's default {@code offset.flush.interval.ms}, 60 s), while orders are inserted,
 * updated and deleted. The restarted worker finds no offsets for the source, which snapshots again at a new
 * snapshot point and streams on from there: the orders deleted in between never arrive as deletes. Both MERGE
 * targets, one with {@code delete.mode=soft} and one with {@code delete.mode=hard}, must still end up equal to the
 * source, without a row the source deleted.
 */
class EarlyWorkerKillIT {

    private static final String SOURCE = "early-source";
    private static final String SOFT_SINK = "early-merge-soft";
    private static final String HARD_SINK = "early-merge-hard";
    private static final String TOPIC = "early.public.orders";
    private static final String ORDERS =
            "id, customer, status, amount::text, (extract(epoch FROM updated_at) * 1000000)::bigint";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StackSettings settings;
    private static LocalStack stack;
    private static StackQueries queries;

    @BeforeAll
    static void startStack() throws IOException {
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, StackQueries.isolatedEnvironment("early-worker-kill"));
        stack = new LocalStack(settings, System.out);
        stack.start();
        queries = new StackQueries(settings);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void killingTheWorkerBeforeTheSourcesFirstOffsetFlushLeavesNoDeletedRowInEitherMergeTarget() throws Exception {
        ConnectRest rest = new ConnectRest(settings.connectUrl());
        for (String connector : rest.connectorStates().keySet()) {
            rest.delete(connector);
        }
        KafkaServices kafka = new KafkaServices(settings);
        Properties worker = kafka.workerProperties();
        // The stack flushes source offsets every 5 s; a worker left at Kafka's default flushes after a minute.
        worker.remove("offset.flush.interval.ms");
        kafka.worker().stop(Duration.ofSeconds(60));
        kafka.startWorker(kafka.worker(), worker, List.of(), Duration.ofSeconds(120));

        OrderChurn churn = new OrderChurn(settings.sourceJdbcUrl(), settings.dbUser(), settings.dbPassword());
        long started = System.nanoTime();
        CompletableFuture<Void> workload = CompletableFuture.runAsync(() -> {
            try {
                churn.run(500, 10);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });
        stack.register(writeConnectors());
        long registered = System.nanoTime();
        awaitTrue("the new source's snapshot to complete", Duration.ofSeconds(60),
                () -> queries.recordValues(TOPIC, v -> v.at("/payload/source/snapshot").asText()).contains("last"));
        KafkaServices.sleep(Duration.ofSeconds(5));
        JsonNode offsets = rest.get("/connectors/" + SOURCE + "/offsets").path("offsets");
        double sinceRegistered = seconds(registered);
        assertThat(offsets).as("offsets of the new source %.0f s after it was registered", sinceRegistered).isEmpty();
        assertThat(sinceRegistered).as("seconds since the source was registered").isLessThan(45);

        long deletedBeforeKill = churn.deleted();
        ProcessHandle process = kafka.worker().running().orElseThrow(() -> new AssertionError("no worker process to kill"));
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
        long logBeforeRestart = Files.size(kafka.worker().logFile());
        kafka.startWorker(kafka.worker(), worker, List.of(), Duration.ofSeconds(120));
        System.out.printf("kill -9 of the worker %.0f s after the source was registered, with no source offset flushed;"
                + " %,d orders deleted so far%n", sinceRegistered, deletedBeforeKill);

        workload.get(3, TimeUnit.MINUTES);
        assertThat(logSince(kafka.worker().logFile(), logBeforeRestart))
                .as("the restarted source's log").contains("No previous offsets found");
        System.out.printf("the churn ended at %.0f s: %,d inserted, %,d updated, %,d deleted%n", seconds(started),
                churn.inserted(), churn.updated(), churn.deleted());
        String[] last = {""};
        try {
            awaitTrue("both merge targets to equal the source", Duration.ofSeconds(90), () -> {
                last[0] = difference("orders_early_soft", " WHERE NOT __deleted") + difference("orders_early_hard", "");
                return last[0].isEmpty();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last difference: " + last[0], e);
        }
        assertThat(new ConnectRest(settings.connectUrl()).connectorStates()).as("connectors after the crash")
                .hasSize(3).allSatisfy((connector, state) -> assertThat(state).as(connector).isEqualTo("RUNNING"));
    }

    /** The shipped connector configs, turned into a new source (own slot, publication, topics) and two merge sinks. */
    private static List<String> writeConnectors() throws IOException {
        Path dir = settings.home().resolve("early-connectors");
        Files.createDirectories(dir);
        ObjectNode source = (ObjectNode) JSON.readTree(settings.connectorsDir().resolve("shop-postgres-source.json").toFile());
        source.put("topic.prefix", "early");
        source.put("slot.name", "tidemark_early");
        source.put("publication.name", "tidemark_early");
        source.put("table.include.list", "public.orders");
        List<String> files = new ArrayList<>(List.of(write(dir, SOURCE, source)));
        for (String mode : List.of("soft", "hard")) {
            ObjectNode sink = (ObjectNode) JSON.readTree(settings.connectorsDir().resolve("shop-orders-merge.json").toFile());
            sink.put("topics", TOPIC);
            sink.put("table.name.format", "${source.table}_early_" + mode);
            sink.put("delete.mode", mode);
            files.add(write(dir, mode.equals("soft") ? SOFT_SINK : HARD_SINK, sink));
        }
        return files;
    }

    private static String write(Path dir, String name, JsonNode config) throws IOException {
        Path file = dir.resolve(name + ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
        return file.toString();
    }

    /** Empty when the target table's live rows equal the source's orders; else the count and first ids of each kind. */
    private static String difference(String table, String live) {
        Map<String, List<String>> source = byId(queries.rows(settings.sourceJdbcUrl(), "SELECT " + ORDERS + " FROM orders"));
        Map<String, List<String>> target = byId(queries.rows(settings.targetJdbcUrl(), "SELECT " + ORDERS + " FROM " + table + live));
        List<String> ghosts = new ArrayList<>(target.keySet());
        ghosts.removeAll(source.keySet());
        List<String> missing = new ArrayList<>(source.keySet());
        missing.removeAll(target.keySet());
        long differing = source.keySet().stream().filter(id -> target.containsKey(id) && !source.get(id).equals(target.get(id))).count();
        if (ghosts.isEmpty() && missing.isEmpty() && differing == 0) {
            return "";
        }
        return String.format("%s: %d ghost rows (deleted at the source) %s, %d missing, %d differing; ",
                table, ghosts.size(), ghosts.subList(0, Math.min(20, ghosts.size())), missing.size(), differing);
    }

    private static Map<String, List<String>> byId(List<List<String>> rows) {
        Map<String, List<String>> byId = new TreeMap<>();
        rows.forEach(row -> byId.put(row.get(0), row));
        return byId;
    }

    private static String logSince(Path log, long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(offset);
            byte[] bytes = new byte[(int) (file.length() - offset)];
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
