package io.tidemark.sink.pipeline;

import io.tidemark.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inserts, updates and deletes rows at the source while a test disturbs the pipeline: each transaction inserts a
 * customer, updates one and deletes one, and every third one does the same to {@code items}. Paced and bounded in
 * count; it counts its transactions and deletes, so a test can tell that deletes happened in a window.
 */
final class ChurnWorkload implements AutoCloseable {

    private final String database;
    private final int transactions;
    private final double perSecond;
    private final SplittableRandom random = new SplittableRandom(20260316L);
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger deletes = new AtomicInteger();
    private final Thread thread;
    private volatile Exception failure;

    ChurnWorkload(String database, int transactions, double perSecond) {
        this.database = database;
        this.transactions = transactions;
        this.perSecond = perSecond;
        this.thread = new Thread(this::run, "churn-workload");
    }

    ChurnWorkload start() {
        thread.start();
        return this;
    }

    private void run() {
        long interval = (long) (1_000_000_000L / perSecond);
        try (Connection c = TestPostgres.connect(database)) {
            List<Integer> customers = ids(c, "customers");
            List<Integer> items = ids(c, "items");
            int nextCustomer = customers.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            int nextItem = items.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
            c.setAutoCommit(false);
            long next = System.nanoTime();
            for (int t = 0; t < transactions && !Thread.currentThread().isInterrupted(); t++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                next += interval;
                try (Statement s = c.createStatement()) {
                    s.execute(Pipeline.insertCustomers(nextCustomer, nextCustomer));
                }
                customers.add(nextCustomer++);
                change(c, "UPDATE customers SET name = 'churn " + t + "', big = big + 1 WHERE id = ?", pick(customers, false));
                change(c, "DELETE FROM customers WHERE id = ?", pick(customers, true));
                int deleted = 1;
                if (t % 3 == 0) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
                        ps.setInt(1, nextItem);
                        ps.setString(2, "churn item " + t);
                        ps.executeUpdate();
                    }
                    items.add(nextItem++);
                    change(c, "UPDATE items SET label = 'churn " + t + "' WHERE id = ?", pick(items, false));
                    change(c, "DELETE FROM items WHERE id = ?", pick(items, true));
                    deleted++;
                }
                c.commit();
                deletes.addAndGet(deleted);
                done.incrementAndGet();
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int pick(List<Integer> live, boolean remove) {
        int index = random.nextInt(live.size());
        int id = live.get(index);
        if (remove) {
            live.set(index, live.get(live.size() - 1));
            live.remove(live.size() - 1);
        }
        return id;
    }

    private static void change(Connection c, String sql, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, id);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("expected one row changed by " + sql + " for id " + id);
            }
        }
    }

    private static List<Integer> ids(Connection c, String table) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    int done() {
        return done.get();
    }

    int deletes() {
        return deletes.get();
    }

    /** Waits for the workload to finish; rethrows what stopped it early. */
    void await(Duration timeout) throws Exception {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new IllegalStateException("the churn workload did not finish in " + timeout.toSeconds() + " s ("
                    + done() + " of " + transactions + " transactions)");
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
