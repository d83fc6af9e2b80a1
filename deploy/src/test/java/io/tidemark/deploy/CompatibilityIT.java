package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compatibility range the README claims, checked with real processes: a distributed worker of the oldest Connect
 * claimed and one of the newest, each on its release's own runtime (deploy/connect-runtimes) beside the build's broker,
 * with plugin isolation and a {@code plugin.path} holding our two plugin folders, copied as the README's install step
 * copies them, and Debezium's PostgreSQL connector from its plugin archive. The oldest Connect runs the oldest Debezium
 * claimed, the newest the newest. The last release of each Debezium minor between them runs too, side by side with
 * the others in one worker ({@code connector.plugin.version}): the newest Connect's for releases that start there, a
 * worker of the build's Connect for the older ones. Every pipeline streams the demo shop through the outbox router and
 * the merge sink into a target that must end up equal to the source.
 *
 * <p>One broker of the build's Kafka serves every worker: a 4.x broker accepts 3.9 clients, and what the check is
 * about, the plugins against each Connect runtime and each Debezium's events, does not depend on the broker.
 */
class CompatibilityIT {

    private static final String OLDEST_DEBEZIUM = System.getProperty("compat.debezium.oldest.version");
    private static final String NEWEST_DEBEZIUM = System.getProperty("compat.debezium.newest.version");
    /**
     * The first Debezium minor that starts in a Connect 4.4 worker: earlier ones use Kafka's {@code Sanitizer}, which
     * Kafka 4.4 moved to an internal package.
     */
    private static final List<Integer> FIRST_DEBEZIUM_ON_NEWEST_CONNECT = List.of(3, 5);
    private static final Path DEBEZIUM_PLUGINS = Path.of(System.getProperty("compat.debezium.plugins", "missing"));
    private static final List<String> OUR_PLUGINS = List.of("tidemark-jdbc-sink", "tidemark-outbox-smt");

    private static StackSettings settings;
    private static PostgresServer sourceDb;
    private static PostgresServer targetDb;
    private static KafkaServices kafka;
    private static ExecutorService executor;
    private static final Map<String, ConnectReleaseWorker> WORKERS = new LinkedHashMap<>();
    private static final Map<String, DebeziumPipeline> PIPELINES = new LinkedHashMap<>();
    private static final Map<String, CompletableFuture<DebeziumPipeline.Run>> RUNS = new HashMap<>();

    static Stream<String> debeziumReleasesBetween() {
        return Arrays.stream(System.getProperty("compat.debezium.between.versions", "").split(",")).filter(v -> !v.isBlank());
    }

    @BeforeAll
    static void startServersWorkersAndPipelines() throws IOException {
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, StackQueries.isolatedEnvironment("compatibility"));
        Path plugins = copyOurPluginFolders(settings.home().resolve("plugins"));
        Map<String, List<String>> debeziumsByWorker = new LinkedHashMap<>();
        debeziumsByWorker.put("oldest", new ArrayList<>(List.of(OLDEST_DEBEZIUM)));
        debeziumsByWorker.put("build", new ArrayList<>());
        debeziumsByWorker.put("newest", new ArrayList<>(List.of(NEWEST_DEBEZIUM)));
        debeziumReleasesBetween().forEach(version ->
                debeziumsByWorker.get(startsOnTheNewestConnect(version) ? "newest" : "build").add(version));
        debeziumsByWorker.forEach((role, debeziums) -> {
            if (!debeziums.isEmpty()) {
                WORKERS.put(role, new ConnectReleaseWorker(settings, role, System.getProperty("compat.connect." + role + ".version"),
                        classpathFile(role), pluginPath(plugins, debeziums)));
            }
        });
        for (String role : List.of("oldest", "newest")) {
            assertThat(WORKERS.get(role).jacksonVersions())
                    .as("Jackson on the classpath of Connect %s (connect.%s.jackson.version must be the one it declares)",
                            WORKERS.get(role).version(), role)
                    .hasSize(1);
        }
        debeziumsByWorker.forEach((role, debeziums) -> debeziums.forEach(version -> PIPELINES.put(version,
                new DebeziumPipeline(WORKERS.get(role), version, debeziums.size() > 1))));

        sourceDb = new PostgresServer("source-db", settings, settings.sourceDbPort(), List.of(
                "wal_level = logical", "max_replication_slots = 20", "max_wal_senders = 20"));
        targetDb = new PostgresServer("target-db", settings, settings.targetDbPort(), List.of());
        kafka = new KafkaServices(settings);
        executor = Executors.newCachedThreadPool();
        long started = System.nanoTime();
        // The two PostgreSQL servers unpack the same binaries, and CREATE DATABASE copies a template one at a time.
        inParallel(Stream.<Runnable>of(() -> {
            sourceDb.start();
            targetDb.start();
        }, () -> kafka.startBroker(Duration.ofSeconds(90))));
        double servers = seconds(started);
        inParallel(Stream.concat(WORKERS.values().stream().map(worker -> (Runnable) worker::start),
                Stream.of(() -> PIPELINES.values().forEach(pipeline -> pipeline.createDatabases(sourceDb, targetDb)))));
        System.out.printf("compatibility: source and target PostgreSQL and the broker up in %.1f s, then the workers of"
                + " Connect %s in %.1f s%n", servers, WORKERS.values().stream().map(ConnectReleaseWorker::version).toList(),
                seconds(started) - servers);

