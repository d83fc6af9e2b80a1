package io.tidemark.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.tidemark.deploy.GcLog.megabytes;
import static io.tidemark.deploy.StackQueries.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One source transaction of 1,000,000 rows replicates while both sinks run in a Connect worker of their own whose
 * heap is capped at 256 MB: a sink that held a transaction, or a topic's worth of records, would run out of heap.
 * With atomic apply (the default) the transaction is written into a target transaction kept open until its end, so
 * a reader of either target sees none of its rows or all of them.
 * The worker's GC log gives the peak heap the sinks left occupied; the test prints it.
 */
class LargeTransactionIT {

    private static final int ROWS = 1_000_000;
    private static final long HEAP_CAP = 256L << 20;
    private static final String ORDERS_DIGEST = "SELECT count(*) || ' ' || md5(string_agg(id || '|' || customer || '|' || status"
            + " || '|' || amount::text || '|' || (extract(epoch FROM updated_at) * 1000000)::bigint, ',' ORDER BY id)) FROM orders";

    private static StackSettings settings;
    private static LocalStack stack;
    private static StackQueries queries;
    private static JavaService sinkWorker;

    @BeforeAll
    static void startStackWithTheSinksInAWorkerOfTheirOwn() throws IOException {
        settings = StackSettings.fromEnvironment(StackQueries.DEPLOY, StackQueries.isolatedEnvironment("large-transaction"));
        stack = new LocalStack(settings, System.out);
        stack.start();
        queries = new StackQueries(settings);

        SinkWorker sinks = new SinkWorker(settings);
        sinkWorker = sinks.service();
        sinks.start(settings.pluginPath(), List.of("-Xmx" + (HEAP_CAP >> 20) + "m"));
    }

    @AfterAll
    static void stopStack() {
        if (sinkWorker != null) {
            sinkWorker.stop(Duration.ofSeconds(60));
        }
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void aMillionRowTransactionReplicatesWithTheSinkWorkersHeapUnder256Megabytes() throws Exception {
        long seeded = DemoShop.SEED_ORDERS;
        awaitTrue("the seed orders in both targets", Duration.ofSeconds(90),
                () -> targetOrders() == seeded && auditRows() == seeded);
        ProcessHandle worker = sinkWorker.running().orElseThrow();
        double transactionStart = uptimeSeconds(worker);

        long t0 = System.nanoTime();
        insertInOneTransaction(ROWS);
        double inserting = seconds(t0);
        long t1 = System.nanoTime();
        Set<Long> seen = new TreeSet<>();
        awaitTrue("all " + ROWS + " rows in both targets", Duration.ofMinutes(15), () -> {
            long merged = targetOrders();
            long audited = auditRows();
            seen.add(merged - seeded);
            seen.add(audited - seeded);
            return merged == seeded + ROWS && audited == seeded + ROWS;
        });
        double converging = seconds(t1);
        assertThat(seen).as("rows of the transaction a reader of either target saw").isSubsetOf(0L, (long) ROWS);

        assertThat(queries.rows(settings.targetJdbcUrl(), ORDERS_DIGEST + " WHERE NOT __deleted"))
                .as("merge target digest").isEqualTo(queries.rows(settings.sourceJdbcUrl(), ORDERS_DIGEST));
        assertThat(sinkWorker.running()).as("the sink worker never died (an OutOfMemoryError ends it)")
                .hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(worker.pid()));
        assertThat(sinkWorker.logTail(100000)).doesNotContain("OutOfMemoryError");

        GcLog all = GcLog.read(sinkWorker.gcLogFile());
        GcLog during = all.since(transactionStart);
        assertThat(during.pauses()).as("collections while the transaction streamed").isNotEmpty();
        assertThat(during.maxAfterBytes()).isLessThan(HEAP_CAP);
        System.out.printf("large transaction: %,d rows inserted in one transaction in %.1f s; both sinks applied them"
                        + " %.1f s after the commit. Sink worker (heap capped at %s): %d collections during the stream; heap left"
                        + " after a collection: peak %s (after a full collection: %s), before the transaction %s%n",
                ROWS, inserting, converging, megabytes(HEAP_CAP), during.pauses().size(), megabytes(during.maxAfterBytes()),
                during.maxAfterFullBytes() == 0 ? "none ran" : megabytes(during.maxAfterFullBytes()),
                megabytes(all.before(transactionStart).maxAfterBytes()));
    }

    private static void insertInOneTransaction(int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(settings.sourceJdbcUrl(), settings.dbUser(), settings.dbPassword());
             Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO orders (customer, status, amount) SELECT 'bulk-' || g, 'placed', (g % 100000) / 100.0"
                    + " FROM generate_series(1, " + rows + ") g");
            c.commit();
        }
    }

    private static long targetOrders() {
        return queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders");
    }

    private static long auditRows() {
        return queries.count(settings.targetJdbcUrl(), "SELECT count(*) FROM orders_audit");
    }

    private static double uptimeSeconds(ProcessHandle process) {
        Instant started = process.info().startInstant().orElseThrow();
        return Duration.between(started, Instant.now()).toMillis() / 1000.0;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
