package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Await;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
