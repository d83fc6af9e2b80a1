package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sink started behind a backlog (docs/correctness.md §4.3): Debezium has published a snapshot and 3,000 updates of
 * 100 rows before the sink starts, with {@code batch.size=100}. Adaptive, the sink catches up in transactions larger
 * than batch.size, so most updates of a row fold into one write; fixed, no transaction takes more than batch.size.
 * Either way the target ends equal to the source, with real PostgreSQL, Kafka, Connect and Debezium.
 */
class BacklogIT extends PipelineTest {

    private static final int BATCH_SIZE = 100;
    private static final int ROWS = 100;
    private static final int UPDATES = 3_000;

    @Test
    void aSinkStartedBehindABacklogCommitsTransactionsLargerThanBatchSizeAndConverges() throws Exception {
        catchUp("backlog", Map.of());
        assertThat(metric("LargestTransactionRecords")).as("the largest target transaction").isGreaterThan(BATCH_SIZE);
        assertThat(metric("BatchesCommitted")).as("transactions for %d records", ROWS + UPDATES)
                .isLessThan((ROWS + UPDATES) / BATCH_SIZE);
    }

    @Test
    void withAdaptiveBatchesOffNoTransactionTakesMoreThanBatchSizeRecords() throws Exception {
        catchUp("fixed", Map.of("batch.adaptive", "false"));
        assertThat(metric("LargestTransactionRecords")).isBetween(1L, (long) BATCH_SIZE);
    }

    private void catchUp(String name, Map<String, String> sinkOverrides) throws Exception {
        pipeline = new Pipeline(name);
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, ROWS));
        pipeline.startSource(Map.of());
        try (SourceWorkload workload = new SourceWorkload(pipeline.source, 1, ROWS, UPDATES).start()) {
            workload.await();
        }
        Await.until("Debezium to publish the snapshot and every update", Duration.ofSeconds(90),
                () -> endOffset() >= ROWS + UPDATES);
        Map<String, String> config = new HashMap<>(sinkOverrides);
        config.put("batch.size", String.valueOf(BATCH_SIZE));
        pipeline.startSink(config);
        pipeline.awaitConverged(Duration.ofSeconds(90));
        System.out.printf("%s: %d records caught up in %d transactions, the largest of %d records, %d changes folded%n",
                name, ROWS + UPDATES, metric("BatchesCommitted"), metric("LargestTransactionRecords"),
                metric("RecordsFolded"));
    }

    /** The end offset of the table's topic; -1 while it cannot be read. */
    private long endOffset() {
        TopicPartition partition = new TopicPartition(pipeline.topic(), 0);
        try (Admin admin = pipeline.connect.cluster().kafka().createAdminClient()) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException e) {
            return -1;
        }
    }

    private static long metric(String attribute) throws Exception {
        ObjectName name = new ObjectName("io.tidemark:type=sink-task-metrics,connector=\"sink\",task=\"0\"");
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).longValue();
    }
}
