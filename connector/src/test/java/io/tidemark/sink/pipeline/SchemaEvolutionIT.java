package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Source DDL while Debezium streams: an added column appears in the target without a restart, a dropped
 * column stays and is filled with NULL, and a type change whose values no longer fit the target column
 * goes to the dead-letter queue with the reason while everything else keeps flowing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaEvolutionIT {

    private static Pipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = new Pipeline("evolution");
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, 50));
        pipeline.startSource(Map.of());
        pipeline.connect.cluster().kafka().createTopic("evolution-dlq", 1);
        pipeline.startSink(Map.of("errors.tolerance", "all", "errors.deadletterqueue.topic.name", "evolution-dlq",
                "errors.deadletterqueue.topic.replication.factor", "1",
                "errors.deadletterqueue.context.headers.enable", "true"));
        pipeline.awaitConverged(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void columnAddedAtTheSourceAppearsInTheTargetWithoutARestart() {
        Sql.execute(pipeline.source, "ALTER TABLE customers ADD COLUMN tier text DEFAULT 'gold'",
                "UPDATE customers SET tier = 'platinum' WHERE id = 1",
                Pipeline.insertCustomers(51, 52));
        Await.until("the new column and its values in the target", Duration.ofSeconds(60), () -> Sql.queryAsText(
                pipeline.target, "SELECT id, tier FROM customers WHERE id IN (1, 2, 51) ORDER BY id"),
                rows -> rows.equals(List.of(List.of("1", "platinum"), Arrays.asList("2", null), List.of("51", "gold"))));
        assertThat(Sql.count(pipeline.target, "SELECT count(*) FROM customers")).isEqualTo(52);
    }

    @Test
    @Order(2)
    void columnDroppedAtTheSourceIsKeptAndFilledWithNull() {
        Sql.execute(pipeline.source, "ALTER TABLE customers DROP COLUMN email",
                "UPDATE customers SET name = 'after drop' WHERE id = 3");
        Await.until("the update after the drop", Duration.ofSeconds(60),
                () -> Sql.count(pipeline.target, "SELECT count(*) FROM customers WHERE name = 'after drop'") == 1);
        assertThat(Sql.queryAsText(pipeline.target, "SELECT email FROM customers WHERE id IN (3, 4) ORDER BY id"))
                .containsExactly(Arrays.asList((String) null), List.of("c4@example.com"));
    }

    @Test
    @Order(3)
    void typeChangeWhoseValuesDoNotFitGoesToTheDeadLetterQueueAndTheRestFlows() {
        Sql.execute(pipeline.source, "ALTER TABLE customers ALTER COLUMN small TYPE text",
                "UPDATE customers SET small = 'not a number' WHERE id = 5",
                "UPDATE customers SET small = '7', name = 'fits' WHERE id = 6");
        Await.until("the fitting update", Duration.ofSeconds(60),
                () -> Sql.count(pipeline.target, "SELECT count(*) FROM customers WHERE name = 'fits' AND small = 7") == 1);
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        pipeline.connect.cluster().kafka().consume(1, 30_000, "evolution-dlq").forEach(dead::add);
        assertThat(dead).hasSize(1);
        String message = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.message").value(),
                StandardCharsets.UTF_8);
        assertThat(message).contains(pipeline.topic()).contains("smallint").contains("not a number");
        assertThat(pipeline.connect.cluster().connectorStatus("sink").tasks().get(0).state()).isEqualTo("RUNNING");
    }
}
