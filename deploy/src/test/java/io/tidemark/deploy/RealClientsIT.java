package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testkit.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The local stack's topics read with clients no one here wrote: {@code kcat} reads the routed outbox events with their
 * id and type headers, and a Python consumer loop on {@code confluent_kafka} (Debian's python3-confluent-kafka, under
 * /usr/bin/python3) reads the change events and dispatches on {@code payload.op}. A format regression shows up as a
 * real client failing, not only as our own reader disagreeing. CI installs both clients; a machine without them
 * skips this.
 */
class RealClientsIT {

    private static final int TRANSACTIONS = 200;
    private static StackSettings settings;
    private static LocalStack stack;
    private static StackQueries queries;

    @BeforeAll
    static void startStackAndRunTheDemoWorkload() throws IOException {
        boolean clients = ExternalTools.succeeds("kcat", "-V")
                && ExternalTools.succeeds("/usr/bin/python3", "-c", "import confluent_kafka");
        assumeTrue(clients || System.getenv("CI") != null,
                "kcat or /usr/bin/python3 with confluent_kafka is missing (CI installs kcat and python3-confluent-kafka)");
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, StackQueries.isolatedEnvironment("real-clients"));
        stack = new LocalStack(settings, System.out);
        stack.start();
        queries = new StackQueries(settings);
        DemoShop.on(settings)
                .run(100, TRANSACTIONS, new AtomicBoolean(true));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void kcatReadsTheRoutedOutboxEventsWithTheirIdAndTypeHeaders() throws Exception {
        String topic = StackSettings.OUTBOX_TOPIC_PREFIX + "Order";
        long orders = queries.count(settings.sourceJdbcUrl(), "SELECT last_value FROM orders_id_seq");
        awaitTrue("an event on " + topic + " for each of the " + orders + " orders", Duration.ofSeconds(120),
                () -> queries.recordValues(topic, v -> v).size() == orders);

        String output = run(List.of("kcat", "-C", "-b", settings.bootstrapServers(), "-t", topic, "-o", "beginning",
                "-e", "-q", "-f", "%k\t%h\t%s\n"));
        List<String> events = output.lines().filter(l -> !l.isBlank()).toList();
        assertThat(events).hasSize((int) orders);
        for (String event : events) {
            String[] parts = event.split("\t", 3);
            assertThat(parts).as(event).hasSize(3);
            assertThat(parts[0]).as("key: the aggregate id").containsPattern("\\d+");
            assertThat(parts[1]).as("headers").containsPattern("(^|,)id=[0-9a-f-]{36}(,|$)")
                    .contains("eventType=OrderPlaced");
            assertThat(parts[2]).as("value").contains("orderId");
        }
        System.out.printf("kcat: %d events on %s, e.g. %s%n", events.size(), topic, events.get(0));
    }

    @Test
    void aPythonConfluentKafkaConsumerDispatchesTheChangeEventsOnPayloadOp() throws Exception {
        Map<String, Long> ours = queries.recordValues(settings.ordersTopic(), v -> v.at("/payload/op").asText())
                .stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        Path script = Files.createTempFile("tidemark-consumer", ".py");
        Files.writeString(script, String.join("\n",
                "import json, sys",
                "from confluent_kafka import Consumer",
                "consumer = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'tidemark-real-clients',",
                "                     'auto.offset.reset': 'earliest', 'enable.auto.commit': False})",
                "consumer.subscribe([sys.argv[2]])",
                "handled = {}",
                "def on_change(op, payload):",
                "    handled[op] = handled.get(op, 0) + 1",
                "idle = 0",
                "while idle < 10:",
                "    message = consumer.poll(1.0)",
                "    if message is None:",
                "        idle += 1",
                "        continue",
                "    idle = 0",
                "    if message.error():",
                "        raise SystemExit(str(message.error()))",
                "    if message.value() is None:",
                "        continue",
                "    payload = json.loads(message.value())['payload']",
                "    on_change(payload['op'], payload)",
                "consumer.close()",
                "print(json.dumps(handled, sort_keys=True))", ""));
        String output = run(List.of("/usr/bin/python3", script.toString(), settings.bootstrapServers(),
                settings.ordersTopic()));
        String counts = output.lines().reduce((a, b) -> b).orElse("");
        Map<String, Long> python = new TreeMap<>();
        JsonNode parsed = new ObjectMapper().readTree(counts);
        parsed.properties().forEach(e -> python.put(e.getKey(), e.getValue().asLong()));
        assertThat(python).as("what the Python loop dispatched").isEqualTo(ours).containsKeys("r", "c", "u", "d");
        System.out.printf("python confluent_kafka: change events per op %s%n", python);
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + text).isZero();
        return text;
    }
}