        PIPELINES.forEach((version, pipeline) -> RUNS.put(version, CompletableFuture.supplyAsync(() -> {
            try {
                return pipeline.run();
            } catch (IOException | SQLException e) {
                throw new CompletionException(e);
            }
        }, executor)));
    }

    @AfterAll
    static void stopEverything() {
        if (executor != null) {
            inParallel(WORKERS.values().stream().map(worker -> (Runnable) worker::stop));
        }
        if (kafka != null) {
            kafka.broker().stop(Duration.ofSeconds(60));
        }
        for (PostgresServer db : Arrays.asList(targetDb, sourceDb)) {
            if (db != null && db.running()) {
                db.stop();
            }
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Test
    void aWorkerOfTheOldestClaimedConnectRunsBothPluginsFromPluginPathWithTheOldestClaimedDebezium() throws IOException {
        assertPipelineReplicated(OLDEST_DEBEZIUM);
    }

    @Test
    void aWorkerOfTheNewestClaimedConnectRunsBothPluginsFromPluginPathWithTheNewestDebezium() throws IOException {
        assertPipelineReplicated(NEWEST_DEBEZIUM);
    }

    @ParameterizedTest(name = "Debezium {0}")
    @MethodSource("debeziumReleasesBetween")
    void theSinkAppliesTheChangeEventsOfEachDebeziumMinorBetweenTheEnds(String debeziumVersion) throws IOException {
        assertPipelineReplicated(debeziumVersion);
    }

    /** Whether the release's minor is at least {@link #FIRST_DEBEZIUM_ON_NEWEST_CONNECT}. */
    private static boolean startsOnTheNewestConnect(String debeziumVersion) {
        String[] parts = debeziumVersion.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = Integer.parseInt(parts[1]);
        return major > FIRST_DEBEZIUM_ON_NEWEST_CONNECT.get(0)
                || major == FIRST_DEBEZIUM_ON_NEWEST_CONNECT.get(0) && minor >= FIRST_DEBEZIUM_ON_NEWEST_CONNECT.get(1);
    }

    /** The runtime classpath of a worker: the one deploy/connect-runtimes resolved, or the stack's for the build's. */
    private static Path classpathFile(String role) {
        return role.equals("build") ? settings.workerClasspathFile()
                : Path.of(System.getProperty("compat.connect." + role + ".classpath"));
    }

    /**
     * The worker is the Connect release it claims to be, and its plugin scan found our sink, router and converter at
     * the build's version and exactly the Debezium releases its plugin.path holds.
     */
    private static void assertWorkerLoadsThePlugins(ConnectReleaseWorker worker, Set<String> debeziumVersions) throws IOException {
        ConnectRest rest = worker.rest();
        assertThat(rest.get("/").path("version").asText()).as("the worker's Connect release").isEqualTo(worker.version());
        Map<String, String> ours = new HashMap<>();
        Set<String> debeziums = new TreeSet<>();
        for (JsonNode plugin : rest.get("/connector-plugins?connectorsOnly=false")) {
            String className = plugin.path("class").asText();
            if (className.startsWith("io.tidemark.")) {
                ours.put(className, plugin.path("type").asText() + " " + plugin.path("version").asText());
            } else if (className.equals("io.debezium.connector.postgresql.PostgresConnector")) {
                debeziums.add(plugin.path("version").asText());
            }
        }
        assertThat(ours).as("Tidemark's plugins in Connect " + worker.version()).containsOnly(
                Map.entry("io.tidemark.sink.IdempotentJdbcSinkConnector", "sink " + HubArchives.VERSION),
                Map.entry("io.tidemark.outbox.OutboxEventRouter", "transformation " + HubArchives.VERSION),
                Map.entry("io.tidemark.sink.json.CachedSchemaJsonConverter", "converter " + HubArchives.VERSION));
        assertThat(debeziums).as("Debezium PostgreSQL connectors in Connect " + worker.version()).isEqualTo(debeziumVersions);
    }

    /** The pipeline's worker loaded every plugin, and the pipeline replicated everything. */
    private static void assertPipelineReplicated(String debeziumVersion) throws IOException {
        DebeziumPipeline pipeline = PIPELINES.get(debeziumVersion);
        ConnectReleaseWorker worker = pipeline.worker();
        Set<String> debeziums = new TreeSet<>();
        PIPELINES.values().stream().filter(p -> p.worker() == worker).forEach(p -> debeziums.add(p.debeziumVersion()));
        assertWorkerLoadsThePlugins(worker, debeziums);
        DebeziumPipeline.Run run;
        try {
            run = RUNS.get(debeziumVersion).join();
        } catch (CompletionException e) {
            throw new AssertionError(pipeline + " did not converge; see " + worker.service().logFile(), e.getCause());
        }
        System.out.println("compatibility: " + pipeline.assertReplicated(run));
    }

    /** Our two plugin folders as the deploy build lays them out, copied into {@code into} as the README installs them. */
    private static Path copyOurPluginFolders(Path into) throws IOException {
        for (String plugin : OUR_PLUGINS) {
            Path from = settings.pluginPath().resolve(plugin);
            assertThat(from).as("built by mvn package").isDirectory();
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : files.toList()) {
                    Path target = into.resolve(plugin).resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
        }
        return into;
    }

    /** Our plugins' folder, then one folder per Debezium release holding its unpacked plugin archive. */
    private static List<Path> pluginPath(Path ourPlugins, List<String> debeziumVersions) {
        List<Path> path = new ArrayList<>(List.of(ourPlugins));
        for (String version : debeziumVersions) {
            Path folder = DEBEZIUM_PLUGINS.resolve("postgres-" + version);
            assertThat(folder.resolve("debezium-connector-postgres")).as("unpacked by mvn verify").isDirectory();
            path.add(folder);
        }
        return path;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void inParallel(Stream<Runnable> actions) {
        CompletableFuture<?>[] started = actions.map(a -> CompletableFuture.runAsync(a, executor))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(started).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
