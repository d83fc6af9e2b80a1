package io.tidemark.deploy;

import io.tidemark.testkit.ExternalTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker-compose.yml cannot run on a machine without Docker, so this checks what can go wrong without running
 * it: every mounted path exists once {@code mvn package} has run (hence an IT), the connector JSON gets every
 * value it needs, and the stack has the shape the README promises (logical WAL, Avro with the registry, the
 * Confluent 8.1 line for Kafka 4.1, the local stack's host ports so ./tidemark status works against it).
 */
class DockerComposeFileIT {

    private static final Path DEPLOY = Path.of(System.getProperty("tidemark.deploy", ".")).toAbsolutePath();
    private static ComposeFile compose;

    @BeforeAll
    static void load() throws IOException {
        compose = ComposeFile.load(DEPLOY.getParent());
    }

    @Test
    void hasEveryServiceOfThePipeline() {
        assertThat(compose.services()).containsExactlyInAnyOrder("source-db", "target-db", "kafka", "schema-registry",
                "connect", "register");
    }

    @Test
    void everyMountedPathExistsAndPluginFoldersHoldJars() throws IOException {
        for (String service : compose.services()) {
            for (ComposeFile.Mount mount : compose.mounts(service)) {
                assertThat(mount.hostPath()).as(service + " mounts " + mount.hostPath()).exists();
                assertThat(mount.hostPath()).as("mounted from inside the project").startsWith(DEPLOY.getParent());
                assertThat(mount.readOnly()).as(service + " mounts " + mount.hostPath() + " read-only").isTrue();
            }
        }
        List<ComposeFile.Mount> plugins = compose.mounts("connect");
        assertThat(plugins).extracting(m -> m.hostPath().getFileName().toString())
                .containsExactlyInAnyOrder("debezium-connector-postgres", "tidemark-jdbc-sink", "tidemark-outbox-smt");
        for (ComposeFile.Mount plugin : plugins) {
            try (var files = Files.list(plugin.hostPath())) {
                assertThat(files.map(Path::toString)).as(plugin.hostPath().toString()).anyMatch(n -> n.endsWith(".jar"));
            }
            assertThat(compose.environment("connect").get("CONNECT_PLUGIN_PATH").split(","))
                    .contains(Path.of(plugin.containerPath()).getParent().toString());
        }
    }

    @Test
    void registerServiceRunsTheRegisterScriptWithEveryValueTheConnectorJsonNeeds() throws IOException {
        assertThat(compose.service("register").path("entrypoint")).extracting(n -> n.asText())
                .containsExactly("bash", "/connectors/register.sh");
        ComposeFile.Mount connectors = compose.mounts("register").get(0);
        assertThat(connectors.containerPath()).isEqualTo("/connectors");
        assertThat(connectors.hostPath().resolve("register.sh")).isRegularFile();

        Map<String, String> env = compose.environment("register");
        assertThat(env.keySet()).containsAll(ComposeFile.connectorPlaceholders(connectors.hostPath()));
        assertThat(env).containsEntry("CONNECT_URL", "http://connect:8083")
                .containsEntry("SOURCE_DB_HOST", "source-db").containsEntry("TARGET_DB_HOST", "target-db");
        assertThat(env.get("SOURCE_DB_NAME")).isEqualTo(compose.environment("source-db").get("POSTGRES_DB"));
        assertThat(env.get("TARGET_DB_NAME")).isEqualTo(compose.environment("target-db").get("POSTGRES_DB"));
        assertThat(env.get("SOURCE_DB_PASSWORD")).isEqualTo(compose.environment("source-db").get("POSTGRES_PASSWORD"));
        assertThat(env.get("TARGET_DB_PASSWORD")).isEqualTo(compose.environment("target-db").get("POSTGRES_PASSWORD"));
    }

    @Test
    void sourceDatabaseHasLogicalWalAndTheDemoSchema() {
        assertThat(compose.command("source-db")).contains("wal_level=logical");
        assertThat(compose.mounts("source-db")).anySatisfy(m -> {
            assertThat(m.hostPath()).isEqualTo(DEPLOY.resolve("demo/shop-schema.sql"));
            assertThat(m.containerPath()).startsWith("/docker-entrypoint-initdb.d/");
        });
    }

    @Test
    void kafkaIsKraftOnTheConfluentLineOfKafka41AndConnectUsesAvroWithTheRegistry() {
        for (String service : List.of("kafka", "schema-registry", "connect", "register")) {
            assertThat(compose.image(service)).as(service).matches("confluentinc/cp-[a-z-]+:8\\.1\\.\\d+");
        }
        assertThat(compose.environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsKey("CLUSTER_ID");
        Map<String, String> connect = compose.environment("connect");
        assertThat(connect).containsEntry("CONNECT_VALUE_CONVERTER", "io.confluent.connect.avro.AvroConverter")
                .containsEntry("CONNECT_KEY_CONVERTER", "io.confluent.connect.avro.AvroConverter")
                .containsEntry("CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL", "http://schema-registry:8081");
    }

    @Test
    void publishesTheLocalStacksPortsSoTheSameToolsWork() {
        StackSettings defaults = StackSettings.fromEnvironment(DEPLOY, Map.of());
        assertThat(compose.hostPort("source-db", 5432)).isEqualTo(defaults.sourceDbPort());
        assertThat(compose.hostPort("target-db", 5432)).isEqualTo(defaults.targetDbPort());
        assertThat(compose.hostPort("kafka", 19092)).isEqualTo(defaults.kafkaPort());
        assertThat(compose.hostPort("connect", 8083)).isEqualTo(defaults.connectPort());
    }

    /**
     * The file as the real clients read it: Compose v1 ({@code docker-compose}, Debian's 1.29.2) and, where the Docker
     * CLI has it, v2 ({@code docker compose}). CI installs v1; elsewhere a machine without either skips this.
     */
    @Test
    void theRealDockerComposeClientsAcceptTheFile() throws Exception {
        Path file = DEPLOY.getParent().resolve("docker-compose.yml");
        List<List<String>> clients = new ArrayList<>();
        if (ExternalTools.succeeds("docker-compose", "version")) {
            clients.add(List.of("docker-compose", "-f", file.toString(), "config", "-q"));
        }
        if (ExternalTools.succeeds("docker", "compose", "version")) {
            clients.add(List.of("docker", "compose", "-f", file.toString(), "config", "-q"));
        }
        assumeTrue(!clients.isEmpty() || System.getenv("CI") != null,
                "neither docker-compose nor docker compose is installed (CI installs docker-compose)");
        assertThat(clients).as("a Compose client on CI").isNotEmpty();
        for (List<String> client : clients) {
            Process process = new ProcessBuilder(client).directory(file.getParent().toFile()).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as(String.join(" ", client) + ": " + output).isZero();
        }
        assertThat(Files.readAllLines(file.resolveSibling(".env"))).as("the project name for v1 and v2")
                .contains("COMPOSE_PROJECT_NAME=tidemark");
    }
}
