package io.tidemark.sink.pipeline;

import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.RestartablePostgres;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.junit.jupiter.api.Test;

import javax.management.JMException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The target database goes away for about 20 s in the middle of a stream ({@code pg_ctl stop -m fast}:
 * open connections end with "terminating connection due to administrator command") and comes back.
 * The sink task retries, never reaches FAILED, and the target converges to the source with nothing lost.
 */
class TargetOutageIT {

    @Test
    void taskRetriesThroughATargetOutageAndConverges() throws Exception {
        String source = sourceWithItems("outage_src");
        try (RestartablePostgres target = new RestartablePostgres();
             ConnectWorld connect = ConnectWorld.start("outage", 1)) {
            startPipeline(connect, source, target, false);

            List<String> states = new ArrayList<>();
            long back;
            try (var workload = new UpdateLoop(source)) {
                Await.until("the workload to be under way", Duration.ofSeconds(30), () -> workload.done() > 200);
                target.stop();
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < until) {
                    states.add(connect.cluster().connectorStatus("sink").tasks().get(0).state());
                    Thread.sleep(500);
                }
                target.start();
                back = System.nanoTime();
                workload.await();
            }
            List<List<String>> expected = Sql.queryAsText(source, "SELECT id, name, big FROM items ORDER BY id");
            Await.until("the target to equal the source after the outage; " + connect.describe("sink"),
                    Duration.ofSeconds(120), () -> rowsOrEmpty(target), expected::equals);
            assertThat(states).isNotEmpty().doesNotContain("FAILED");
            assertThat(connect.cluster().connectorStatus("sink").tasks().get(0).state()).isEqualTo("RUNNING");
            System.out.printf("target outage: 2,100 changes (100 snapshot reads, 2,000 updates), target stopped 20 s, task"
                    + " never FAILED over %d status samples; converged %.1f s after the target came back%n",
                    states.size(), (System.nanoTime() - back) / 1e9);
        }
    }

    private static final int BULK = 150_000;

    /**
     * The target stops while the sink writes a source transaction of {@value #BULK} rows into a target transaction it
     * keeps open (atomic.max.held.records is 10,000; the sink reads the transaction metadata topic): the open
     * transaction is lost with the connection, the task seeks back to its first record and writes it again once the
     * target is back. A reader polling the target meanwhile sees none of the transaction's rows or all of them.
     */
    @Test
    void aTargetOutageWhileASourceTransactionIsWrittenIntoAnOpenTargetTransactionLosesNothingAndShowsNoPartOfIt()
            throws Exception {
        String source = sourceWithItems("outage_bulk_src");
        try (RestartablePostgres target = new RestartablePostgres();
             ConnectWorld connect = ConnectWorld.start("outage_bulk", 1)) {
            startPipeline(connect, source, target, true);

            Set<Long> seen = new TreeSet<>();
            Sql.execute(source, "INSERT INTO items SELECT g, 'bulk', g FROM generate_series(101, " + (100 + BULK) + ") g");
            Await.until("the sink to write into an open transaction", Duration.ofSeconds(60),
                    () -> streamedTransactions() > 0);
            Thread.sleep(1_000);
            target.stop();
            Thread.sleep(10_000);
            target.start();
            Await.until("all " + BULK + " rows of the transaction in the target; " + connect.describe("sink"),
                    Duration.ofSeconds(180), () -> {
                        long bulk = bulkRows(target);
                        if (bulk >= 0) {
                            seen.add(bulk);
                        }
                        return bulk == BULK;
                    });
            assertThat(seen).as("counts of the transaction's rows a reader saw").isSubsetOf(0L, (long) BULK);
            assertThat(connect.cluster().connectorStatus("sink").tasks().get(0).state()).isEqualTo("RUNNING");
            assertThat(rows(target)).hasSize(100 + BULK);
        }
    }

    /** A source database with 100 items. */
    private static String sourceWithItems(String name) {
        String source = TestPostgres.createDatabase(name);
        Sql.execute(source, "CREATE TABLE items (id integer PRIMARY KEY, name text, big bigint)",
                "INSERT INTO items SELECT g, 'n' || g, g FROM generate_series(1, 100) g");
        return source;
    }

    /**
     * Debezium from {@code source} and the sink into {@code target}, running, with the snapshot applied;
     * {@code metadata}: Debezium publishes transaction metadata and the sink reads it, so that a source transaction
     * ends at its END marker rather than at a pause.
     */
    private static void startPipeline(ConnectWorld connect, String source, RestartablePostgres target,
                                      boolean metadata) {
        Map<String, String> debezium = DebeziumPostgres.sourceConfig(source, source, "public.items");
        debezium.put("provide.transaction.metadata", String.valueOf(metadata));
        connect.postConnector("source", debezium);
        connect.awaitRunning("source", 1);
        String topic = source + ".public.items";
        Await.until("topic " + topic, Duration.ofSeconds(60),
                () -> connect.cluster().kafka().describeTopics(topic).get(topic).isPresent());
        String topics = topic;
        if (metadata) {
            String markers = source + ".transaction";
            Sql.execute(source, "UPDATE items SET big = big WHERE id = 1");
            Await.until("topic " + markers, Duration.ofSeconds(60),
                    () -> connect.cluster().kafka().describeTopics(markers).get(markers).isPresent());
            topics += "," + markers;
        }
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        sink.put("topics", topics);
        sink.put("connection.url", target.jdbcUrl());
        sink.put("connection.user", TestPostgres.USER);
        sink.put("connection.password", TestPostgres.PASSWORD);
        sink.put("retry.backoff.ms", "500");
        connect.postConnector("sink", sink);
        connect.awaitRunning("sink", 1);
        Await.until("the snapshot in the target", Duration.ofSeconds(60), () -> rows(target).size() == 100);
    }

    private static long streamedTransactions() {
        try {
            ObjectName name = new ObjectName("io.tidemark:type=sink-task-metrics,connector=\"sink\",task=\"0\"");
            return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "SourceTransactionsStreamed"))
                    .longValue();
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many of the bulk transaction's rows the target shows, or -1 while it is down. */
    private static long bulkRows(RestartablePostgres target) {
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM items WHERE name = 'bulk'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException down) {
            return -1;
        }
    }

    private static List<List<String>> rows(RestartablePostgres target) {
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, big FROM items WHERE NOT __deleted ORDER BY id")) {
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static List<List<String>> rowsOrEmpty(RestartablePostgres target) {
        try {
            return rows(target);
        } catch (IllegalStateException down) {
            return List.of();
        }
    }

    /** 2,000 single-row updates in their own transactions, as fast as the source takes them. */
    private static final class UpdateLoop implements AutoCloseable {
        private final Thread thread;
        private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        private volatile Exception failure;

        UpdateLoop(String database) {
            thread = new Thread(() -> {
                try (Connection c = TestPostgres.connect(database);
                     var ps = c.prepareStatement("UPDATE items SET big = big + 1, name = 'v' || big WHERE id = ?")) {
                    for (int i = 0; i < 2000; i++) {
                        ps.setInt(1, 1 + i % 100);
                        ps.executeUpdate();
                        done.incrementAndGet();
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    failure = e;
                }
            }, "update-loop");
            thread.start();
        }

        int done() {
            return done.get();
        }

        void await() throws Exception {
            thread.join(120_000);
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
