package io.tidemark.sink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium incremental snapshots (signal {@code execute-snapshot}, type {@code incremental}) into a running sink:
 * the chunk rows ({@code op = r}, {@code source.snapshot = incremental}) carry no change LSN and interleave with
 * the stream, ordered only by Debezium's DBLog window. Every test starts the source with
 * {@code snapshot.mode=no_data}, so the rows that existed before the connector reach the target only through
 * the incremental snapshot. The sink applies them in Kafka order and keeps each row's streamed version, so a
 * transaction open across a chunk still wins and re-published streamed changes are still recognised as stale
 * (DESIGN.md §3, rule 9).
 */
class IncrementalSnapshotIT extends PipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A source with {@code rows} customers and a signal table, captured from now on, and a merge sink. */
    private void start(String name, int rows, int chunkSize, Map<String, String> sourceOverrides) {
        pipeline = new Pipeline(name);
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, rows));
        pipeline.createSignalTable();
        startSource(chunkSize, sourceOverrides);
        pipeline.startSink();
    }

    private void startSource(int chunkSize, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("snapshot.mode", "no_data");
        config.put("signal.data.collection", Pipeline.SIGNAL_TABLE);
        config.put("incremental.snapshot.chunk.size", String.valueOf(chunkSize));
        // Debezium reports STARTED, IN_PROGRESS per chunk and COMPLETED to this topic.
        config.put("notification.enabled.channels", "sink");
        config.put("notification.sink.topic.name", notificationTopic());
        config.putAll(overrides);
        // With no_data nothing is published before the first change, so the topic would not exist yet.
        pipeline.connect.cluster().kafka().createTopic(pipeline.topic(), 1);
        pipeline.startSource(config);
    }

    private String notificationTopic() {
        return pipeline.prefix + ".notifications";
    }

    @Test
    void incrementalSnapshotWhileFourWritersChangeTheSameKeysConvergesToTheSource() throws Exception {
        start("fourwriters", 3000, 100, Map.of());
        long started;
        long duringSnapshot;
        try (TopicReader notifications = new TopicReader(notificationTopic());
             FourWriters writers = new FourWriters(pipeline.source, 3000).start()) {
            Await.until("the writers to be under way", Duration.ofSeconds(30), () -> writers.committed() > 200);
            long before = writers.committed();
            started = System.nanoTime();
            pipeline.requestIncrementalSnapshot("four-writers");
            awaitSnapshotCompleted(notifications, Duration.ofSeconds(120));
            duringSnapshot = writers.committed() - before;
            writers.finish();
        }
        pipeline.awaitConverged(Duration.ofSeconds(90));
        assertSinkTaskRunning();

        List<JsonNode> reads = incrementalReads();
        assertThat(duringSnapshot).as("writer transactions committed while the snapshot ran").isPositive();
        assertThat(reads).as("incremental read events").isNotEmpty();
        System.out.printf("four writers: %,d incremental reads published for %,d source rows; %,d writer transactions"
                        + " during the %.1f s snapshot; target equals source (%,d live rows)%n", reads.size(),
                Sql.count(pipeline.source, "SELECT count(*) FROM customers"), duringSnapshot,
                (System.nanoTime() - started) / 1e9, pipeline.targetRows().size());
        System.out.println("an incremental read's source block: " + reads.get(0).get("source"));
    }

    /**
     * T updates row 150 and stays open; the chunk holding row 150 is read (the old value, T is not committed)
     * and published; then T commits. T's change LSN is below the chunk's window (it was written before the
     * signal), yet it is the newer change: it must apply over the chunk row.
     */
    @Test
    void transactionOpenAcrossAChunkWinsOverTheChunkRow() throws Exception {
        start("openacross", 300, 100, Map.of());
        int id = 150;
        long lsnBeforeSignal;
        JsonNode chunkRead;
        JsonNode committedChange;
        try (TopicReader changes = new TopicReader(pipeline.topic());
             Connection t = TestPostgres.connect(pipeline.source); Statement s = t.createStatement()) {
            t.setAutoCommit(false);
            s.executeUpdate("UPDATE customers SET name = 'open across the chunk', big = -1 WHERE id = " + id);
            lsnBeforeSignal = currentWalLsn();
            pipeline.requestIncrementalSnapshot("open-across");
            chunkRead = changes.awaitFirst("the incremental read of row " + id, Duration.ofSeconds(60),
                    e -> isIncrementalRead(e) && e.path("after").path("id").asInt() == id);
            assertThat(chunkRead.path("after").path("name").asText()).isEqualTo("name " + id);
            t.commit();
            committedChange = changes.awaitFirst("T's update of row " + id, Duration.ofSeconds(60),
                    e -> "u".equals(e.path("op").asText()) && e.path("after").path("id").asInt() == id);
        }
        long changeLsn = committedChange.path("source").path("lsn").asLong();
        // The chunk row has no lsn; its sequence carries the stream position it was published at.
        long chunkLsn = JSON.readTree(chunkRead.path("source").path("sequence").asText()).get(1).asLong();
        System.out.printf("open across a chunk: T's change lsn %d, WAL insert position before the signal %d, chunk"
                        + " row's sequence lsn %d;%n  chunk row source %s%n  T's source %s%n", changeLsn, lsnBeforeSignal,
                chunkLsn, chunkRead.get("source"), committedChange.get("source"));
        assertThat(changeLsn).as("T's change LSN, below the signal that opened the chunk's window")
                .isLessThan(lsnBeforeSignal);
        assertThat(changeLsn).as("T's change LSN, below the position the chunk row carries").isLessThan(chunkLsn);

        pipeline.awaitConverged(Duration.ofSeconds(60));
        assertThat(Sql.queryAsText(pipeline.target, "SELECT name, big FROM customers WHERE id = " + id))
                .containsExactly(List.of("open across the chunk", "-1"));
        assertSinkTaskRunning();
    }

    /**
     * The Debezium source restarts in the middle of the incremental snapshot while a workload keeps raising a
     * per-row counter, and comes back with the chunk position of an older offset flush, as after a crash before
     * its last flushes (its stream position is kept: Debezium refuses one behind the slot). It reads the chunks
     * since that position again, publishing rows the sink already holds; then, as after a crash that also lost
     * its stream offsets, every streamed change is published once more, behind chunk rows with newer images.
     * No target row may ever go back to a lower counter, and the target converges.
     */
    @Test
    void chunkReemittedAfterASourceRestartRegressesNoRow() throws Exception {
        start("srcrestart", 3000, 50, Map.of());
        try (TopicReader notifications = new TopicReader(notificationTopic());
             TopicReader changes = new TopicReader(pipeline.topic());
             SourceWorkload workload = new SourceWorkload(pipeline.source, 1, 3000, 15_000).start()) {
            // The workload's streamed updates create the target table; only then can the watch sample it.
            Await.until("the target table to exist", Duration.ofSeconds(60), () -> {
                failIfFailed("sink");
                return !Sql.query(pipeline.target, "SELECT to_regclass('customers') AS t").get(0).values().contains(null);
            });
            try (RegressionWatch watch = new RegressionWatch(pipeline.target)) {
                pipeline.requestIncrementalSnapshot("source-restart");
                Map<String, Object> olderChunkPosition = Await.until("a flushed source offset with a chunk position",
                        Duration.ofSeconds(60), this::flushedChunkPosition, position -> !position.isEmpty());
                long readAtFlush = incrementalReadCount(changes);
                Await.until("more chunks published after that flush", Duration.ofSeconds(60),
                        () -> incrementalReadCount(changes) >= readAtFlush + 300 || completedCount(notifications) > 0);
                long readBeforeRestart = incrementalReadCount(changes);
                int completedBefore = completedCount(notifications);

                pipeline.connect.cluster().stopConnector("source");
                Await.until("the source to stop", Duration.ofSeconds(60),
                        () -> "STOPPED".equals(pipeline.connect.cluster().connectorStatus("source").connector().state()));
                rewindChunkPosition(olderChunkPosition);
                pipeline.connect.cluster().resumeConnector("source");
                pipeline.connect.awaitRunning("source", 1);
                Await.until("the incremental snapshot to complete after the restart", Duration.ofSeconds(120),
                        () -> completedCount(notifications) > completedBefore);

                workload.await();
                pipeline.awaitConverged(Duration.ofSeconds(90));
                assertThat(watch.regressions()).as("regressed rows over %d samples", watch.samples()).isEmpty();
                List<JsonNode> reads = changes.poll().stream().filter(IncrementalSnapshotIT::isIncrementalRead).toList();
                long keys = reads.stream().map(e -> e.path("after").path("id").asInt()).distinct().count();
                System.out.printf("source restart mid-snapshot: chunk position rewound to the flush after %,d reads;"
                                + " %,d reads before the restart, %,d in all for %,d keys (%,d read again); %,d workload"
                                + " changes; no row regressed over %d samples%n", readAtFlush, readBeforeRestart,
                        reads.size(), keys, reads.size() - keys, workload.done(), watch.samples());
                assertThat(reads.size() - keys).as("rows Debezium read again after the restart").isPositive();

                // A crash that also loses the stream offsets makes Debezium publish its streamed changes again, now
                // behind chunk rows that hold newer images: each must be recognised as stale.
                int republished = republishStreamedChanges();
                long end = endOffset();
                Await.until("the sink to reach offset " + end, Duration.ofSeconds(90), () -> {
                    failIfFailed("sink");
                    return Sql.count(pipeline.target, "SELECT coalesce(max(next_offset), 0) FROM cdc_watermark") >= end;
                });
                pipeline.awaitConverged(Duration.ofSeconds(10));
                assertThat(watch.regressions()).as("regressed rows over %d samples", watch.samples()).isEmpty();
                System.out.printf("source restart mid-snapshot: %,d streamed changes published again; no row regressed%n",
                        republished);
            }
        }
        assertSinkTaskRunning();
    }

    /** Publishes every streamed change of the customers topic again, byte for byte, in order; returns how many. */
    private int republishStreamedChanges() throws Exception {
        List<ProducerRecord<byte[], byte[]>> streamed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : pipeline.connect.cluster().kafka().consumeAll(30_000, pipeline.topic())) {
            if (r.value() != null && !"r".equals(JSON.readTree(r.value()).path("payload").path("op").asText())) {
                streamed.add(new ProducerRecord<>(r.topic(), r.partition(), r.key(), r.value()));
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = pipeline.connect.cluster().kafka().createProducer(Map.of())) {
            streamed.forEach(producer::send);
        }
        return streamed.size();
    }

    /** The incremental-snapshot fields of the source's flushed offset; empty while it holds none. */
    private Map<String, Object> flushedChunkPosition() {
        Map<String, Object> position = new LinkedHashMap<>();
        pipeline.connect.cluster().connectorOffsets("source").offsets().forEach(o -> o.offset().forEach((k, v) -> {
            if (k.startsWith("incremental_snapshot_")) {
                position.put(k, v);
            }
        }));
        return position.containsKey("incremental_snapshot_primary_key") ? position : Map.of();
    }

    /** Replaces the stopped source's chunk position by {@code older}, keeping its stream position. */
    private void rewindChunkPosition(Map<String, Object> older) {
        List<ConnectorOffset> rewound = new ArrayList<>();
        for (ConnectorOffset o : pipeline.connect.cluster().connectorOffsets("source").offsets()) {
            Map<String, Object> offset = new LinkedHashMap<>(o.offset());
            offset.putAll(older);
            rewound.add(new ConnectorOffset(o.partition(), offset));
        }
        pipeline.connect.cluster().alterConnectorOffsets("source", new ConnectorOffsets(rewound));
    }

    private static long incrementalReadCount(TopicReader changes) {
        return changes.poll().stream().filter(IncrementalSnapshotIT::isIncrementalRead).count();
    }

    @Test
    void incrementalSnapshotSignalledOverKafkaIsApplied() throws Exception {
        pipeline = new Pipeline("kafkasignal");
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, 500));
        pipeline.createSignalTable();
        String signals = pipeline.prefix + ".signals";
        pipeline.connect.cluster().kafka().createTopic(signals, 1);
        startSource(100, Map.of(
                "signal.enabled.channels", "source,kafka",
                "signal.kafka.topic", signals,
                "signal.kafka.bootstrap.servers", pipeline.connect.bootstrapServers(),
                // The signal consumer gets one short poll per signal-processor tick (default every 5 s), and its
                // metadata, coordinator, offset lookup and reset take a poll each: ~40 s before a first signal.
                "signal.poll.interval.ms", "500",
                "signal.kafka.poll.timeout.ms", "1000"));
        pipeline.startSink();

        // The key names the connector (its topic.prefix); Debezium ignores signals keyed for another.
        pipeline.connect.cluster().kafka().produce(signals, pipeline.prefix, """
                {"id": "kafka-1", "type": "execute-snapshot",
                 "data": {"data-collections": ["public.customers"], "type": "INCREMENTAL"}}""");
        pipeline.awaitConverged(Duration.ofSeconds(90));
        assertThat(pipeline.targetRows()).hasSize(500);
        assertThat(incrementalReads()).hasSize(500);
        assertSinkTaskRunning();
        // Signalled over Kafka, the (non read-only) snapshot still marks its windows in the signal table.
        System.out.println("kafka signal: signal table rows by type " + Sql.queryAsText(pipeline.source,
                "SELECT type, count(*) FROM debezium_signal GROUP BY type ORDER BY type"));
        assertThat(Sql.count(pipeline.source, "SELECT count(*) FROM debezium_signal WHERE type = 'execute-snapshot'"))
                .isZero();
    }

    @Test
    void appendModeRecordsEachIncrementalReadOnce() throws Exception {
        start("appendincr", 400, 100, Map.of());
        pipeline.connect.postConnector("audit", auditConfig());
        pipeline.connect.awaitRunning("audit", 1);
        try (TopicReader notifications = new TopicReader(notificationTopic())) {
            pipeline.requestIncrementalSnapshot("append");
            awaitSnapshotCompleted(notifications, Duration.ofSeconds(60));
        }
        int published = incrementalReads().size();
        assertThat(published).isEqualTo(400);
        String reads = "SELECT count(*) FROM customers_audit WHERE __op = 'r'";
        Await.until("every incremental read in the audit table", Duration.ofSeconds(60), () -> {
            failIfFailed("audit");
            return countOrZero(reads) >= published;
        });
        pipeline.awaitConverged(Duration.ofSeconds(30));

        // Redelivery: the audit sink comes back without its consumer-group offsets.
        pipeline.connect.deleteConnector("audit");
        Await.until("the audit sink's consumer group to be deleted", Duration.ofSeconds(60),
                () -> deleteConsumerGroup("connect-audit"));
        pipeline.connect.postConnector("audit", auditConfig());
        pipeline.connect.awaitRunning("audit", 1);
        long end = endOffset();
        Await.until("the audit sink to reach offset " + end, Duration.ofSeconds(60), () -> Sql.count(pipeline.target,
                "SELECT coalesce(max(next_offset), 0) FROM cdc_watermark WHERE connector_name = 'audit'") >= end);

        assertThat(Sql.count(pipeline.target, reads)).isEqualTo(published);
        assertThat(Sql.count(pipeline.target, "SELECT count(DISTINCT id) FROM customers_audit WHERE __op = 'r'"))
                .isEqualTo(published);
        assertThat(Sql.count(pipeline.target, "SELECT count(*) FROM customers_audit")).isEqualTo(published);
        assertThat(pipeline.connect.cluster().connectorStatus("audit").tasks())
                .extracting(t -> t.state()).containsOnly("RUNNING");
        System.out.println("append: an incremental read's audit row " + Sql.queryAsText(pipeline.target,
                "SELECT id, __op, __source_version, __source_sequence, __source_tx_id, __kafka_offset FROM customers_audit"
                        + " ORDER BY id LIMIT 1"));
    }

    private Map<String, String> auditConfig() {
        Map<String, String> config = pipeline.sinkConfig();
        config.put("mode", "append");
        config.put("table.name.format", "${source.table}_audit");
        return config;
    }

    private long countOrZero(String sql) {
        try {
            return Sql.count(pipeline.target, sql);
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    private boolean deleteConsumerGroup(String group) {
        try (Admin admin = pipeline.connect.cluster().kafka().createAdminClient()) {
            admin.deleteConsumerGroups(List.of(group)).all().get();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private void assertSinkTaskRunning() {
        assertThat(pipeline.connect.cluster().connectorStatus("sink").tasks())
                .as(pipeline.connect.describe("sink")).extracting(t -> t.state()).containsOnly("RUNNING");
    }

    private void awaitSnapshotCompleted(TopicReader notifications, Duration timeout) {
        Await.until("Debezium's notification that the incremental snapshot COMPLETED", timeout, () -> {
            failIfFailed("source");
            return completedCount(notifications) > 0;
        });
    }

    private static int completedCount(TopicReader notifications) {
        return (int) notifications.poll().stream()
                .filter(n -> "Incremental Snapshot".equals(n.path("aggregate_type").asText())
                        && "COMPLETED".equals(n.path("type").asText()))
                .count();
    }

    /** Every incremental read Debezium published to the customers topic so far, in Kafka order. */
    private List<JsonNode> incrementalReads() {
        try (TopicReader changes = new TopicReader(pipeline.topic())) {
            return changes.poll().stream().filter(IncrementalSnapshotIT::isIncrementalRead).toList();
        }
    }

    private long endOffset() {
        try {
            return pipeline.connect.cluster().kafka().endOffset(new TopicPartition(pipeline.topic(), 0));
        } catch (Exception e) {
            throw new IllegalStateException("no end offset for " + pipeline.topic(), e);
        }
    }

    /** Ends a wait at once when a task of {@code connector} FAILED: it would stay so. */
    private void failIfFailed(String connector) {
        if (pipeline.connect.cluster().connectorStatus(connector).tasks().stream()
                .anyMatch(t -> "FAILED".equals(t.state()))) {
            throw new AssertionError("a task FAILED: " + pipeline.connect.describe(connector));
        }
    }

    static boolean isIncrementalRead(JsonNode event) {
        return "r".equals(event.path("op").asText())
                && "incremental".equals(event.path("source").path("snapshot").asText());
    }

    /** The end of the WAL written so far, including records not yet flushed (an open transaction's). */
    private long currentWalLsn() {
        return Sql.count(pipeline.source, "SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint");
    }

    /** Reads one single-partition topic from its beginning and keeps every record's JSON payload (tombstones left out). */
    private final class TopicReader implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final TopicPartition partition;
        private final List<JsonNode> payloads = new ArrayList<>();

        TopicReader(String topic) {
            consumer = pipeline.connect.cluster().kafka().createConsumer(Map.of());
            partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        }

        /** Reads up to the topic's current end; returns everything read so far, in offset order. */
        List<JsonNode> poll() {
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partition + " to offset " + end + " in 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value() != null) {
                        try {
                            payloads.add(JSON.readTree(record.value()).get("payload"));
                        } catch (IOException e) {
                            throw new UncheckedIOException("unreadable record at offset " + record.offset(), e);
                        }
                    }
                }
            }
            return payloads;
        }

        JsonNode awaitFirst(String what, Duration timeout, Predicate<JsonNode> match) {
            return Await.until(what, timeout, () -> poll().stream().filter(match).findFirst(), Optional::isPresent)
                    .get();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /**
     * Four threads changing random keys of 1..{@code maxId} (and a few above it): transactions of one to three
     * updates, deletes and inserts, keys locked in ascending order so the writers never deadlock, some
     * transactions pausing between statements so they stay open across a chunk window.
     */
    private static final class FourWriters implements AutoCloseable {

        private final String database;
        private final int maxId;
        private final AtomicLong committed = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;
        private volatile Exception failure;

        FourWriters(String database, int maxId) {
            this.database = database;
            this.maxId = maxId;
            for (int w = 0; w < 4; w++) {
                int writer = w;
                threads.add(new Thread(() -> run(writer), "writer-" + w));
            }
        }

        FourWriters start() {
            threads.forEach(Thread::start);
            return this;
        }

        private void run(int writer) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                for (long n = 0; running; n++) {
                    int[] ids = random.ints(1 + random.nextInt(3), 1, maxId + maxId / 10).sorted().distinct().toArray();
                    boolean pause = random.nextInt(10) == 0;
                    for (int id : ids) {
                        int kind = random.nextInt(10);
                        if (kind < 7) {
                            s.executeUpdate("UPDATE customers SET name = 'w" + writer + "-" + n + "', big = big + 1,"
                                    + " balance = balance + 1 WHERE id = " + id);
                        } else if (kind < 8) {
                            s.executeUpdate("DELETE FROM customers WHERE id = " + id);
                        } else {
                            s.executeUpdate(Pipeline.insertCustomers(id, id) + " ON CONFLICT (id) DO NOTHING");
                        }
                        if (pause) {
                            Thread.sleep(random.nextInt(5, 30));
                        }
                    }
                    c.commit();
                    committed.incrementAndGet();
                }
            } catch (SQLException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        long committed() {
            return committed.get();
        }

        /** Stops the writers after their current transaction; rethrows what stopped one early. */
        void finish() throws Exception {
            running = false;
            for (Thread t : threads) {
                t.join(30_000);
            }
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() {
            running = false;
        }
    }
}
