package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Confluent Hub archives the build produces, unpacked as {@code confluent-hub install} would, checked for
 * their manifest and contents, then loaded by a real distributed Connect worker (its own JVM) whose
 * {@code plugin.path} holds nothing else, with plugin isolation and {@code plugin.discovery=service_load}.
 */
class PluginArchivesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEPLOY = StackQueries.DEPLOY;
    private static final String VERSION = HubArchives.VERSION;

    private static Path work;
    private static Path plugins;
    private static KafkaServices kafka;
    private static StackSettings settings;

    @BeforeAll
    static void unpackArchives() throws IOException {
        work = Files.createDirectories(DEPLOY.resolve("target/it/plugin-archives"));
        PostgresServer.deleteTree(work);
        plugins = Files.createDirectories(work.resolve("plugins"));
        for (String plugin : List.of("jdbc-sink", "outbox-smt")) {
            HubArchives.unpack(plugin, plugins);
        }
    }

    @AfterAll
    static void stopWorker() {
        if (kafka != null) {
            kafka.worker().stop(Duration.ofSeconds(30));
            kafka.broker().stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void sinkArchiveHasTheHubLayoutAndManifest() throws IOException {
        Path root = plugins.resolve("tidemark-jdbc-sink-" + VERSION);
        JsonNode manifest = JSON.readTree(root.resolve("manifest.json").toFile());
        assertManifest(manifest, "jdbc-sink", "sink", "converter");
        assertThat(jarNames(root.resolve("lib"))).contains("tidemark-jdbc-sink-" + VERSION + ".jar")
                .anyMatch(n -> n.startsWith("postgresql-")).anyMatch(n -> n.startsWith("mariadb-java-client-"))
                .anyMatch(n -> n.startsWith("duckdb_jdbc-")).anyMatch(n -> n.startsWith("HikariCP-"));
        assertThat(root.resolve("etc/shop-orders-merge.json")).isRegularFile();
        assertThat(root.resolve("etc/shop-orders-append.json")).isRegularFile();
        assertThat(root.resolve("etc/tidemark-jmx-exporter.yaml")).isRegularFile();
        assertThat(root.resolve("doc/README.md")).content().contains("<!-- sink-config:begin", "`connection.url`");
        assertThat(root.resolve("doc/LICENSE")).isRegularFile();
    }

    @Test
    void outboxArchiveHasTheHubLayoutAndManifest() throws IOException {
        Path root = plugins.resolve("tidemark-outbox-smt-" + VERSION);
        JsonNode manifest = JSON.readTree(root.resolve("manifest.json").toFile());
        assertManifest(manifest, "outbox-smt", "transform");
        assertThat(jarNames(root.resolve("lib"))).containsExactly("tidemark-outbox-smt-" + VERSION + ".jar");
        assertThat(root.resolve("etc/shop-postgres-source.json")).isRegularFile();
        assertThat(root.resolve("doc/README.md")).content().contains("Configuration reference", "`route.topic.replacement`");
        assertThat(root.resolve("doc/LICENSE")).isRegularFile();
    }

    @Test
    void noArchiveCarriesWhatTheWorkerProvides() throws IOException {
        List<String> jars;
        try (Stream<Path> files = Files.walk(plugins)) {
            jars = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
        }
        assertThat(jars).isNotEmpty().noneMatch(n -> n.startsWith("kafka") || n.startsWith("connect-")
                || n.startsWith("slf4j") || n.startsWith("log4j") || n.startsWith("jackson-"));
    }

    @Test
    void anIsolatedWorkerLoadsThePluginsAndTheConverterFromTheUnpackedArchivesThroughServiceLoading()
            throws IOException, SQLException {
        startWorkerOnUnpackedArchives();
        ConnectRest rest = new ConnectRest(settings.connectUrl());

        Map<String, String> typeByClass = new HashMap<>();
        Map<String, String> versionByClass = new HashMap<>();
        for (JsonNode plugin : rest.get("/connector-plugins?connectorsOnly=false")) {
            typeByClass.put(plugin.path("class").asText(), plugin.path("type").asText());
            versionByClass.put(plugin.path("class").asText(), plugin.path("version").asText());
        }
        assertThat(typeByClass).containsEntry("io.tidemark.sink.IdempotentJdbcSinkConnector", "sink")
                .containsEntry("io.tidemark.outbox.OutboxEventRouter", "transformation")
                .containsEntry("io.tidemark.sink.json.CachedSchemaJsonConverter", "converter");
        assertThat(versionByClass.get("io.tidemark.sink.IdempotentJdbcSinkConnector")).isEqualTo(VERSION);

        // Validation instantiates the connector and its ConfigDef inside the plugin's own class loader.
        Map<String, String> sink = Map.of(
                "connector.class", "io.tidemark.sink.IdempotentJdbcSinkConnector",
                "topics", "shop.public.orders",
                "connection.url", "jdbc:postgresql://127.0.0.1:5432/analytics",
                "mode", "merge");
        assertThat(rest.validationErrors(sink.get("connector.class"), sink, "connection.url")).isEmpty();
        assertThat(rest.validationErrors(sink.get("connector.class"),
                Map.of("connector.class", sink.get("connector.class"), "topics", "t", "connection.url", "jdbc:mysql://x/y"),
                "connection.url")).anySatisfy(e -> assertThat(e).contains("jdbc:postgresql:"));

        // DuckDB's driver, native library and all, runs inside the plugin's class loader: validating a file this test
        // holds open makes the worker try to open it, and DuckDB names this process as the one holding it.
        Map<String, String> duckdb = Map.of("connector.class", sink.get("connector.class"), "topics", "t",
                "connection.url", "jdbc:duckdb:" + work.resolve("held.duckdb"));
        try (Connection held = DriverManager.getConnection(duckdb.get("connection.url"));
             Statement statement = held.createStatement()) {
            statement.execute("CREATE TABLE written (id INTEGER)");
            assertThat(rest.validationErrors(sink.get("connector.class"), duckdb, "connection.url")).singleElement()
                    .asString().contains("is open in another process", "(PID " + ProcessHandle.current().pid() + ")");
        }
        assertThat(rest.validationErrors(sink.get("connector.class"), duckdb, "connection.url")).isEmpty();
    }

    private static void startWorkerOnUnpackedArchives() {
        Map<String, String> env = new HashMap<>();
        env.put("TIDEMARK_HOME", work.resolve("home").toString());
        env.put("TIDEMARK_PLUGIN_PATH", plugins.toString());
        env.put("TIDEMARK_KAFKA_PORT", Integer.toString(Ports.ephemeral()));
        env.put("TIDEMARK_CONTROLLER_PORT", Integer.toString(Ports.ephemeral()));
        env.put("TIDEMARK_CONNECT_PORT", Integer.toString(Ports.ephemeral()));
        settings = StackSettings.fromEnvironment(DEPLOY, env);
        kafka = new KafkaServices(settings);
        assertThat(kafka.workerProperties().getProperty("plugin.discovery")).isEqualTo("service_load");
        assertThat(kafka.workerProperties().getProperty("plugin.path")).isEqualTo(plugins.toString());
        kafka.startBroker(Duration.ofSeconds(90));
        kafka.startWorker(Duration.ofSeconds(90));
    }

    private static void assertManifest(JsonNode manifest, String name, String... componentTypes) {
        assertThat(manifest.path("name").asText()).isEqualTo(name);
        assertThat(manifest.path("version").asText()).isEqualTo(VERSION);
        assertThat(manifest.path("title").asText()).isNotBlank();
        assertThat(manifest.path("description").asText()).isNotBlank();
        assertThat(manifest.path("owner").path("username").asText()).isEqualTo("tidemark");
        assertThat(manifest.path("owner").path("name").asText()).isNotBlank();
        assertThat(manifest.path("component_types")).extracting(JsonNode::asText).containsExactly(componentTypes);
        assertThat(manifest.path("tags")).isNotEmpty();
        assertThat(manifest.path("requirements")).isNotEmpty();
        assertThat(manifest.path("features").isObject()).isTrue();
        assertThat(manifest.path("license")).isNotEmpty().allSatisfy(license -> {
            assertThat(license.path("name").asText()).isNotBlank();
            assertThat(license.path("url").asText()).startsWith("https://");
        });
        assertThat(manifest.path("documentation_url").asText()).startsWith("https://");
        assertThat(manifest.path("source_url").asText()).startsWith("https://");
        LocalDate released = LocalDate.parse(manifest.path("release_date").asText());
        assertThat(released).isAfter(LocalDate.of(2025, 1, 1));
    }

    private static List<String> jarNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }
}
