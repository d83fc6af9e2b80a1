package io.tidemark.bench;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A sink connector that reads the benchmark topic into a fresh target database. A run lasts from the
 * POST of the connector to the moment every partition's last change is visible ({@link WorkloadEnd}), so it includes the task's
 * start and its consumer joining the group (about a second here) besides the apply work. {@code userKey} is the
 * sink's name for the login's user setting.
 */
record ConnectContender(String label, Map<String, String> config, String userKey) {

    /**
     * Both sinks read the same polls: up to 5,000 records each, as our sink's default batch.size; {@code -Dtasks}
     * tasks (1).
     */
    private static Map<String, String> common() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("tasks.max", Integer.toString(Integer.getInteger("tasks", 1)));
        config.put("topics", DebeziumEncoding.TOPIC);
        config.put("consumer.override.max.poll.records", "5000");
        return config;
    }

    static ConnectContender tidemark() {
        Map<String, String> config = common();
        config.put("connector.class", "io.tidemark.sink.IdempotentJdbcSinkConnector");
        config.put("mode", "merge");
        // Hard deletes leave the same live rows as the other contenders; soft deletes would keep tombstoned rows.
        config.put("delete.mode", "hard");
        config.putAll(LatencyBenchmark.prefixed("tidemark."));
        return new ConnectContender("Tidemark sink (merge)", config, "connection.user");
    }

    /**
     * Debezium's JDBC sink of {@code release} (e.g. {@code 3.5.0.Final}), picked among the releases on the worker's
     * {@code plugin.path} by {@code connector.plugin.version}, an exact version range.
     */
    static ConnectContender debezium(String release) {
        Map<String, String> config = common();
        config.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        config.put("connector.plugin.version", "[" + release + "]");
        config.put("insert.mode", "upsert");
        config.put("delete.enabled", "true");
        config.put("primary.key.mode", "record_key");
        config.put("collection.name.format", DebeziumEncoding.TABLE);
        config.put("schema.evolution", "none");
        config.put("batch.size", "5000");
        return new ConnectContender("Debezium JDBC sink " + DebeziumReleases.shortName(release), config,
                "connection.username");
    }

    /**
     * Runs the connector in {@code worker} until {@code end} shows in {@code target}, {@code stretch} from the POST
     * to then.
     */
    void run(SinkWorker worker, String name, WireFormat format, TargetTable target, WorkloadEnd end, Stretch stretch)
            throws SQLException, InterruptedException {
        Map<String, String> withTarget = new LinkedHashMap<>(config);
        withTarget.putAll(format.connectorConfig());
        withTarget.put("connection.url", target.jdbcUrl());
        if (target.user() != null) {
            withTarget.put(userKey, target.user());
            withTarget.put("connection.password", target.password());
        }
        try (Connection probe = target.connect()) {
            WorkloadEnd.Progress progress = end.progress(() -> worker.committedOffsets(name));
            stretch.start();
            worker.postConnector(name, withTarget);
            long nextStatusCheck = System.nanoTime();
            while (!progress.done(probe)) {
                long now = System.nanoTime();
                if (now >= nextStatusCheck) {
                    String failure = worker.failure(name);
                    if (failure != null) {
                        throw new IllegalStateException("contender failed: " + failure);
                    }
                    nextStatusCheck = now + 2_000_000_000L;
                }
                Thread.sleep(20);
            }
            stretch.end();
            printTransactionSizes(name);
            worker.deleteConnector(name);
        }
    }

    /**
     * Tidemark's tasks in this JVM: how many target transactions they committed and the largest, which is what its
     * adaptive transactions reached (the raw-window contender can be run with that window).
     */
    private static void printTransactionSizes(String name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long transactions = 0;
        long largest = 0;
        try {
            Set<ObjectName> tasks = server.queryNames(new ObjectName("io.tidemark:type=sink-task-metrics,connector="
                    + ObjectName.quote(name) + ",*"), null);
            if (tasks.isEmpty()) {
                return;
            }
            for (ObjectName task : tasks) {
                transactions += ((Number) server.getAttribute(task, "BatchesCommitted")).longValue();
                largest = Math.max(largest, ((Number) server.getAttribute(task, "LargestTransactionRecords")).longValue());
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the metrics of " + name, e);
        }
        System.out.printf(Locale.ROOT, "    %s: %,d target transactions, the largest of %,d records%n", name,
                transactions, largest);
    }
}
