package io.tidemark.sink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestMariaDb;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarts in the middle of a MariaDB stream: the sink without its consumer-group offsets (only the watermark table
 * knows where to resume), Debezium resuming from an older binlog position (a real re-emission: the same changes at
 * the same file, pos and row, at new Kafka offsets) and Debezium without any offsets (a new snapshot at a new
 * position). No change is applied twice, no row ever goes back to an older counter ({@link RegressionWatch}), and
 * the target converges.
 */
class MariaDbRestartIT extends MariaDbPipelineTest {

    @Override
    String worldName() {
        return "mariadb-restart";
    }

    private SourceWorkload workload(int fromId, int toId, int changes) {
        String source = pipeline.source;
        return new SourceWorkload(() -> TestMariaDb.connect(source), fromId, toId, changes);
    }

    @Test
    void sinkRestartedWithoutConsumerOffsetsResumesFromTheWatermarkAndAppliesNothingTwice() throws Exception {
        converged("mdbsinkrestart", 100);
        // Trap rows 1-20: the workload never touches them and their guard is gone (no stored version), so only the
        // stored offsets keep their snapshot records from being applied again.
        Sql.execute(pipeline.target, "UPDATE customers SET name = 'trap', __source_version = NULL,"
                + " __source_snapshot_version = NULL WHERE id <= 20");
        int restartedAt;
        try (SourceWorkload workload = workload(21, 100, 3000).start();
             RegressionWatch watch = new RegressionWatch(pipeline.target)) {
            Await.until("the workload to be under way", Duration.ofSeconds(30), () -> workload.done() > 500);
            connect.deleteConnector(pipeline.sinkConnector);
            Await.until("the sink's consumer group to be deleted", Duration.ofSeconds(60),
                    () -> deleteConsumerGroup("connect-" + pipeline.sinkConnector));
            restartedAt = workload.done();
            pipeline.startSink();
            workload.await();
            pipeline.awaitConverged(Duration.ofSeconds(60), "id > 20");
            assertThat(watch.regressions()).as("regressed rows over %d samples", watch.samples()).isEmpty();
            System.out.printf("sink restart: restarted after %,d of 3,000 changes, without its consumer group; no row"
                    + " regressed over %d samples%n", restartedAt, watch.samples());
        }
        assertThat(Sql.queryAsText(pipeline.target, "SELECT DISTINCT name FROM customers WHERE id <= 20"))
                .containsExactly(List.of("trap"));
    }

