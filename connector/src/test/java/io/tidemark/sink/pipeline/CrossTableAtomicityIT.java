package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source transaction that writes an order and its lines (two tables, two topics) becomes visible in the target
 * all at once when the sink also reads Debezium's transaction metadata topic: a thread counts the orders whose
 * total differs from the sum of their lines, and never finds one. With atomic apply off it does.
 */
class CrossTableAtomicityIT extends PipelineTest {

    private static final int TRANSACTIONS = 800;
    private static final String MISMATCHED = "SELECT count(*) FROM orders o WHERE o.total <>"
            + " (SELECT coalesce(sum(l.amount), 0) FROM order_lines l WHERE l.order_id = o.id)";

    @Test
    void anOrderAndItsLinesWrittenInOneSourceTransactionAppearInTheTargetTogether() throws Exception {
        InvariantReader reader = stream("xtable", Map.of());
        assertThat(reader.violations()).as("reads with an order whose lines do not add up, of %d", reader.samples())
                .isZero();
        assertThat(reader.samples()).isGreaterThan(50);
    }

    @Test
    void withAtomicApplyOffOrdersAndLinesAreSeenHalfApplied() throws Exception {
        InvariantReader reader = stream("xtableoff", Map.of("atomic.source.transactions", "false"));
        assertThat(reader.violations()).as("reads with an order whose lines do not add up, of %d", reader.samples())
                .isPositive();
    }

