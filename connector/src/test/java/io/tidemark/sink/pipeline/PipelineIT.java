package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium PostgresConnector (pgoutput) → Kafka → Connect → our sink → PostgreSQL, all real:
 * a snapshot, then inserts, updates, deletes, a primary-key update, an update that leaves a TOASTed
 * column unchanged and two interleaved transactions. The target must equal the source row for row.
 */
class PipelineIT {

    private static Pipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = new Pipeline("pipeline");
        Sql.execute(pipeline.source, Pipeline.insertCustomers(1, 200));
        pipeline.startSource(Map.of());
        pipeline.startSink();
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void targetEqualsSourceAfterSnapshotAndEveryKindOfChange() throws Exception {
        pipeline.awaitConverged(Duration.ofSeconds(90));
        assertThat(pipeline.targetRows()).hasSize(200);

        String bigNotes = "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 1000))";
        Sql.execute(pipeline.source,
                Pipeline.insertCustomers(201, 260),
                "UPDATE customers SET name = 'renamed ' || id, balance = balance + 0.01 WHERE id % 7 = 0",
                "DELETE FROM customers WHERE id % 11 = 0",
                "UPDATE customers SET id = 5000 WHERE id = 5",
                "UPDATE customers SET notes = " + bigNotes + " WHERE id IN (3, 4)",
                "UPDATE customers SET name = NULL, attrs = NULL, seen_at = NULL WHERE id = 6");
        pipeline.awaitConverged(Duration.ofSeconds(60));

        // Only the name changes: Debezium sends the unchanged, out-of-line notes as its placeholder.
        Sql.execute(pipeline.source, "UPDATE customers SET name = 'toast kept' WHERE id IN (3, 4)");
        runInterleavedTransactions();
        pipeline.awaitConverged(Duration.ofSeconds(60));

        assertThat(Sql.queryAsText(pipeline.target, "SELECT length(notes) FROM customers WHERE id = 3"))
                .containsExactly(List.of("32000"));
        assertThat(Sql.queryAsText(pipeline.target, "SELECT count(*) FROM customers WHERE notes LIKE '%unavailable%'"))
                .containsExactly(List.of("0"));
        assertThat(Sql.queryAsText(pipeline.target, "SELECT __deleted FROM customers WHERE id IN (5, 11) ORDER BY id"))
                .containsExactly(List.of("t"), List.of("t"));
        assertThat(Sql.queryAsText(pipeline.target, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'customers'::regclass AND attname IN ('balance', 'born', 'updated_at', 'seen_at', 'ref', 'attrs')"
                + " ORDER BY attnum")).extracting(r -> r.get(0)).containsExactly("numeric(12,2)", "date",
                "timestamp without time zone", "timestamp with time zone", "uuid", "jsonb");
    }

    /** T1 begins and writes first, T2 begins later, writes and commits first; then T1 writes again and commits. */
    private static void runInterleavedTransactions() throws Exception {
        try (Connection t1 = TestPostgres.connect(pipeline.source); Connection t2 = TestPostgres.connect(pipeline.source);
             Statement s1 = t1.createStatement(); Statement s2 = t2.createStatement()) {
            t1.setAutoCommit(false);
            t2.setAutoCommit(false);
            s1.execute("UPDATE customers SET name = 't1 first' WHERE id = 10");
            s2.execute("UPDATE customers SET name = 't2' WHERE id = 12");
            s2.execute(Pipeline.insertCustomers(9000, 9002));
            t2.commit();
            s1.execute("UPDATE customers SET name = 't1 second' WHERE id = 13");
            s1.execute("UPDATE customers SET name = 't1 again' WHERE id = 10");
            t1.commit();
        }
    }

    @Test
    void watermarkTableShowsProgressOfTheTopicPartition() {
        pipeline.awaitConverged(Duration.ofSeconds(90));
        List<List<String>> rows = Sql.queryAsText(pipeline.target,
                "SELECT connector_name, topic, kafka_partition, source_server, source_position IS NOT NULL, next_offset > 0"
                        + " FROM cdc_watermark");
        assertThat(rows).containsExactly(List.of("sink", pipeline.topic(), "0", pipeline.prefix, "t", "t"));
    }
}
