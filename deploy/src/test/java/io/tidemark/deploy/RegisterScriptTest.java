package io.tidemark.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tidemark.outbox.OutboxRouterConfig;
import io.tidemark.sink.IdempotentJdbcSinkConnector;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.transforms.predicates.TopicNameMatches;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/connectors/register.sh against an in-process stand-in for the Connect REST API: what it PUTs, to which
 * path, filled from which environment, and whether the configs it sends pass the plugins' own validation.
 */
class RegisterScriptTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEPLOY = Path.of(System.getProperty("tidemark.deploy", "."));

    private HttpServer connect;
    private final Map<String, Map<String, String>> registered = new ConcurrentHashMap<>();
    private volatile int refuseWith;

    @BeforeEach
    void startConnectStandIn() throws IOException {
        connect = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        connect.createContext("/connectors", exchange -> {
            String path = exchange.getRequestURI().getPath();
            int status;
            byte[] answer;
            if ("GET".equals(exchange.getRequestMethod()) && path.equals("/connectors")) {
                status = 200;
                answer = "[]".getBytes(StandardCharsets.UTF_8);
            } else if ("PUT".equals(exchange.getRequestMethod()) && path.matches("/connectors/[^/]+/config")) {
                String name = path.split("/")[2];
                @SuppressWarnings("unchecked")
                Map<String, String> config = JSON.readValue(exchange.getRequestBody(), Map.class);
                status = refuseWith != 0 ? refuseWith : registered.put(name, config) == null ? 201 : 200;
                answer = (status == 400 ? "{\"error_code\":400,\"message\":\"Connector configuration is invalid\"}" : "{}")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                status = 404;
                answer = new byte[0];
            }
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        connect.start();
    }

    @AfterEach
    void stopConnectStandIn() {
        connect.stop(0);
    }

    @Test
    void registersEveryConnectorWithPutAndAgainWithoutHarm() throws Exception {
        Result first = register(Map.of());
        assertThat(first.exitCode).as(first.output).isZero();
        assertThat(first.output.lines()).containsExactlyInAnyOrder(
                "created shop-orders-append", "created shop-orders-merge", "created shop-postgres-source");

        Result second = register(Map.of());
        assertThat(second.exitCode).as(second.output).isZero();
        assertThat(second.output.lines()).containsExactlyInAnyOrder(
                "updated shop-orders-append", "updated shop-orders-merge", "updated shop-postgres-source");
    }

    @Test
    void fillsUpperCasePlaceholdersFromTheEnvironmentAndLeavesThePluginsOwn() throws Exception {
        Result result = register(Map.of("TARGET_DB_HOST", "replica.example", "TARGET_DB_PASSWORD", "se\"cr&t\\x",
                "SOURCE_DB_HOST", "primary.example"), "shop-orders-merge", "shop-postgres-source");
        assertThat(result.exitCode).as(result.output).isZero();

        Map<String, String> sink = registered.get("shop-orders-merge");
        assertThat(sink.get("connection.url")).isEqualTo("jdbc:postgresql://replica.example:15433/analytics");
        assertThat(sink.get("connection.password")).isEqualTo("se\"cr&t\\x");
        assertThat(sink.get("table.name.format")).isEqualTo("${source.table}");
        Map<String, String> source = registered.get("shop-postgres-source");
        assertThat(source.get("database.hostname")).isEqualTo("primary.example");
        assertThat(source.get("transforms.outbox.route.topic.replacement")).isEqualTo("outbox.event.${routedByValue}");
        registered.values().forEach(config -> assertThat(config.values()).noneMatch(v -> v.matches(".*\\$\\{[A-Z].*")));
    }

    @Test
    void bothSinkConfigsPassTheSinksOwnValidation() throws Exception {
        assertThat(register(Map.of()).exitCode).isZero();
        for (String sink : List.of("shop-orders-merge", "shop-orders-append")) {
            List<String> errors = new ArrayList<>();
            for (ConfigValue value : new IdempotentJdbcSinkConnector().validate(registered.get(sink)).configValues()) {
                value.errorMessages().forEach(e -> errors.add(value.name() + ": " + e));
            }
            assertThat(errors).as(sink).isEmpty();
        }
        assertThat(registered.get("shop-orders-append").get("mode")).isEqualTo("append");
        assertThat(registered.get("shop-orders-append").get("table.name.format"))
                .isNotEqualTo(registered.get("shop-orders-merge").get("table.name.format"));
    }

    @Test
    void sourceAppliesTheOutboxRouterOnlyToTheOutboxTopicWithValidSettings() throws Exception {
        assertThat(register(Map.of()).exitCode).isZero();
        Map<String, String> source = registered.get("shop-postgres-source");
        assertThat(source.get("transforms.outbox.type")).isEqualTo("io.tidemark.outbox.OutboxEventRouter");
        assertThat(source).containsEntry("plugin.name", "pgoutput").containsEntry("slot.name", "tidemark_shop");

        Map<String, String> router = withPrefixRemoved(source, "transforms.outbox.");
        router.remove("type");
        router.remove("predicate");
        List<String> errors = new ArrayList<>();
        OutboxRouterConfig.CONFIG_DEF.validate(router).forEach(v -> v.errorMessages().forEach(e -> errors.add(v.name() + ": " + e)));
        assertThat(errors).isEmpty();
        assertThat(OutboxRouterConfig.CONFIG_DEF.names()).containsAll(router.keySet());

        String predicate = source.get("transforms.outbox.predicate");
        Map<String, String> predicateConfig = withPrefixRemoved(source, "predicates." + predicate + ".");
        assertThat(predicateConfig.remove("type")).isEqualTo(TopicNameMatches.class.getName());
        try (TopicNameMatches<SourceRecord> matches = new TopicNameMatches<>()) {
            matches.configure(predicateConfig);
            assertThat(matches.test(record("shop.public.outbox"))).isTrue();
            assertThat(matches.test(record("shop.public.orders"))).isFalse();
            assertThat(matches.test(record("shopXpublicXoutbox"))).isFalse();
        }
    }

    @Test
    void theMariaDbSourceIsRegisteredByNameAndTheSinksReadItsTopics() throws Exception {
        Result byDefault = register(Map.of());
        assertThat(byDefault.output).as("the default set has one source").doesNotContain("shop-mariadb-source");
        registered.clear();

        Result result = register(Map.of("SOURCE_DB_PORT", "13306", "SOURCE_DB_USER", "debezium",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:29092", "SINK_TOPICS", "shop.shop.orders"),
                "shop-mariadb-source", "shop-orders-merge");
        assertThat(result.exitCode).as(result.output).isZero();

        Map<String, String> source = registered.get("shop-mariadb-source");
        assertThat(source).containsEntry("connector.class", "io.debezium.connector.mysql.MySqlConnector")
                .containsEntry("database.port", "13306").containsEntry("database.user", "debezium")
                .containsEntry("topic.prefix", "shop").containsEntry("table.include.list", "shop.orders,shop.outbox")
                .containsEntry("schema.history.internal.kafka.bootstrap.servers", "127.0.0.1:29092");
        assertThat(registered.get("shop-orders-merge")).containsEntry("topics", "shop.shop.orders");
        try (TopicNameMatches<SourceRecord> matches = new TopicNameMatches<>()) {
            matches.configure(withPrefixRemoved(source, "predicates." + source.get("transforms.outbox.predicate") + "."));
            assertThat(matches.test(record("shop.shop.outbox"))).isTrue();
            assertThat(matches.test(record("shop.shop.orders"))).isFalse();
        }
        registered.values().forEach(config -> assertThat(config.values()).noneMatch(v -> v.matches(".*\\$\\{[A-Z].*")));
    }

    @Test
    void aRefusedConfigFailsWithTheWorkersAnswer() throws Exception {
        refuseWith = 400;
        Result result = register(Map.of(), "shop-orders-merge");
        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("shop-orders-merge was refused (HTTP 400)", "Connector configuration is invalid");
    }

    @Test
    void anUnreachableWorkerFailsNamingTheUrl() throws Exception {
        int closedPort = Ports.ephemeral();
        Result result = run(Map.of("CONNECT_URL", "http://127.0.0.1:" + closedPort, "REGISTER_WAIT_SECONDS", "1"));
        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("no Kafka Connect REST API at http://127.0.0.1:" + closedPort);
    }

    private Result register(Map<String, String> env, String... connectors) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("CONNECT_URL", "http://127.0.0.1:" + connect.getAddress().getPort());
        return run(all, connectors);
    }

    private static Result run(Map<String, String> env, String... connectors) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", DEPLOY.resolve("connectors/register.sh").toString()));
        command.addAll(List.of(connectors));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("SOURCE_DB_") || k.startsWith("TARGET_DB_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static Map<String, String> withPrefixRemoved(Map<String, String> config, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static SourceRecord record(String topic) {
        return new SourceRecord(Map.of(), Map.of(), topic, null, null);
    }

    private record Result(int exitCode, String output) {
    }
}
