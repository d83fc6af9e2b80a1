package io.tidemark.deploy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reads the pipeline's vital signs from where operators read them: {@code pg_replication_slots} on the source,
 * consumer-group offsets in Kafka, the sink's {@code cdc_watermark} table on the target, the outbox table, and the
 * Connect REST API. Latency samples come from the watermark: every apply records the source commit time of its
 * last change ({@code source_ts}) and the apply time ({@code updated_at}) in the same transaction as the data, so
 * each apply seen between two looks is one sample.
 */
final class PipelineProbe implements AutoCloseable {

    private final StackSettings settings;
    private final Admin admin;
    private final ConnectRest rest;
    private final Map<String, Instant> lastSourceCommit = new HashMap<>();

    PipelineProbe(StackSettings settings) {
        this.settings = settings;
        this.admin = KafkaServices.admin(settings.bootstrapServers());
        this.rest = new ConnectRest(settings.connectUrl());
    }

    PipelineSnapshot look() {
        List<String> problems = new ArrayList<>();
        Long sourceRows = null;
        Long slotLag = null;
        Boolean slotActive = null;
        Long backlog = null;
        try (Connection c = DriverManager.getConnection(settings.sourceJdbcUrl(), settings.dbUser(), settings.dbPassword());
             Statement s = c.createStatement()) {
            sourceRows = count(s, "SELECT count(*) FROM orders");
            backlog = count(s, "SELECT count(*) FROM outbox");
            try (PreparedStatement ps = c.prepareStatement("SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(),"
                    + " confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, StackSettings.SLOT);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        slotActive = rs.getBoolean(1);
                        slotLag = rs.getLong(2);
                    } else {
                        problems.add("no replication slot " + StackSettings.SLOT + " yet");
                    }
                }
            }
        } catch (SQLException e) {
            problems.add("source database: " + firstLine(e));
        }

        Long targetRows = null;
        List<Duration> latencies = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(settings.targetJdbcUrl(), settings.dbUser(), settings.dbPassword());
             Statement s = c.createStatement()) {
            if (tableExists(s, "orders")) {
                targetRows = count(s, "SELECT count(*) FROM orders WHERE NOT __deleted");
            } else {
                problems.add("target table orders not created yet");
            }
            if (tableExists(s, "cdc_watermark")) {
                readLatencies(s, latencies);
            }
        } catch (SQLException e) {
            problems.add("target database: " + firstLine(e));
        }

        Map<String, String> connectors = new LinkedHashMap<>();
        if (!Ports.accepts(settings.connectPort())) {
            problems.add("Connect: nothing listens on " + settings.connectUrl() + " (is the stack running? ./tidemark start)");
        } else {
            try {
                connectors.putAll(rest.connectorStates());
            } catch (IOException e) {
                problems.add("Connect REST API: " + firstLine(e));
            }
        }

        Map<String, Long> consumerLag = new LinkedHashMap<>();
        Long published = null;
        if (!Ports.accepts(settings.kafkaPort())) {
            problems.add("Kafka: nothing listens on " + settings.bootstrapServers());
        } else try {
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            Set<String> outboxTopics = topics.stream().filter(t -> t.startsWith(StackSettings.OUTBOX_TOPIC_PREFIX))
                    .collect(Collectors.toSet());
            published = recordsIn(outboxTopics);
            for (String sink : sinkConnectors(connectors)) {
                consumerLag.put(sink, consumerLag("connect-" + sink, topics.contains(StackSettings.ORDERS_TOPIC)));
            }
        } catch (Exception e) {
            problems.add("Kafka: " + firstLine(e));
        }
        return new PipelineSnapshot(Instant.now(), sourceRows, targetRows, slotLag, slotActive, consumerLag,
                latencies, published, backlog, connectors, problems);
    }

    private void readLatencies(Statement s, List<Duration> latencies) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT connector_name, topic, kafka_partition, source_ts, updated_at"
                + " FROM cdc_watermark WHERE source_ts IS NOT NULL")) {
            while (rs.next()) {
                String partition = rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getInt(3);
                Instant committed = rs.getTimestamp(4).toInstant();
                Instant applied = rs.getTimestamp(5).toInstant();
                // A sample needs a change applied since the previous look. The first look is only the baseline:
                // a row can carry an old source_ts with a new updated_at (an apply that moved only the offset,
                // e.g. a tombstone, right after a restart), which would read as minutes of latency.
                Instant previous = lastSourceCommit.put(partition, committed);
                if (previous != null && committed.isAfter(previous)) {
                    latencies.add(Duration.between(committed, applied).abs());
                }
            }
        }
    }

    private List<String> sinkConnectors(Map<String, String> connectors) {
        List<String> sinks = new ArrayList<>();
        for (String name : List.of(StackSettings.MERGE_SINK, StackSettings.APPEND_SINK)) {
            if (connectors.containsKey(name)) {
                sinks.add(name);
            }
        }
        return sinks;
    }

    /** Messages not yet committed by {@code group}; a group that committed nothing yet is behind by the whole topic. */
    private long consumerLag(String group, boolean topicExists) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        if (committed.isEmpty() && topicExists) {
            latest.put(new TopicPartition(StackSettings.ORDERS_TOPIC, 0), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (var end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            lag += end.getValue().offset() - (done == null ? 0 : done.offset());
        }
        return lag;
    }

    private long recordsIn(Set<String> topics) throws Exception {
        if (topics.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        var descriptions = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        descriptions.forEach((topic, description) -> description.partitions().forEach(p -> {
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }));
        long total = 0;
        for (var e : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            total += e.getValue().offset();
        }
        for (var e : admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            total -= e.getValue().offset();
        }
        return total;
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean tableExists(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static String firstLine(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
