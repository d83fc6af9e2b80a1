package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader of the target never sees part of a source transaction: the source moves money between 1,000 accounts in
 * transactions of several transfers each, which keep the total unchanged, while a thread sums the target's balances
 * as fast as it can. The sink commits small batches (batch.size=4), so without atomic apply nearly every commit
 * would cut a source transaction; the second test shows the reader does see that.
 */
class AtomicApplyIT extends PipelineTest {

    private static final int ACCOUNTS = 1_000;
    private static final long TOTAL = ACCOUNTS * 1_000L;
    private static final int TRANSACTIONS = 1_500;

    @Test
    void readersOfTheTargetNeverSeePartOfASourceTransaction() throws Exception {
        InvariantReader total = streamTransfers("atomic", Map.of(), false, TRANSACTIONS, 2, 4);
        assertThat(total.violations()).as("reads of the target with a wrong total, of %d", total.samples()).isZero();
        assertThat(total.samples()).isGreaterThan(100);
    }

    @Test
    void withAtomicApplyOffReadersOfTheTargetSeeHalfAppliedTransactions() throws Exception {
        InvariantReader total = streamTransfers("nonatomic", Map.of("atomic.source.transactions", "false"), false,
                TRANSACTIONS, 2, 4);
        assertThat(total.violations()).as("reads of the target with a wrong total, of %d", total.samples()).isPositive();
    }

    /**
     * Transactions of 100 to 300 transfers (200 to 600 changes) against atomic.max.held.records=50: each is written
     * into a target transaction kept open over many put() calls, and still no reader sees part of one. The sink reads
     * the transaction metadata topic, so a pause inside a transaction (a loaded machine) is not taken for its end.
     */
    @Test
    void sourceTransactionsLargerThanTheHeldRecordsBoundStayWholeInATargetTransactionKeptOpen() throws Exception {
        InvariantReader total = streamTransfers("large", Map.of("atomic.max.held.records", "50",
                "consumer.override.max.poll.records", "40"), true, 60, 100, 300);
        assertThat(total.violations()).as("reads of the target with a wrong total, of %d", total.samples()).isZero();
        assertThat(total.samples()).isGreaterThan(100);
        assertThat(metric("SourceTransactionsStreamed")).as("target transactions kept open").isPositive();
        assertThat(metric("SourceTransactionsSplit")).isZero();
    }

    private static long metric(String attribute) throws Exception {
        ObjectName name = new ObjectName("io.tidemark:type=sink-task-metrics,connector=\"sink\",task=\"0\"");
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).longValue();
    }

    /** {@code metadata}: Debezium publishes transaction metadata and the sink reads it. */
    private InvariantReader streamTransfers(String name, Map<String, String> sinkOverrides, boolean metadata,
                                            int transactions, int minTransfers, int maxTransfers) throws Exception {
        pipeline = new Pipeline(name);
        Sql.execute(pipeline.source, "CREATE TABLE accounts (id integer PRIMARY KEY, balance bigint NOT NULL)",
                "INSERT INTO accounts SELECT g, 1000 FROM generate_series(1, " + ACCOUNTS + ") g",
                Pipeline.insertCustomers(1, 1));
        pipeline.startSource(Map.of("table.include.list", "public.customers,public.accounts",
                "provide.transaction.metadata", String.valueOf(metadata)));
        String accounts = pipeline.prefix + ".public.accounts";
        String topics = accounts;
        if (metadata) {
            String markers = pipeline.prefix + ".transaction";
            Sql.execute(pipeline.source, "UPDATE accounts SET balance = balance WHERE id = 1");
            Await.until("Debezium to create " + markers, Duration.ofSeconds(60),
                    () -> pipeline.connect.cluster().kafka().describeTopics(markers).get(markers).isPresent());
            topics += "," + markers;
        }
        Map<String, String> sink = new java.util.HashMap<>(Map.of("topics", topics, "batch.size", "4"));
        sink.putAll(sinkOverrides);
        pipeline.startSink(sink);
        Await.until("the target to hold the " + ACCOUNTS + " accounts", Duration.ofSeconds(90),
                () -> Sql.queryAsText(pipeline.target, "SELECT count(*), sum(balance) FROM accounts"),
                rows -> rows.equals(List.of(List.of(String.valueOf(ACCOUNTS), String.valueOf(TOTAL)))));

        try (InvariantReader total = new InvariantReader(pipeline.target, "SELECT sum(balance) FROM accounts", TOTAL)
                .start()) {
            transfer(pipeline.source, transactions, minTransfers, maxTransfers);
            List<List<String>> expected = Sql.queryAsText(pipeline.source, "SELECT id, balance FROM accounts ORDER BY id");
            Await.until("the target accounts to equal the source; " + pipeline.connect.describe("sink"),
                    Duration.ofSeconds(90),
                    () -> Sql.queryAsText(pipeline.target, "SELECT id, balance FROM accounts ORDER BY id"), expected::equals);
            System.out.printf("%s: %,d source transactions, %,d reads of the target, %,d with a wrong total%n",
                    name, transactions, total.samples(), total.violations());
            return total;
        }
    }

    /** {@code transactions} transactions of {@code min} to {@code max} transfers each, every one keeping the total. */
    private static void transfer(String database, int transactions, int min, int max) throws SQLException {
        Random random = new Random(11);
        try (Connection c = TestPostgres.connect(database);
             PreparedStatement move = c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
            c.setAutoCommit(false);
            for (int t = 0; t < transactions; t++) {
                for (int transfers = min + random.nextInt(max - min + 1); transfers > 0; transfers--) {
                    int from = 1 + random.nextInt(ACCOUNTS);
                    int to = 1 + random.nextInt(ACCOUNTS);
                    long amount = 1 + random.nextInt(50);
                    move.setLong(1, -amount);
                    move.setInt(2, from);
                    move.executeUpdate();
                    move.setLong(1, amount);
                    move.setInt(2, to);
                    move.executeUpdate();
                }
                c.commit();
            }
        }
    }
}
