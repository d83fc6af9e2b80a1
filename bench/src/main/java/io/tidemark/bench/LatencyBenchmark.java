package io.tidemark.bench;

import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.TestPostgres;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End-to-end latency under a steady load: the workload's changes are written to a source table at a fixed
 * rate, Debezium's PostgreSQL connector captures them, and Tidemark's sink applies them to a target table.
 * For every change it reports the delay from the source commit (as the writing client saw it) to the
 * commit of the target transaction that made it visible ({@link VisibilityLog}), and how that splits at the
 * moment the event reached Kafka ({@link KafkaArrivals}). Settings are system
 * properties: {@code rate} (changes/s, default 5,000), {@code seconds} (measured, 60), {@code warmup}
 * (seconds before that, not measured, 10), {@code tx.changes} (changes per source transaction, 10),
 * {@code seed} (42). Properties {@code source.*} and {@code sink.*} are added to the source and sink connector
 * configs without the prefix (e.g. {@code -Dsource.producer.override.linger.ms=5}).
 */
final class LatencyBenchmark {

    private static final String PREFIX = "latency";
    private static final String TOPIC = PREFIX + ".public." + DebeziumEncoding.TABLE;

    private LatencyBenchmark() {
    }

    /** Returns whether the target ended equal to the source. */
    static boolean run(WireFormat format, PrintStream out) throws Exception {
        int rate = Integer.getInteger("rate", 5_000);
        int seconds = Integer.getInteger("seconds", 60);
        int warmup = Integer.getInteger("warmup", 10);
        int perTransaction = Integer.getInteger("tx.changes", 10);
        Workload workload = new Workload(rate * (warmup + seconds), Long.getLong("seed", 42L));
        long lastId = workload.lastInsertedId();

        ItemsDatabase source = ItemsDatabase.create("latency_source");
        ItemsDatabase target = ItemsDatabase.create("latency_target");
        VisibilityLog.install(target);
        try (ConnectWorld world = ConnectWorld.start("latency", 1, Map.of("plugin.discovery", "hybrid_warn"))) {
            world.cluster().kafka().createTopic(TOPIC, 1, 1, KafkaArrivals.topicConfig());
            Map<String, String> sourceConfig = DebeziumPostgres.sourceConfig(source.name(), PREFIX,
                    "public." + DebeziumEncoding.TABLE);
            sourceConfig.putAll(format.connectorConfig());
            sourceConfig.putAll(prefixed("source."));
            world.postConnector("latency-source", sourceConfig);
            world.awaitRunning("latency-source", 1);
            world.postConnector("latency-sink", sinkConfig(target, format));
            world.awaitRunning("latency-sink", 1);

            out.printf(Locale.ROOT, "Source overrides %s, sink overrides %s%n", prefixed("source."), prefixed("sink."));
            out.printf(Locale.ROOT, "Writing %,d changes to the source at %,d changes/s (%d per transaction) as %s:"
                    + " %d s warm-up, %d s measured; load average %.2f%n", workload.events(), rate, perTransaction,
                    format.name(), warmup, seconds, loadAverage());
            SourceLoad.Result load;
            try (Connection connection = source.connect()) {
                load = SourceLoad.run(connection, workload, rate, perTransaction);
            }
            awaitRow(world, target, lastId);
            out.printf(Locale.ROOT, "  source wrote %,.0f changes/s; the pace fell behind by at most %.0f ms;"
                    + " load average %.2f%n", load.changesPerSecond(), load.maxBehindNanos() / 1e6, loadAverage());

            Fingerprint expected = source.fingerprint();
            Fingerprint actual = target.fingerprint("NOT \"__deleted\"");
            List<CommitToVisible.Committed> measured = load.changes().subList(rate * warmup, load.changes().size());
            long[] total = CommitToVisible.latencies(measured, VisibilityLog.read(target));
            KafkaArrivals.Arrivals arrivals = KafkaArrivals.read(world.bootstrapServers(), TOPIC, format);
            long[] toKafka = CommitToVisible.toKafka(measured, arrivals.upsertsByVersion(), arrivals.deletesById());
            long[] fromKafka = CommitToVisible.minus(total, toKafka);
            print(out, format, rate, load, CommitToVisible.summarise(total), CommitToVisible.summarise(toKafka),
                    CommitToVisible.summarise(fromKafka));
            int window = rate * 10;
            out.println("Largest delay in each 10 s of the measured load (ms): source commit -> visible "
                    + windowMaxima(total, window) + "; in Kafka -> visible " + windowMaxima(fromKafka, window));
            if (!expected.equals(actual)) {
                out.println("Target DIFFERS from source: source " + expected + ", target " + actual);
                return false;
            }
            out.println("Target equals source: " + actual);
            return true;
        }
    }

    private static Map<String, String> sinkConfig(ItemsDatabase target, WireFormat format) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.tidemark.sink.IdempotentJdbcSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", TOPIC);
        config.put("connection.url", target.jdbcUrl());
        config.put("connection.user", TestPostgres.USER);
        config.put("connection.password", TestPostgres.PASSWORD);
        config.putAll(format.connectorConfig());
        config.putAll(prefixed("sink."));
        return config;
    }

    /** The system properties that start with {@code prefix}, without it: connector settings to try. */
    static Map<String, String> prefixed(String prefix) {
        Map<String, String> settings = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(prefix)).sorted()
                .forEach(name -> settings.put(name.substring(prefix.length()), System.getProperty(name)));
        return settings;
    }

    private static void awaitRow(ConnectWorld world, ItemsDatabase target, long id)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        try (Connection probe = target.connect()) {
            while (!target.hasRow(probe, id)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the last change did not reach the target within 300 s after the"
                            + " load ended: " + world.describe("latency-source") + "; " + world.describe("latency-sink"));
                }
                Thread.sleep(100);
            }
        }
    }

    private static void print(PrintStream out, WireFormat format, int rate, SourceLoad.Result load,
                              CommitToVisible.Summary total, CommitToVisible.Summary toKafka,
                              CommitToVisible.Summary fromKafka) {
        out.printf(Locale.ROOT, "%nCommit-to-visible latency, %s, source PostgreSQL -> Debezium -> Kafka -> Tidemark sink"
                + " -> target PostgreSQL; %,d changes/s asked, %,.0f/s achieved, %,d changes measured%n%n",
                format.name(), rate, load.changesPerSecond(), total.changes());
        out.println("| stretch | p50 | p95 | p99 | max |");
        out.println("|---|---:|---:|---:|---:|");
        row(out, "source commit -> visible in the target", total);
        row(out, "source commit -> in Kafka (Debezium)", toKafka);
        row(out, "in Kafka -> visible in the target (sink)", fromKafka);
        out.println();
    }

    /** The largest value of each run of {@code window} values, in milliseconds. */
    private static List<Long> windowMaxima(long[] micros, int window) {
        List<Long> maxima = new ArrayList<>();
        for (int from = 0; from < micros.length; from += window) {
            long max = 0;
            for (int i = from; i < Math.min(micros.length, from + window); i++) {
                max = Math.max(max, micros[i]);
            }
            maxima.add(max / 1000);
        }
        return maxima;
    }

    private static void row(PrintStream out, String stretch, CommitToVisible.Summary s) {
        out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", stretch, millis(s.p50()), millis(s.p95()),
                millis(s.p99()), millis(s.max()));
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%,.0f ms", micros / 1000.0);
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
