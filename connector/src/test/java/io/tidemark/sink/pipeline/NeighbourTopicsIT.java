package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sink subscribed with {@code topics.regex} over Debezium's topic prefix also receives Debezium's transaction
 * markers ({@code provide.transaction.metadata=true}) and, with a regex that covers them, its heartbeats. They
 * change no row: the task keeps running, the data is right, and they are counted, not sent anywhere.
 */
class NeighbourTopicsIT extends PipelineTest {

    @Test
    void transactionMetadataAndHeartbeatTopicsInTopicsRegexAreSkippedAndTheTaskKeepsRunning() throws Exception {
        pipeline = new Pipeline("neighbours");
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, 50));
        pipeline.startSource(Map.of("provide.transaction.metadata", "true", "heartbeat.interval.ms", "200"));
        String transactions = pipeline.prefix + ".transaction";
        String heartbeats = "__debezium-heartbeat." + pipeline.prefix;
        Map<String, String> sink = pipeline.sinkConfig();
        sink.remove("topics");
        sink.put("topics.regex", Pattern.quote(pipeline.prefix) + "\\..*|" + Pattern.quote(heartbeats));
        // The transaction topic appears with the first transaction after the sink subscribed: find it in 1 s, not 5 min.
        sink.put("consumer.override.metadata.max.age.ms", "1000");
        pipeline.connect.postConnector("sink", sink);
        pipeline.connect.awaitRunning("sink", 1);

        Sql.execute(pipeline.source, Pipeline.insertCustomers(51, 80),
                "UPDATE customers SET name = 'changed' WHERE id % 3 = 0", "DELETE FROM customers WHERE id % 10 = 0");
        pipeline.awaitConverged(Duration.ofSeconds(90));
        Await.until("the sink to move past transaction markers and heartbeats", Duration.ofSeconds(60),
                () -> Sql.queryAsText(pipeline.target, "SELECT topic FROM cdc_watermark ORDER BY topic"),
                topics -> topics.containsAll(List.of(List.of(heartbeats), List.of(transactions))));

        assertThat(pipeline.connect.describe("sink")).isEqualTo("sink: RUNNING; task 0 RUNNING");
        ObjectName metrics = new ObjectName("io.tidemark:type=sink-task-metrics,connector=\"sink\",task=\"0\"");
        var server = ManagementFactory.getPlatformMBeanServer();
        assertThat(((Number) server.getAttribute(metrics, "RecordsSkippedNeighbour")).longValue()).isPositive();
        assertThat(((Number) server.getAttribute(metrics, "RecordsSentToDlq")).longValue()).isZero();
    }
}
