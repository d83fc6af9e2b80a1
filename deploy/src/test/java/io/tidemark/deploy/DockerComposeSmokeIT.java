package io.tidemark.deploy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.ConfluentKafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the images, settings and mounts of docker-compose.yml where Docker exists (skipped where it does not):
 * PostgreSQL twice, Kafka from Testcontainers' Confluent module on the compose file's image, the schema registry
 * and the Connect worker with the plugin folders mounted and Avro converters; then registers the connector JSON
 * with register.sh, runs the demo workload and waits for the target to converge and the outbox events to appear.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeSmokeIT {

    private static final Path DEPLOY = Path.of(System.getProperty("tidemark.deploy", ".")).toAbsolutePath();
    /** Where the other containers reach the broker inside the test network. */
    private static final String KAFKA_IN_NETWORK = "kafka:19092";

    private static final List<GenericContainer<?>> containers = new ArrayList<>();
    private static Network network;
    private static ConfluentKafkaContainer kafka;
    private static GenericContainer<?> sourceDb;
    private static GenericContainer<?> targetDb;
    private static GenericContainer<?> connect;

    @BeforeAll
    static void startComposeServices() throws Exception {
        ComposeFile compose = ComposeFile.load(DEPLOY.getParent());
        network = Network.newNetwork();
        sourceDb = postgres(compose, "source-db")
                .withCommand(compose.command("source-db").toArray(String[]::new))
                .withCopyFileToContainer(MountableFile.forHostPath(DEPLOY.resolve("demo/shop-schema.sql")),
                        "/docker-entrypoint-initdb.d/10-shop-schema.sql");
        targetDb = postgres(compose, "target-db");
        kafka = new ConfluentKafkaContainer(DockerImageName.parse(compose.image("kafka")))
                .withNetwork(network).withNetworkAliases("kafka").withListener(KAFKA_IN_NETWORK);
        GenericContainer<?> registry = new GenericContainer<>(DockerImageName.parse(compose.image("schema-registry")))
                .withNetwork(network).withNetworkAliases("schema-registry")
                .withEnv(compose.environment("schema-registry"))
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", KAFKA_IN_NETWORK)
                .withExposedPorts(8081)
                .waitingFor(Wait.forHttp("/subjects").forPort(8081).withStartupTimeout(Duration.ofMinutes(3)))
                .dependsOn(kafka);
        connect = new GenericContainer<>(DockerImageName.parse(compose.image("connect")))
                .withNetwork(network).withNetworkAliases("connect")
                .withEnv(compose.environment("connect"))
                .withEnv("CONNECT_BOOTSTRAP_SERVERS", KAFKA_IN_NETWORK)
                .withExposedPorts(8083)
                .waitingFor(Wait.forHttp("/connectors").forPort(8083).withStartupTimeout(Duration.ofMinutes(4)))
                .dependsOn(kafka, registry, sourceDb, targetDb);
        for (ComposeFile.Mount mount : compose.mounts("connect")) {
            connect.withFileSystemBind(mount.hostPath().toString(), mount.containerPath(), BindMode.READ_ONLY);
        }
        containers.addAll(List.of(sourceDb, targetDb, kafka, registry, connect));
        Startables.deepStart(containers.stream()).join();

        register(compose);
    }

    @AfterAll
    static void stopComposeServices() {
        containers.forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    @Test
    void ordersReplicateAndOrderPlacedEventsAreRoutedOnTheComposeImages() throws Exception {
        String source = "jdbc:postgresql://" + sourceDb.getHost() + ":" + sourceDb.getMappedPort(5432) + "/shop";
        String target = "jdbc:postgresql://" + targetDb.getHost() + ":" + targetDb.getMappedPort(5432) + "/analytics";
        DemoShop shop = new DemoShop(source, "postgres", "tidemark", DemoShop.Sql.POSTGRES);
        shop.run(50, 200, new AtomicBoolean(true));

        await("target orders to equal source orders", Duration.ofMinutes(3), () ->
                count(target, "SELECT count(*) FROM orders WHERE NOT __deleted") == count(source, "SELECT count(*) FROM orders"));
        try (Admin admin = KafkaServices.admin(kafka.getBootstrapServers())) {
            TopicPartition events = new TopicPartition(StackSettings.OUTBOX_TOPIC_PREFIX + "Order", 0);
            await("OrderPlaced events on " + events.topic(), Duration.ofMinutes(2), () -> {
                try {
                    return admin.listOffsets(Map.of(events, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS)
                            .get(events).offset() >= shop.ordersPlaced();
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static GenericContainer<?> postgres(ComposeFile compose, String service) {
        return new GenericContainer<>(DockerImageName.parse(compose.image(service)))
                .withNetwork(network).withNetworkAliases(service)
                .withEnv(compose.environment(service))
                .withExposedPorts(5432)
                // The official image restarts once after its init scripts; ready means the second start.
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
                        .withStartupTimeout(Duration.ofMinutes(2)));
    }

    private static void register(ComposeFile compose) throws Exception {
        List<String> command = List.of("bash", DEPLOY.resolve("connectors/register.sh").toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(compose.environment("register"));
        builder.environment().put("CONNECT_URL", "http://" + connect.getHost() + ":" + connect.getMappedPort(8083));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static long count(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, "postgres", "tidemark");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                // The target table appears only after the sink's first apply.
            }
            KafkaServices.sleep(Duration.ofSeconds(1));
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }
}
