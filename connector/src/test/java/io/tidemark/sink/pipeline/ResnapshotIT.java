package io.tidemark.sink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.Sql;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium snapshotting again over a target that already holds an earlier copy (docs/correctness.md §1, promise 3;
 * the facts in §2.2). A re-snapshot is a new image at a new snapshot point, and Debezium streams on from there:
 * the rows deleted at the source before that point reach the sink only as rows the snapshot no longer has. Once a
 * table's snapshot is complete, the target must hold what the source holds, no row it deleted; a snapshot that
 * stops half-way proves nothing about the rows it did not reach, and must delete none.
 *
 * <p>The source database commits synchronously, as a production source does. The shared test server runs with
 * {@code synchronous_commit=off}; there {@code pg_current_wal_lsn()}, Debezium's snapshot point, is the WAL write
 * position, which lags transactions already committed, so Debezium streams them once more after the snapshot,
 * their deletes included, and the ghosts would not show.
 */
class ResnapshotIT extends PipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ITEM_COLUMNS = "id, label";
    private static final String BIG_COLUMNS = "id, pad";

    private String deleteMode = "soft";

    private void newPipeline(String name, String... tables) {
        pipeline = new Pipeline(name);
        Sql.execute(pipeline.source, "ALTER DATABASE " + pipeline.source + " SET synchronous_commit = on");
        Sql.execute(pipeline.source, tables);
    }

    /**
     * Offsets lost while the replication slot survives, which is what a worker killed before its first offset
     * flush leaves (RestartIT's re-snapshot keeps its offsets). Two tables: the last row of the first table's
     * snapshot carries {@code last_in_data_collection}, the last row of the last table carries {@code last} only.
     */
    @ParameterizedTest(name = "delete.mode={0}")
    @ValueSource(strings = {"soft", "hard"})
    void resnapshotAfterLostOffsetsWithAWriterRunningConvergesAndDeletedRowsAreGone(String deleteMode) throws Exception {
        this.deleteMode = deleteMode;
        newPipeline("resnap_" + deleteMode,
                "CREATE TABLE items (id integer PRIMARY KEY, label text)",
                Pipeline.insertCustomers(1, 200),
                "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 30) g");
        pipeline.startSource("public.customers,public.items", Map.of());
        pipeline.startSink(Map.of("topics", topic("customers") + "," + topic("items"), "delete.mode", deleteMode));
        awaitTargetEqualsSource(Duration.ofSeconds(90));

        try (ChurnWorkload churn = new ChurnWorkload(pipeline.source, 800, 40).start()) {
            Await.until("the churn to be under way", Duration.ofSeconds(30), () -> churn.done() >= 100);
            stopSource();
            int deletesBefore = churn.deletes();
            int transactionsBefore = churn.done();
            Await.until("200 transactions while the source is stopped", Duration.ofSeconds(30),
                    () -> churn.done() >= transactionsBefore + 200);
            pipeline.connect.cluster().resetConnectorOffsets("source");
            pipeline.connect.cluster().resumeConnector("source");
            int deletedWhileStopped = churn.deletes() - deletesBefore;
            churn.await(Duration.ofSeconds(90));
            System.out.printf("re-snapshot after lost offsets (delete.mode=%s): %d rows deleted at the source while"
                    + " its connector was stopped%n", deleteMode, deletedWhileStopped);
            assertThat(deletedWhileStopped).as("rows deleted while the source was stopped").isGreaterThan(100);
        }
        awaitTargetEqualsSource(Duration.ofSeconds(90));
    }

    /**
     * The target holds a full copy of {@code big}; while the source is stopped some of its rows are deleted, the
     * offsets are lost and a new snapshot starts, slowed down, and is stopped a third of the way through {@code
     * big}. {@code items}, read first, is complete in that snapshot (its last row carries {@code
     * last_in_data_collection}); {@code big} is not: its rows the stopped snapshot did not reach, and the rows
     * deleted at the source, all stay. The snapshot Debezium takes on resuming (from the first row, as the
     * stored offset says the last one never completed) then removes the deleted rows.
     */
    @Test
    void stoppedHalfSnapshotDeletesNothing() throws Exception {
        newPipeline("halfsnap",
                "CREATE TABLE items (id integer PRIMARY KEY, label text)",
                "CREATE TABLE big (id integer PRIMARY KEY, pad text)",
                "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 20) g",
                "INSERT INTO big SELECT g, repeat('x', 500) FROM generate_series(1, 20000) g");
        Map<String, String> config = DebeziumPostgres.sourceConfig(pipeline.source, pipeline.prefix, "public.items,public.big");
        pipeline.startSource("public.items,public.big", Map.of());
        pipeline.startSink(Map.of("topics", topic("items") + "," + topic("big")));
        awaitEqual("big", BIG_COLUMNS, Duration.ofSeconds(120));
        awaitEqual("items", ITEM_COLUMNS, Duration.ofSeconds(10));

        stopSource();
        Sql.execute(pipeline.source, "DELETE FROM big WHERE id % 200 = 0");
        pipeline.connect.cluster().resetConnectorOffsets("source");
        Map<String, String> slowed = new LinkedHashMap<>(config);
        slowed.put("snapshot.fetch.size", "100");
        slowed.put("max.batch.size", "50");
        slowed.put("max.queue.size", "100");
        slowed.put("producer.override.batch.size", "0");
        slowed.put("producer.override.max.in.flight.requests.per.connection", "1");
        slowed.put("producer.override.buffer.memory", "100000");
        pipeline.connect.cluster().configureConnector("source", slowed);
        TopicPartition bigPartition = new TopicPartition(topic("big"), 0);
        long resumedAt = pipeline.connect.cluster().kafka().endOffset(bigPartition);
        pipeline.connect.cluster().resumeConnector("source");
        Await.until("3,000 rows of the new snapshot of big", Duration.ofSeconds(60),
                () -> endOffset(bigPartition) >= resumedAt + 3_000);
        stopSource();

        List<String> markers = snapshotMarkers(bigPartition, resumedAt);
        assertThat(markers).as("the stopped snapshot's reads of big").hasSizeBetween(3_000, 19_000)
                .doesNotContain("last", "last_in_data_collection");
        long endItems = endOffset(new TopicPartition(topic("items"), 0));
        long endBig = endOffset(bigPartition);
        Await.until("the sink to apply every record of the stopped snapshot", Duration.ofSeconds(60),
                () -> appliedUpTo(topic("big")) >= endBig && appliedUpTo(topic("items")) >= endItems);
        assertThat(Sql.count(pipeline.target, "SELECT count(*) FROM big WHERE NOT __deleted"))
                .as("live rows of big after a snapshot stopped after %,d of them", markers.size()).isEqualTo(20_000);
        assertThat(Sql.count(pipeline.target, "SELECT count(*) FROM items WHERE NOT __deleted"))
                .as("live rows of items").isEqualTo(20);

        pipeline.connect.cluster().configureConnector("source", config);
        pipeline.connect.cluster().resumeConnector("source");
        awaitEqual("big", BIG_COLUMNS, Duration.ofSeconds(120));
        awaitEqual("items", ITEM_COLUMNS, Duration.ofSeconds(10));
    }

    private String topic(String table) {
        return pipeline.prefix + ".public." + table;
    }

    private void stopSource() {
        pipeline.connect.cluster().stopConnector("source");
        Await.until("the source connector to be STOPPED", Duration.ofSeconds(60),
                () -> "STOPPED".equals(pipeline.connect.cluster().connectorStatus("source").connector().state()));
    }

    private long endOffset(TopicPartition partition) {
        try {
            return pipeline.connect.cluster().kafka().endOffset(partition);
        } catch (Exception e) {
            throw new IllegalStateException("no end offset for " + partition, e);
        }
    }

    /** source.snapshot of every snapshot read in the partition from {@code from} to its end. */
    private List<String> snapshotMarkers(TopicPartition partition, long from) {
        long end = endOffset(partition);
        List<String> markers = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = pipeline.connect.cluster().kafka().createConsumer(Map.of())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode payload = JSON.readTree(r.value()).path("payload");
                    if ("r".equals(payload.path("op").asText())) {
                        markers.add(payload.at("/source/snapshot").asText());
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable record on " + partition, e);
        }
        return markers;
    }

    private long appliedUpTo(String topic) {
        return Sql.count(pipeline.target, "SELECT coalesce(max(next_offset), 0) FROM cdc_watermark WHERE topic = '" + topic + "'");
    }

    private void awaitTargetEqualsSource(Duration timeout) {
        Await.until("target to equal source", timeout,
                () -> difference("customers", Pipeline.COLUMNS) + difference("items", ITEM_COLUMNS), String::isEmpty);
    }

    private void awaitEqual(String table, String columns, Duration timeout) {
        Await.until("target " + table + " to equal source", timeout, () -> difference(table, columns), String::isEmpty);
    }

    /** Empty when the live target rows of {@code table} equal the source rows; else what differs, by id. */
    private String difference(String table, String columns) {
        String live = "soft".equals(deleteMode) ? " WHERE NOT __deleted" : "";
        Map<String, List<String>> source = byId(Sql.queryAsText(pipeline.source, "SELECT " + columns + " FROM " + table));
        Map<String, List<String>> target;
        try {
            target = byId(Sql.queryAsText(pipeline.target, "SELECT " + columns + " FROM " + table + live));
        } catch (IllegalStateException e) {
            return table + ": not readable in the target yet (" + e.getMessage() + "); ";
        }
        List<String> ghosts = new ArrayList<>(target.keySet());
        ghosts.removeAll(source.keySet());
        List<String> missing = new ArrayList<>(source.keySet());
        missing.removeAll(target.keySet());
        List<String> differing = source.keySet().stream()
                .filter(id -> target.containsKey(id) && !source.get(id).equals(target.get(id))).toList();
        if (ghosts.isEmpty() && missing.isEmpty() && differing.isEmpty()) {
            return "";
        }
        return String.format("%s: %d ghost rows (live in the target, gone at the source) %s, %d missing %s,"
                        + " %d differing %s; ", table, ghosts.size(), first(ghosts), missing.size(), first(missing),
                differing.size(), first(differing));
    }

    private static Map<String, List<String>> byId(List<List<String>> rows) {
        Map<String, List<String>> byId = new TreeMap<>();
        rows.forEach(row -> byId.put(row.get(0), row));
        return byId;
    }

    private static List<String> first(List<String> ids) {
        return ids.subList(0, Math.min(20, ids.size()));
    }
}
