package io.tidemark.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Connect worker started with the Prometheus JMX exporter's Java agent and the rules the sink's Confluent Hub
 * archive ships in {@code etc/}, loading the sink from that unpacked archive alone, runs the local stack's two sinks
 * while the source streams changes. Its {@code /metrics} serves Tidemark's and Connect's metrics of each sink task,
 * labelled by connector and task, and nothing else but the agent's own JVM metrics; between two scrapes the counters
 * move with the stream, the append sink's applied rows by exactly the changes streamed. The status view's probe, looking
 * at the same sinks, reads their apply latencies and finds nothing unapplied once the stream is in.
 */
class PrometheusMetricsIT {

    /** The agent jar, which the deploy pom copies before the ITs and names in this property. */
    private static final String AGENT = System.getProperty("tidemark.jmx.agent");
    private static final String RULES = "etc/tidemark-jmx-exporter.yaml";
    private static final int TRANSACTIONS = 30;
    private static final double TRANSACTIONS_PER_SECOND = 10;
    private static final List<String> SINKS = List.of(StackSettings.MERGE_SINK, StackSettings.APPEND_SINK);
    private static final String APPLIED = "tidemark_sink_records_applied_total";
    private static final List<String> TIDEMARK_COUNTERS = List.of(APPLIED, "tidemark_sink_records_folded_total",
            "tidemark_sink_records_skipped_stale_total", "tidemark_sink_records_skipped_duplicate_total",
            "tidemark_sink_records_sent_to_dlq_total", "tidemark_sink_records_skipped_neighbour_total",
            "tidemark_sink_source_transactions_streamed_total", "tidemark_sink_source_transactions_split_total",
            "tidemark_sink_batches_committed_total");
    private static final List<String> TIDEMARK_GAUGES = List.of("tidemark_sink_last_commit_duration_seconds",
            "tidemark_sink_last_transaction_records", "tidemark_sink_largest_transaction_records",
            "tidemark_sink_source_to_apply_lag_seconds");
    /** How the README names an exported metric: the families the rules make, of Tidemark's MBean and of Connect's. */
    private static final Pattern DOCUMENTED = Pattern.compile("\\b(?:tidemark_sink|kafka_connect)_\\w+");
    /** The families the rules produce, and those the agent always adds (JVM, process, its own). */
    private static final List<String> EXPORTED_PREFIXES = List.of("tidemark_sink_", "kafka_connect_", "jvm_", "process_", "jmx_");

    private static StackSettings settings;
    private static LocalStack stack;
    private static StackQueries queries;
    private static SinkWorker sinkWorker;
    private static Path sinkArchive;
    private static URI metrics;
    private static PipelineProbe probe;

    @BeforeAll
    static void startTheSinksInAWorkerWithTheAgent() throws IOException {
        assertThat(AGENT).as("tidemark.jmx.agent, set by the deploy pom").isNotNull();
        assertThat(Path.of(AGENT)).as("the agent jar the build copies before the ITs").isRegularFile();
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, StackQueries.isolatedEnvironment("prometheus-metrics"));
        stack = new LocalStack(settings, System.out);
        stack.start();
        queries = new StackQueries(settings);