    /**
     * A source transaction larger than atomic.max.held.records is streamed into a target transaction kept open; when it
     * reaches tables the target does not have yet, they are created inside that transaction, so neither table nor any
     * row of it is visible before the transaction's END: a reader only ever sees no rows, or all of them.
     */
    @Test
    void aLargeSourceTransactionIntoTablesNewToTheTargetStaysInvisibleUntilItsEnd() throws Exception {
        pipeline = new Pipeline("xtablenew");
        int rows = 400;
        Sql.execute(pipeline.source, "CREATE TABLE bulk_a (id integer PRIMARY KEY, v text)",
                "CREATE TABLE bulk_b (id integer PRIMARY KEY, v text)", Pipeline.insertCustomers(1, 1));
        String a = pipeline.prefix + ".public.bulk_a";
        String b = pipeline.prefix + ".public.bulk_b";
        String metadata = pipeline.prefix + ".transaction";
        for (String topic : List.of(a, b, metadata)) {
            pipeline.connect.cluster().kafka().createTopic(topic, 1);
        }
        pipeline.startSource(Map.of("table.include.list", "public.customers,public.bulk_a,public.bulk_b",
                "provide.transaction.metadata", "true"));
        pipeline.startSink(Map.of("topics", a + "," + b + "," + metadata, "batch.size", "40",
                "atomic.max.held.records", "50", "consumer.override.max.poll.records", "60"));
        Set<List<Long>> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (reading.get()) {
                seen.add(rowsInBoth(pipeline.target));
            }
        }, "bulk-reader");
        reader.start();
        try {
            Sql.execute(pipeline.source, "BEGIN; INSERT INTO bulk_a SELECT g, 'a' || g FROM generate_series(1, " + rows
                    + ") g; INSERT INTO bulk_b SELECT g, 'b' || g FROM generate_series(1, " + rows + ") g; COMMIT");
            Await.until("both tables whole in the target; " + pipeline.connect.describe("sink"), Duration.ofSeconds(90),
                    () -> rowsInBoth(pipeline.target).equals(List.of((long) rows, (long) rows)));
        } finally {
            reading.set(false);
            reader.join();
        }
        System.out.printf("xtablenew: the target showed (bulk_a rows, bulk_b rows) = %s%n", seen);
        assertThat(seen).as("what readers saw: no rows (or no table, -1), or all of them")
                .isSubsetOf(Set.of(List.of(-1L, -1L), List.of((long) rows, (long) rows)));
    }

    /** The rows of bulk_a and of bulk_b in the target, -1 for a table that does not exist, read in one snapshot. */
    private static List<Long> rowsInBoth(String database) {
        String count = "CASE WHEN to_regclass('%1$s') IS NULL THEN -1 ELSE (xpath('/row/c/text()',"
                + " query_to_xml('SELECT count(*) AS c FROM %1$s', false, true, '')))[1]::text::bigint END";
        try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (ResultSet rs = s.executeQuery("SELECT " + count.formatted("bulk_a") + ", " + count.formatted("bulk_b"))) {
                rs.next();
                List<Long> rows = List.of(rs.getLong(1), rs.getLong(2));
                c.commit();
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private InvariantReader stream(String name, Map<String, String> sinkOverrides) throws Exception {
        pipeline = new Pipeline(name);
        Sql.execute(pipeline.source, "CREATE TABLE orders (id integer PRIMARY KEY, total bigint NOT NULL)",
                "CREATE TABLE order_lines (order_id integer, line_no integer, amount bigint NOT NULL,"
                        + " PRIMARY KEY (order_id, line_no))",
                Pipeline.insertCustomers(1, 1));
        pipeline.startSource(Map.of("table.include.list", "public.customers,public.orders,public.order_lines",
                "provide.transaction.metadata", "true"));
        Map<String, String> sink = new HashMap<>(Map.of(
                "topics", pipeline.prefix + ".public.orders," + pipeline.prefix + ".public.order_lines,"
                        + pipeline.prefix + ".transaction",
                "batch.size", "3"));
        sink.putAll(sinkOverrides);
        Sql.execute(pipeline.source, "INSERT INTO orders VALUES (0, 1)", "INSERT INTO order_lines VALUES (0, 1, 1)");
        Await.until("Debezium to create the order and transaction topics", Duration.ofSeconds(60),
                () -> pipeline.connect.cluster().kafka().describeTopics(pipeline.prefix + ".transaction")
                        .get(pipeline.prefix + ".transaction").isPresent());
        pipeline.startSink(sink);
        Await.until("the first order and its line in the target", Duration.ofSeconds(90), () -> Sql.queryAsText(
                pipeline.target, "SELECT to_regclass('orders') IS NOT NULL AND to_regclass('order_lines') IS NOT NULL"),
                tables -> tables.equals(List.of(List.of("t"))));
        Await.until("the first order and its line in the target", Duration.ofSeconds(60),
                () -> Sql.count(pipeline.target, "SELECT count(*) FROM orders") == 1
                        && Sql.count(pipeline.target, "SELECT count(*) FROM order_lines") == 1);

        try (InvariantReader reader = new InvariantReader(pipeline.target, MISMATCHED, 0).start()) {
            writeOrders(pipeline.source);
            List<List<String>> expected = Sql.queryAsText(pipeline.source,
                    "SELECT o.id, o.total, count(l.*) FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id ORDER BY o.id");
            Await.until("the target orders to equal the source; " + pipeline.connect.describe("sink"), Duration.ofSeconds(90),
                    () -> Sql.queryAsText(pipeline.target, "SELECT o.id, o.total, count(l.*) FROM orders o"
                            + " JOIN order_lines l ON l.order_id = o.id AND NOT l.__deleted WHERE NOT o.__deleted"
                            + " GROUP BY o.id ORDER BY o.id"), expected::equals);
            System.out.printf("%s: %,d order transactions, %,d reads of the target, %,d with an order that does not add up%n",
                    name, TRANSACTIONS, reader.samples(), reader.violations());
            return reader;
        }
    }

    /** New orders with 1-4 lines, and changes of one line with its order's total, each in one transaction. */
    private static void writeOrders(String database) throws SQLException {
        Random random = new Random(3);
        try (Connection c = TestPostgres.connect(database);
             PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (?, ?)");
             PreparedStatement line = c.prepareStatement("INSERT INTO order_lines VALUES (?, ?, ?)");
             PreparedStatement changeLine = c.prepareStatement(
                     "UPDATE order_lines SET amount = amount + ? WHERE order_id = ? AND line_no = 1");
             PreparedStatement changeTotal = c.prepareStatement("UPDATE orders SET total = total + ? WHERE id = ?")) {
            c.setAutoCommit(false);
            for (int t = 1; t <= TRANSACTIONS; t++) {
                if (t % 3 == 0) {
                    int id = 1 + random.nextInt(t - 1);
                    long delta = 1 + random.nextInt(9);
                    changeLine.setLong(1, delta);
                    changeLine.setInt(2, id);
                    changeLine.executeUpdate();
                    changeTotal.setLong(1, delta);
                    changeTotal.setInt(2, id);
                    changeTotal.executeUpdate();
                } else {
                    int lines = 1 + random.nextInt(4);
                    long total = 0;
                    for (int n = 1; n <= lines; n++) {
                        long amount = 1 + random.nextInt(100);
                        total += amount;
                        line.setInt(1, t);
                        line.setInt(2, n);
                        line.setLong(3, amount);
                        line.executeUpdate();
                    }
                    order.setInt(1, t);
                    order.setLong(2, total);
                    order.executeUpdate();
                }
                c.commit();
            }
        }
    }
}
