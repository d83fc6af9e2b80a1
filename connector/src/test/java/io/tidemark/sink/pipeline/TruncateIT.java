package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Sql;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code TRUNCATE} at the source with Debezium letting truncates through ({@code skipped.operations=none}): the
 * target drops every row the truncate removed, keeps those written after it, and the sink keeps running.
 */
class TruncateIT extends PipelineTest {

    @Test
    void truncateAtTheSourceFollowedByNewInsertsLeavesTheTargetEqualToTheSource() {
        pipeline = new Pipeline("truncate");
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, 100));
        pipeline.startSource(Map.of("skipped.operations", "none"));
        pipeline.startSink();
        pipeline.awaitConverged(Duration.ofSeconds(90));

        Sql.execute(pipeline.source, "UPDATE customers SET name = 'before the truncate' WHERE id <= 10",
                "TRUNCATE customers", Pipeline.insertCustomers(50, 80),
                "UPDATE customers SET name = 'after the truncate' WHERE id <= 60");
        pipeline.awaitConverged(Duration.ofSeconds(60));

        assertThat(Sql.count(pipeline.target, "SELECT count(*) FROM customers WHERE NOT __deleted")).isEqualTo(31);
        assertThat(Sql.count(pipeline.target, "SELECT count(*) FROM customers WHERE __deleted")).isEqualTo(69);
        assertThat(pipeline.connect.describe("sink")).isEqualTo("sink: RUNNING; task 0 RUNNING");
        assertThat(Sql.queryAsText(pipeline.target, "SELECT count(*) FROM customers WHERE name = 'after the truncate'"))
                .containsExactly(List.of("11"));
    }
}