        Path plugins = Files.createDirectories(settings.home().resolve("hub-plugins"));
        sinkArchive = HubArchives.unpack("jdbc-sink", plugins);
        int port = Ports.ephemeral();
        metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        sinkWorker = new SinkWorker(settings);
        sinkWorker.start(plugins, List.of("-javaagent:" + AGENT + "=127.0.0.1:" + port + ":" + sinkArchive.resolve(RULES)));
        probe = new PipelineProbe(sinkWorker.cluster());
    }

    @AfterAll
    static void stopStack() {
        if (probe != null) {
            probe.close();
        }
        if (sinkWorker != null) {
            sinkWorker.stop();
        }
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void theWorkerServesEachSinkTasksMetricsByConnectorAndTaskAndTheCountersMoveWithTheStream() throws Exception {
        long seeded = DemoShop.SEED_ORDERS;
        awaitTrue("the seed orders in both targets", Duration.ofSeconds(90),
                () -> targetOrders() == seeded && auditRows() == seeded);
        Scrape[] before = new Scrape[1];
        awaitTrue("both sinks' applied rows to stay put for a second", Duration.ofSeconds(30), () -> {
            Scrape first = scrape();
            KafkaServices.sleep(Duration.ofSeconds(1));
            before[0] = scrape();
            return SINKS.stream().allMatch(sink -> first.value(APPLIED, sink) == before[0].value(APPLIED, sink));
        });

        PipelineHealth health = new PipelineHealth();
        health.record(probe.look());
        OrderChurn churn = new OrderChurn(settings.sourceJdbcUrl(), settings.dbUser(), settings.dbPassword());
        churn.run(TRANSACTIONS, TRANSACTIONS_PER_SECOND);
        long changes = churn.changes();
        awaitTrue("every change in the audit table", Duration.ofMinutes(2), () -> auditRows() == seeded + changes);
        awaitTrue("the append sink's applied rows to grow by the " + changes + " changes", Duration.ofSeconds(30),
                () -> scrape().value(APPLIED, StackSettings.APPEND_SINK)
                        - before[0].value(APPLIED, StackSettings.APPEND_SINK) == changes);
        Scrape after = scrape();
        awaitTrue("the status view to find nothing unapplied", Duration.ofSeconds(60), () -> {
            health.record(probe.look());
            return SINKS.stream().allMatch(sink -> Long.valueOf(0).equals(health.last().unapplied().get(sink)));
        });
        assertThat(health.sinks()).containsExactlyElementsOf(SINKS);
        SINKS.forEach(sink -> assertThat(health.latencySamples(sink)).as("applies of " + sink + " the status view saw")
                .isPositive());

        assertThat(after.samples()).as("only whitelisted families").allSatisfy(sample -> assertThat(EXPORTED_PREFIXES)
                .anySatisfy(prefix -> assertThat(sample.name()).startsWith(prefix)));
        Set<String> documented = new TreeSet<>();
        Matcher names = DOCUMENTED.matcher(Files.readString(sinkArchive.resolve("doc/README.md")));
        while (names.find()) {
            documented.add(names.group());
        }
        Set<String> served = new TreeSet<>();
        after.samples().stream().map(Sample::name).filter(name -> DOCUMENTED.matcher(name).matches()).forEach(served::add);
        assertThat(served).as("the metrics served, against those the archive's README names").isEqualTo(documented);
        TIDEMARK_COUNTERS.forEach(name -> assertThat(after.type(name)).as(name).isEqualTo("counter"));
        TIDEMARK_GAUGES.forEach(name -> assertThat(after.type(name)).as(name).isEqualTo("gauge"));
        for (String sink : SINKS) {
            for (String name : TIDEMARK_COUNTERS) {
                assertThat(after.find(name, sink)).as(name + " of " + sink).hasSize(1);
            }
            for (String name : TIDEMARK_GAUGES) {
                assertThat(after.find(name, sink)).as(name + " of " + sink).hasSize(1);
            }
            for (String name : documented) {
                assertThat(after.find(name, sink)).as(name + " of " + sink).isNotEmpty();
            }
            assertThat(after.find("kafka_connect_connector_task_status", sink)).as("task status of " + sink)
                    .singleElement().satisfies(s -> {
                        assertThat(s.labels()).containsEntry("status", "running");
                        assertThat(s.value()).isEqualTo(1.0);
                    });

            assertThat(after.value(APPLIED, sink)).as("rows applied by " + sink).isGreaterThan(before[0].value(APPLIED, sink));
            assertThat(after.value("tidemark_sink_batches_committed_total", sink))
                    .isGreaterThan(before[0].value("tidemark_sink_batches_committed_total", sink));
            assertThat(after.value("kafka_connect_sink_task_sink_record_read_total", sink)
                    - before[0].value("kafka_connect_sink_task_sink_record_read_total", sink))
                    .as("records " + sink + " read from Kafka").isGreaterThanOrEqualTo(changes);
            assertThat(after.value("tidemark_sink_source_to_apply_lag_seconds", sink)).isBetween(0.0, 60.0);
        }
        System.out.printf("prometheus metrics: %,d changes streamed; %s applied %,.0f rows and %s %,.0f between the"
                        + " scrapes; a sample of /metrics:%n", changes,
                StackSettings.MERGE_SINK, after.value(APPLIED, StackSettings.MERGE_SINK) - before[0].value(APPLIED, StackSettings.MERGE_SINK),
                StackSettings.APPEND_SINK, after.value(APPLIED, StackSettings.APPEND_SINK) - before[0].value(APPLIED, StackSettings.APPEND_SINK));
        after.text().lines().filter(l -> l.contains(StackSettings.MERGE_SINK) || l.startsWith("# TYPE tidemark_sink_"))
                .forEach(System.out::println);
        StatusView.table(health, "the status view of the same sinks:").forEach(System.out::println);
    }

    private static Scrape scrape() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + metrics + " answered " + response.statusCode() + ": " + response.body());
            }
            return Scrape.parse(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + metrics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long targetOrders() {
        return queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders");
    }

    private static long auditRows() {
        return queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders_audit");
    }

    /** One line of the Prometheus text format: {@code name{label="value",...} value}. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One answer of {@code /metrics}: its text, its samples and the type of each family. */
    record Scrape(String text, List<Sample> samples, Map<String, String> types) {

        private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        static Scrape parse(String text) {
            List<Sample> samples = new ArrayList<>();
            Map<String, String> types = new HashMap<>();
            for (String line : text.lines().toList()) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    types.put(parts[2], parts[3]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    Matcher sample = SAMPLE.matcher(line);
                    if (!sample.matches()) {
                        throw new IllegalStateException("not a sample line: " + line);
                    }
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (sample.group(2) != null) {
                        Matcher label = LABEL.matcher(sample.group(2));
                        while (label.find()) {
                            labels.put(label.group(1), label.group(2));
                        }
                    }
                    String value = sample.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity");
                    samples.add(new Sample(sample.group(1), labels, Double.parseDouble(value)));
                }
            }
            return new Scrape(text, samples, types);
        }

        /** The samples of the family {@code name} of task 0 of {@code connector}. */
        List<Sample> find(String name, String connector) {
            return samples.stream().filter(s -> s.name().equals(name) && connector.equals(s.labels().get("connector"))
                    && "0".equals(s.labels().get("task"))).toList();
        }

        /** The value of the one such sample; a scrape without it is not a good one yet. */
        double value(String name, String connector) {
            List<Sample> found = find(name, connector);
            if (found.size() != 1) {
                throw new IllegalStateException(found.size() + " samples " + name + " of " + connector + " task 0 in\n" + text);
            }
            return found.get(0).value();
        }

        /** The family's type from its {@code # TYPE} line, which names it as its samples do. */
        String type(String name) {
            return types.get(name);
        }
    }
}
