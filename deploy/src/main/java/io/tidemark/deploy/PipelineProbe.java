package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
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
 * Reads the pipeline's vital signs from where operators read them: {@code pg_replication_slots} on a PostgreSQL
 * source, the binlog position ({@code SHOW MASTER STATUS}) on a MariaDB source against the Debezium connector's
 * committed offset (Connect's offsets API), consumer-group offsets in Kafka, the sink's {@code cdc_watermark} table on
 * the target (a DuckDB target's file between the sinks' transactions, {@link TargetDatabase#openForReading}), the
 * outbox table, and the Connect REST API. Latency samples come from the watermark: every apply
 * records the source commit time of its last change ({@code source_ts}) and the apply time ({@code updated_at}) in
 * the same transaction as the data, so each apply seen between two looks is one sample. The watermark's
 * {@code next_offset} against the end of each partition says what a sink has not applied yet, which its consumer
 * group's offsets say only a flush interval late, and its {@code source_position} how far into the binlog the sinks
 * applied. Only the watermark columns named here are read, so columns added later change nothing.
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
        boolean binlog = settings.source() == SourceDatabase.MARIADB;
        List<String> problems = new ArrayList<>();
        Long sourceRows = null;
        Long slotLag = null;
        Boolean slotActive = null;
        BinlogPosition serverBinlog = null;
        Long backlog = null;
        try (Connection c = DriverManager.getConnection(settings.sourceJdbcUrl(), settings.debeziumUser(),
                settings.dbPassword()); Statement s = c.createStatement()) {
            sourceRows = count(s, "SELECT count(*) FROM orders");
            backlog = count(s, "SELECT count(*) FROM outbox");
            if (binlog) {
                serverBinlog = binlogPosition(s);
                if (serverBinlog == null) {
                    problems.add("the source writes no binlog (SHOW MASTER STATUS is empty)");
                }
            } else {
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
            }
        } catch (SQLException e) {
            problems.add("source database: " + firstLine(e));
        }

        Long targetRows = null;
        Map<String, List<Duration>> latencies = new LinkedHashMap<>();
        Map<String, Map<TopicPartition, Long>> applied = null;
        BinlogPosition appliedBinlog = null;
        try (Connection c = settings.target().openForReading(settings); Statement s = c.createStatement()) {
            if (tableExists(s, "orders")) {
                targetRows = count(s, "SELECT count(*) FROM orders WHERE NOT __deleted");
            } else {
                problems.add("target table orders not created yet");
            }
            if (tableExists(s, "cdc_watermark")) {
                applied = readWatermark(s, latencies);
                if (binlog) {
                    appliedBinlog = furthestApplied(s);
                }
            }
        } catch (SQLException e) {
            problems.add("target database: " + firstLine(e));
        }

        Map<String, String> connectors = new LinkedHashMap<>();
        BinlogPosition debeziumBinlog = null;
        if (!Ports.accepts(settings.connectPort())) {
            problems.add("Connect: nothing listens on " + settings.connectUrl() + " (is the stack running? ./tidemark start)");
        } else {
            try {
                connectors.putAll(rest.connectorStates());
                if (binlog && connectors.containsKey(settings.source().connector())) {
                    debeziumBinlog = committedBinlogPosition(settings.source().connector());
                }
            } catch (IOException e) {
                problems.add("Connect REST API: " + firstLine(e));
            }
        }

        Map<String, Long> consumerLag = new LinkedHashMap<>();
        Map<String, Long> unapplied = new LinkedHashMap<>();
        Long published = null;
        if (!Ports.accepts(settings.kafkaPort())) {
            problems.add("Kafka: nothing listens on " + settings.bootstrapServers());
        } else try {
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            Set<String> outboxTopics = topics.stream().filter(t -> t.startsWith(StackSettings.OUTBOX_TOPIC_PREFIX))
                    .collect(Collectors.toSet());
            published = recordsIn(outboxTopics);
            for (String sink : sinkConnectors(connectors)) {
                Lag lag = lag(sink, topics, applied == null ? null : applied.getOrDefault(sink, Map.of()));
                consumerLag.put(sink, lag.uncommitted());
                if (lag.unapplied() != null) {
                    unapplied.put(sink, lag.unapplied());
                }
            }
        } catch (Exception e) {
            problems.add("Kafka: " + firstLine(e));
        }
        SourceLag sourceLag = binlog ? new SourceLag.Binlog(serverBinlog, debeziumBinlog, appliedBinlog)
                : new SourceLag.Slot(slotLag, slotActive);
        return new PipelineSnapshot(Instant.now(), sourceRows, targetRows, sourceLag, consumerLag, unapplied,
                latencies, published, backlog, connectors, problems);
    }

    /** The binlog file and position the server writes next; null when it writes no binlog. */
    private static BinlogPosition binlogPosition(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            return rs.next() ? new BinlogPosition(rs.getString("File"), rs.getLong("Position")) : null;
        }
    }

    /** The furthest binlog position any sink applied, by the watermark's {@code source_position}; null before any. */
    private static BinlogPosition furthestApplied(Statement s) throws SQLException {
        BinlogPosition furthest = null;
        try (ResultSet rs = s.executeQuery("SELECT source_position FROM cdc_watermark WHERE source_position IS NOT NULL")) {
            while (rs.next()) {
                BinlogPosition position = BinlogPosition.fromSourcePosition(rs.getString(1));
                if (position != null && (furthest == null || position.compareTo(furthest) > 0)) {
                    furthest = position;
                }
            }
        }
        return furthest;
    }

    /**
     * Where the Debezium MySQL connector resumes reading: the {@code file} and {@code pos} of its committed offset
     * (the start of the last transaction it read); null before its first offset flush.
     */
    private BinlogPosition committedBinlogPosition(String connector) throws IOException {
        for (JsonNode offset : rest.sourceOffsets(connector)) {
            if (offset.hasNonNull("file") && offset.has("pos")) {
                return new BinlogPosition(offset.path("file").asText(), offset.path("pos").asLong());
            }
        }
        return null;
    }

    /**
     * The next offset of every partition in the watermark, per connector, and into {@code latencies} the samples of
     * applies since the previous look.
     */
    private Map<String, Map<TopicPartition, Long>> readWatermark(Statement s, Map<String, List<Duration>> latencies)
            throws SQLException {
        Map<String, Map<TopicPartition, Long>> nextOffsets = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT connector_name, topic, kafka_partition, next_offset, source_ts, updated_at"
                + " FROM cdc_watermark")) {
            while (rs.next()) {
                String connector = rs.getString("connector_name");
                TopicPartition partition = new TopicPartition(rs.getString("topic"), rs.getInt("kafka_partition"));
                nextOffsets.computeIfAbsent(connector, k -> new HashMap<>()).put(partition, rs.getLong("next_offset"));
                Timestamp sourceTs = rs.getTimestamp("source_ts");
                if (sourceTs == null) {
                    continue;
                }
                Instant committed = sourceTs.toInstant();
                Instant applied = rs.getTimestamp("updated_at").toInstant();
                // A sample needs a change applied since the previous look. The first look is only the baseline:
                // a row can carry an old source_ts with a new updated_at (an apply that moved only the offset,
                // e.g. a tombstone, right after a restart), which would read as minutes of latency.
                Instant previous = lastSourceCommit.put(connector + "/" + partition, committed);
                if (previous != null && committed.isAfter(previous)) {
                    latencies.computeIfAbsent(connector, k -> new ArrayList<>()).add(Duration.between(committed, applied).abs());
                }
            }
        }
        return nextOffsets;
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

    /** A sink's messages not committed by its consumer group, and not applied (null without a watermark table). */
    private record Lag(long uncommitted, Long unapplied) {
    }

    /**
     * How far {@code sink} is behind, over the partitions of existing {@code topics} its consumer group or its watermark
     * rows ({@code applied}, null without a watermark table) know; a sink that has neither yet is behind by the whole
     * orders topic.
     */
    private Lag lag(String sink, Set<String> topics, Map<TopicPartition, Long> applied) throws Exception {
        Map<TopicPartition, Long> committed = new HashMap<>();
        admin.listConsumerGroupOffsets("connect-" + sink).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .forEach((tp, offset) -> {
                    if (offset != null) {
                        committed.put(tp, offset.offset());
                    }
                });
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        if (applied != null) {
            applied.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        }
        // A topic deleted since would fail the whole offsets request.
        latest.keySet().removeIf(tp -> !topics.contains(tp.topic()));
        if (latest.isEmpty() && topics.contains(settings.ordersTopic())) {
            latest.put(new TopicPartition(settings.ordersTopic(), 0), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, end) -> ends.put(tp, end.offset()));
        return new Lag(Backlog.behind(ends, committed), applied == null ? null : Backlog.behind(ends, applied));
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

    /** Whether {@code table} is in the current schema, in the SQL of PostgreSQL and DuckDB alike. */
    private static boolean tableExists(Statement s, String table) throws SQLException {
        return count(s, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                + " AND table_name = '" + table + "'") > 0;
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
