package io.tidemark.deploy;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A paced stream of row changes to the demo shop's {@code orders}: each transaction inserts 70 orders, updates
 * 25 and deletes 5 of the live ones, and the counts of what PostgreSQL reports changed are kept by operation,
 * so a test knows exactly how many change events the source produced.
 */
final class OrderChurn {

    static final int INSERTS_PER_TRANSACTION = 70;
    static final int UPDATES_PER_TRANSACTION = 25;
    static final int DELETES_PER_TRANSACTION = 5;

    private final String url;
    private final String user;
    private final String password;
    private final SplittableRandom random = new SplittableRandom(20261122L);
    private final List<Long> live = new ArrayList<>();
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong updated = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();

    OrderChurn(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Runs {@code transactions} transactions at no more than {@code perSecond}; returns when the last has committed. */
    void run(int transactions, double perSecond) throws SQLException {
        long interval = (long) (1_000_000_000L / perSecond);
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            loadLiveOrders(c);
            c.setAutoCommit(false);
            long next = System.nanoTime();
            for (int t = 0; t < transactions; t++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    KafkaServices.sleep(Duration.ofNanos(wait));
                }
                next += interval;
                transaction(c, t);
            }
        }
    }

    long changes() {
        return inserted.get() + updated.get() + deleted.get();
    }

    long inserted() {
        return inserted.get();
    }

    long updated() {
        return updated.get();
    }

    long deleted() {
        return deleted.get();
    }

    private void transaction(Connection c, int number) throws SQLException {
        List<Long> added = new ArrayList<>(INSERTS_PER_TRANSACTION);
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO orders (customer, status, amount) SELECT 'churn-' || ? || '-' || g, 'placed', (g * 7 % 10000) / 100.0"
                        + " FROM generate_series(1, ?) g RETURNING id")) {
            insert.setInt(1, number);
            insert.setInt(2, INSERTS_PER_TRANSACTION);
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    added.add(rs.getLong(1));
                }
            }
        }
        live.addAll(added);
        long updates = execute(c, "UPDATE orders SET status = 'paid', amount = amount + 1, updated_at = now() WHERE id = ANY (?)",
                pick(UPDATES_PER_TRANSACTION, false));
        long deletes = execute(c, "DELETE FROM orders WHERE id = ANY (?)", pick(DELETES_PER_TRANSACTION, true));
        c.commit();
        inserted.addAndGet(added.size());
        updated.addAndGet(updates);
        deleted.addAndGet(deletes);
    }

    /** Distinct live orders, most of them among the newest tenth, as order tables see; removed from the live set when deleted. */
    private Long[] pick(int count, boolean remove) {
        List<Long> picked = new ArrayList<>(count);
        while (picked.size() < count && picked.size() < live.size()) {
            int recent = Math.max(1, live.size() / 10);
            int index = random.nextBoolean() ? live.size() - 1 - random.nextInt(recent) : random.nextInt(live.size());
            Long id = live.get(index);
            if (!picked.contains(id)) {
                picked.add(id);
                if (remove) {
                    live.set(index, live.get(live.size() - 1));
                    live.remove(live.size() - 1);
                }
            }
        }
        return picked.toArray(Long[]::new);
    }

    private static long execute(Connection c, String sql, Long[] ids) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("bigint", ids);
            statement.setArray(1, array);
            return statement.executeUpdate();
        }
    }

    private void loadLiveOrders(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM orders ORDER BY id"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                live.add(rs.getLong(1));
            }
        }
    }
}
