package io.tidemark.deploy;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo application writing to the source database in the classic shape: orders are placed (the order row
 * and its {@code OrderPlaced} outbox row in one transaction), paid, shipped and sometimes cancelled (deleted);
 * a cleanup job deletes outbox rows a few seconds after they were written, as applications do once the event
 * is published. The same logic runs against every source; only the statements of {@link Sql} differ.
 */
final class DemoShop {

    static final int SEED_ORDERS = 100;
    private static final List<String> CUSTOMERS = List.of("ada", "grace", "edsger", "barbara", "donald", "margaret", "ken");
    private static final Duration OUTBOX_RETENTION = Duration.ofSeconds(5);
    private static final String ADVANCE_STATUS = "status = CASE status WHEN 'placed' THEN 'paid' WHEN 'paid' THEN 'shipped'"
            + " ELSE 'delivered' END";

    /**
     * The statements whose SQL differs between the databases, each with its parameters.
     *
     * @param writeOutboxRow   the outbox row of a placed order: event id (a UUID as text), order id, JSON payload
     * @param advanceOrder     moves the first order from the given id on that is not delivered yet to its next status
     * @param cancelOrder      deletes the first order from the given id on
     * @param cleanOutbox      deletes the outbox rows older than the given number of seconds
     */
    record Sql(String writeOutboxRow, String advanceOrder, String cancelOrder, String cleanOutbox) {

        static final Sql POSTGRES = new Sql(
                "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)"
                        + " VALUES (?::uuid, 'Order', ?, 'OrderPlaced', ?::jsonb)",
                "UPDATE orders SET " + ADVANCE_STATUS + ", updated_at = now()"
                        + " WHERE id = (SELECT id FROM orders WHERE id >= ? AND status <> 'delivered' ORDER BY id LIMIT 1)",
                "DELETE FROM orders WHERE id = (SELECT id FROM orders WHERE id >= ? ORDER BY id LIMIT 1)",
                "DELETE FROM outbox WHERE created_at < now() - make_interval(secs => ?)");

        /** MariaDB cannot select from the table a statement changes; it limits UPDATE and DELETE itself instead. */
        static final Sql MARIADB = new Sql(
                "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload)"
                        + " VALUES (?, 'Order', ?, 'OrderPlaced', ?)",
                "UPDATE orders SET " + ADVANCE_STATUS + ", updated_at = now(6)"
                        + " WHERE id >= ? AND status <> 'delivered' ORDER BY id LIMIT 1",
                "DELETE FROM orders WHERE id >= ? ORDER BY id LIMIT 1",
                "DELETE FROM outbox WHERE created_at < now(6) - INTERVAL ? SECOND");
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Sql sql;
    private final Random random = new Random();
    private final AtomicLong placed = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();

    DemoShop(String jdbcUrl, String user, String password, Sql sql) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.sql = sql;
    }

    /** The shop on the stack's source database, as its application logs in. */
    static DemoShop on(StackSettings settings) {
        return new DemoShop(settings.sourceJdbcUrl(), settings.dbUser(), settings.dbPassword(), settings.source().shopSql());
    }

    /** Creates the tables if missing and, on an empty shop, places the orders the initial snapshot will carry. */
    void prepare(Path schemaFile) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // One statement per call: MariaDB's driver refuses several in one unless the URL allows them.
            for (String statement : Files.readString(schemaFile, StandardCharsets.UTF_8).split(";\\s*(\\n|$)")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            ResultSet rs = s.executeQuery("SELECT count(*) FROM orders");
            rs.next();
            if (rs.getLong(1) == 0) {
                c.setAutoCommit(false);
                for (int i = 0; i < SEED_ORDERS; i++) {
                    placeOrder(c);
                }
                c.commit();
            }
        } catch (IOException | SQLException e) {
            throw new StackException("could not prepare the demo shop: " + e.getMessage(), e);
        }
    }

    /** Orders placed by this instance (each also wrote one OrderPlaced outbox row). */
    long ordersPlaced() {
        return placed.get();
    }

    long transactions() {
        return transactions.get();
    }

    /**
     * Runs transactions at {@code perSecond} until {@code limit} have run (0: no limit) or {@code running}
     * turns false. A lost connection (the database restarting) pauses the workload instead of ending it.
     */
    void run(double perSecond, long limit, AtomicBoolean running) {
        long intervalNanos = (long) (1_000_000_000L / perSecond);
        long next = System.nanoTime();
        long lastCleanup = System.nanoTime();
        Connection c = null;
        try {
            while (running.get() && (limit == 0 || transactions.get() < limit)) {
                try {
                    if (c == null) {
                        c = connect();
                        c.setAutoCommit(false);
                    }
                    step(c);
                    c.commit();
                    transactions.incrementAndGet();
                    if (System.nanoTime() - lastCleanup > 2_000_000_000L) {
                        cleanOutbox(c);
                        c.commit();
                        lastCleanup = System.nanoTime();
                    }
                } catch (SQLException e) {
                    closeQuietly(c);
                    c = null;
                    KafkaServices.sleep(Duration.ofSeconds(1));
                }
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    KafkaServices.sleep(Duration.ofNanos(wait));
                } else if (wait < -1_000_000_000L) {
                    next = System.nanoTime();
                }
            }
        } finally {
            closeQuietly(c);
        }
    }

    /** One application transaction: half are new orders, the rest move an order on or cancel it. */
    private void step(Connection c) throws SQLException {
        int dice = random.nextInt(100);
        if (dice < 50) {
            placeOrder(c);
        } else if (dice < 90) {
            try (PreparedStatement ps = c.prepareStatement(sql.advanceOrder())) {
                ps.setLong(1, randomExistingId(c));
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement(sql.cancelOrder())) {
                ps.setLong(1, randomExistingId(c));
                ps.executeUpdate();
            }
        }
    }

    private void placeOrder(Connection c) throws SQLException {
        String customer = CUSTOMERS.get(random.nextInt(CUSTOMERS.size()));
        BigDecimal amount = BigDecimal.valueOf(500 + random.nextInt(99_500), 2).setScale(2, RoundingMode.UNNECESSARY);
        long id;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (customer, status, amount) VALUES (?, 'placed', ?) RETURNING id")) {
            ps.setString(1, customer);
            ps.setBigDecimal(2, amount);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(sql.writeOutboxRow())) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, Long.toString(id));
            ps.setString(3, "{\"orderId\": " + id + ", \"customer\": \"" + customer + "\", \"amount\": " + amount + "}");
            ps.executeUpdate();
        }
        placed.incrementAndGet();
    }

    private void cleanOutbox(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.cleanOutbox())) {
            ps.setLong(1, OUTBOX_RETENTION.toSeconds());
            ps.executeUpdate();
        }
    }

    private long randomExistingId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT min(id), max(id) FROM orders")) {
            rs.next();
            long min = rs.getLong(1);
            long max = rs.getLong(2);
            return max <= min ? min : min + (long) (random.nextDouble() * (max - min));
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // The connection is being dropped after a failure; nothing is left to undo.
            }
        }
    }
}