    private boolean deleteConsumerGroup(String group) {
        try (Admin admin = connect.cluster().kafka().createAdminClient()) {
            admin.deleteConsumerGroups(List.of(group)).all().get();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The source is stopped mid-stream and resumes from a binlog position it had flushed earlier, as after a crash
     * that lost its later offset flushes: Debezium publishes again every change since that position. A merge sink
     * must skip each of them and never show an older counter; an append sink beside it must record each change once.
     */
    @Test
    void debeziumReemissionFromARewoundBinlogPositionRegressesNoRowAndAppendsEachChangeOnce() throws Exception {
        converged("mdbrewind", 100);
        Map<String, String> audit = pipeline.sinkConfig();
        audit.put("mode", "append");
        audit.put("table.name.format", "${source.table}_audit");
        connect.postConnector(pipeline.sinkConnector + "-audit", audit);
        connect.awaitRunning(pipeline.sinkConnector + "-audit", 1);
        Map<String, Object> rewoundTo;
        try (SourceWorkload workload = workload(1, 100, 3000).start();
             RegressionWatch watch = new RegressionWatch(pipeline.target)) {
            Map<String, Object> afterSnapshot = sourceOffset();
            Await.until("the workload to be under way", Duration.ofSeconds(30), () -> workload.done() > 300);
            rewoundTo = Await.until("a source offset flushed while the workload ran", Duration.ofSeconds(30),
                    this::sourceOffset, offset -> offset.containsKey("pos") && !offset.get("pos").equals(afterSnapshot.get("pos")));
            Await.until("the workload to go on past that offset", Duration.ofSeconds(60), () -> workload.done() > 1500);

            connect.cluster().stopConnector(pipeline.sourceConnector);
            Await.until("the source to stop", Duration.ofSeconds(60), () -> "STOPPED".equals(
                    connect.cluster().connectorStatus(pipeline.sourceConnector).connector().state()));
            rewind(rewoundTo);
            connect.cluster().resumeConnector(pipeline.sourceConnector);
            connect.awaitRunning(pipeline.sourceConnector, 1);

            workload.await();
            pipeline.awaitConverged(Duration.ofSeconds(90));
            pipeline.awaitSinkAtEndOfTopic(Duration.ofSeconds(60));
            assertThat(watch.regressions()).as("regressed rows over %d samples", watch.samples()).isEmpty();

            List<JsonNode> events = pipeline.payloads(pipeline.topic());
            Map<String, Long> copies = events.stream().collect(Collectors.groupingBy(MariaDbRestartIT::changeIdentity,
                    Collectors.counting()));
            long republished = events.size() - copies.size();
            long stale = pipeline.sinkMetric("RecordsSkippedStale");
            System.out.printf("re-emission: rewound to %s; %,d change events on the topic for %,d distinct changes (%,d"
                            + " published twice); %,d skipped as stale; no row regressed over %d samples%n", rewoundTo,
                    events.size(), copies.size(), republished, stale, watch.samples());
            assertThat(copies).as("distinct changes on the topic: the snapshot's 100 reads and 3,000 updates").hasSize(3100);
            assertThat(republished).as("changes Debezium published again").isPositive();
            assertThat(stale).as("RecordsSkippedStale").isPositive();

            String auditRows = "SELECT count(*) FROM customers_audit";
            Await.until("the audit sink to record every distinct change", Duration.ofSeconds(60), () -> {
                pipeline.failIfFailed(pipeline.sinkConnector + "-audit");
                return Sql.count(pipeline.target, auditRows) >= copies.size();
            });
            assertThat(Sql.queryAsText(pipeline.target, "SELECT __op, count(*) FROM customers_audit GROUP BY __op"))
                    .as("audit rows per operation").containsExactlyInAnyOrder(List.of("r", "100"), List.of("u", "3000"));
        }
    }

    /** A change event's operation, binlog position and key: what tells two changes apart. */
    private static String changeIdentity(JsonNode event) {
        JsonNode source = event.path("source");
        JsonNode row = event.path("after").isObject() ? event.path("after") : event.path("before");
        return event.path("op").asText() + "@" + source.path("file").asText() + ":" + source.path("pos").asText() + ":"
                + source.path("row").asText() + "#" + row.path("id").asText();
    }

    /** The source's flushed offset (one source partition), empty while it has none. */
    private Map<String, Object> sourceOffset() {
        List<ConnectorOffset> offsets = connect.cluster().connectorOffsets(pipeline.sourceConnector).offsets();
        return offsets.isEmpty() ? Map.of() : Map.copyOf(offsets.get(0).offset());
    }

    private void rewind(Map<String, Object> offset) {
        List<ConnectorOffset> current = connect.cluster().connectorOffsets(pipeline.sourceConnector).offsets();
        connect.cluster().alterConnectorOffsets(pipeline.sourceConnector, new ConnectorOffsets(current.stream()
                .map(o -> new ConnectorOffset(o.partition(), offset)).toList()));
    }

    /**
     * The source loses its offsets while stopped, and rows are deleted and changed at the source meanwhile. Debezium
     * then takes a new snapshot, at a binlog position after everything the sink holds, and streams on from there:
     * the deleted rows reach the sink only as their absence from that snapshot. The target must drop them and
     * converge, with no row ever showing an older counter.
     */
    @Test
    void sourceThatLostItsOffsetsSnapshotsAgainAndTheTargetDropsRowsDeletedMeanwhile() throws Exception {
        converged("mdbresnapshot", 200);
        try (SourceWorkload workload = workload(1, 100, 3000).start();
             RegressionWatch watch = new RegressionWatch(pipeline.target)) {
            Await.until("the workload to be under way", Duration.ofSeconds(30), () -> workload.done() > 500);
            connect.cluster().stopConnector(pipeline.sourceConnector);
            Await.until("the source to stop", Duration.ofSeconds(60), () -> "STOPPED".equals(
                    connect.cluster().connectorStatus(pipeline.sourceConnector).connector().state()));
            connect.cluster().resetConnectorOffsets(pipeline.sourceConnector);
            TestMariaDb.execute(pipeline.source, "DELETE FROM customers WHERE id BETWEEN 150 AND 179",
                    "UPDATE customers SET name = 'changed while stopped' WHERE id > 180");
            connect.cluster().resumeConnector(pipeline.sourceConnector);
            connect.awaitRunning(pipeline.sourceConnector, 1);
            workload.await();
            pipeline.awaitConverged(Duration.ofSeconds(90));
            assertThat(watch.regressions()).as("regressed rows over %d samples", watch.samples()).isEmpty();
            Map<String, Long> reads = pipeline.payloads(pipeline.topic()).stream()
                    .filter(e -> "r".equals(e.path("op").asText()))
                    .collect(Collectors.groupingBy(e -> e.path("source").path("file").asText() + ":"
                            + e.path("source").path("pos").asText(), Collectors.counting()));
            System.out.printf("re-snapshot: snapshot reads per binlog position %s; 30 rows deleted while the source had"
                    + " no offsets; no row regressed over %d samples%n", reads, watch.samples());
            assertThat(reads.values()).as("reads of the first snapshot and of the second").containsExactlyInAnyOrder(
                    200L, 170L);
        }
        assertThat(Sql.queryAsText(pipeline.target, "SELECT count(*) FROM customers WHERE __deleted AND id BETWEEN 150"
                + " AND 179")).containsExactly(List.of("30"));
    }
}
