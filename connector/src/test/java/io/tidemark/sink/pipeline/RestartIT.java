package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.Sql;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restarts in the middle of a stream: the sink (with its Kafka consumer-group offsets gone, so only the
 * watermark table knows where to resume) and the Debezium source (re-published events, re-snapshot).
 * No change is applied twice, re-published events never take a row back to an older state, and a
 * re-snapshot converges.
 */
class RestartIT extends PipelineTest {

    private void startConverged(String name) {
        pipeline = new Pipeline(name);
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, 100));
        pipeline.startSource(Map.of());
        pipeline.startSink();
        pipeline.awaitConverged(Duration.ofSeconds(90));
    }

    @Test
    void sinkRestartedWithoutConsumerOffsetsResumesFromTheWatermarkAndAppliesNothingTwice() throws Exception {
        startConverged("sinkrestart");
        // Trap rows 1-20: the workload never touches them, and their guard is disabled (no stored
        // position), so only the stored offsets stop their old snapshot records from being re-applied.
        Sql.execute(pipeline.target, "UPDATE customers SET name = 'trap', __source_version = NULL WHERE id <= 20");
        try (SourceWorkload workload = new SourceWorkload(pipeline.source, 21, 100, 3000).start();
             RegressionWatch watch = new RegressionWatch(pipeline.target)) {
            Await.until("the workload to be under way", Duration.ofSeconds(30), () -> workload.done() > 500);
            pipeline.connect.deleteConnector("sink");
            Await.until("the sink's consumer group to be deleted", Duration.ofSeconds(60), this::deleteSinkGroup);
            pipeline.startSink();
            workload.await();
            pipeline.awaitConverged(Duration.ofSeconds(60), "id > 20");
            assertThat(watch.regressions()).as("regressed rows over %d samples", watch.samples()).isEmpty();
        }
        assertThat(Sql.queryAsText(pipeline.target, "SELECT DISTINCT name FROM customers WHERE id <= 20"))
                .containsExactly(List.of("trap"));
    }

    private boolean deleteSinkGroup() {
        try (Admin admin = pipeline.connect.cluster().kafka().createAdminClient()) {
            admin.deleteConsumerGroups(List.of("connect-sink")).all().get();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * snapshot.mode=always while the source keeps writing: Debezium emits every row again at a new snapshot
     * point, then resumes streaming from its older offset. Changes it had streamed before are recognised as
     * old (the snapshot write keeps the row's streamed version); changes committed while the connector was
     * restarting are in the snapshot image and are streamed again afterwards, and without their commit LSN
     * they cannot be told apart from a transaction open across the snapshot point, so such a row may show
     * its older state until the stream catches up. What must hold is convergence (docs/correctness.md §1, promise 3).
     */
    @Test
    void debeziumResnapshotWhileStreamingConvergesToTheSourceState() throws Exception {
        startConverged("resnapshot");
        try (SourceWorkload workload = new SourceWorkload(pipeline.source, 1, 100, 3000).start()) {
            Await.until("the workload to be under way", Duration.ofSeconds(30), () -> workload.done() > 500);
            Map<String, String> config = new HashMap<>(DebeziumPostgres.sourceConfig(
                    pipeline.source, pipeline.prefix, "public.customers"));
            config.put("snapshot.mode", "always");
            pipeline.connect.cluster().configureConnector("source", config);
            workload.await();
            pipeline.awaitConverged(Duration.ofSeconds(90));
        }
        assertThat(Sql.count(pipeline.source, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .isEqualTo(1);
    }

    @Test
    void republishedDebeziumEventsAreSkippedAndNoRowRegresses() throws Exception {
        startConverged("republish");
        try (SourceWorkload workload = new SourceWorkload(pipeline.source, 1, 100, 2000).start();
             RegressionWatch watch = new RegressionWatch(pipeline.target)) {
            workload.await();
            pipeline.awaitConverged(Duration.ofSeconds(60));
            // What Debezium does after a crash before its offset flush: the same events, byte for byte,
            // published again at new offsets.
            var records = pipeline.connect.cluster().kafka().consume(2100, 60_000, pipeline.topic());
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            records.forEach(all::add);
            List<ConsumerRecord<byte[], byte[]>> replay = all.subList(all.size() / 2, all.size());
            try (KafkaProducer<byte[], byte[]> producer = pipeline.connect.cluster().kafka().createProducer(Map.of())) {
                for (ConsumerRecord<byte[], byte[]> r : replay) {
                    producer.send(new ProducerRecord<>(r.topic(), r.partition(), r.key(), r.value()));
                }
            }
            long republished = System.nanoTime();
            long end = pipeline.connect.cluster().kafka().endOffset(new org.apache.kafka.common.TopicPartition(pipeline.topic(), 0));
            Await.until("the sink to reach offset " + end, Duration.ofSeconds(60),
                    () -> Sql.count(pipeline.target, "SELECT coalesce(max(next_offset), 0) FROM cdc_watermark") >= end);
            pipeline.awaitConverged(Duration.ofSeconds(10));
            assertThat(watch.regressions()).as("regressed rows over %d samples", watch.samples()).isEmpty();
            System.out.printf("re-emission: %,d changes streamed, %,d re-published; no row regressed over %d samples;"
                    + " caught up %.1f s after the re-publication%n", all.size(), replay.size(), watch.samples(),
                    (System.nanoTime() - republished) / 1e9);
        }
        // The replayed changes show up where an operator looks: the task's skipped-as-stale counter.
        ObjectName metrics = new ObjectName("io.tidemark:type=sink-task-metrics,connector=\"sink\",task=\"0\"");
        long stale = ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(metrics, "RecordsSkippedStale"))
                .longValue();
        assertThat(stale).isPositive();
    }
}
