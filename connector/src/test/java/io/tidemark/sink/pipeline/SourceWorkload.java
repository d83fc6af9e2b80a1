package io.tidemark.sink.pipeline;

import io.tidemark.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes to the source while a test disturbs the pipeline: increments a per-row counter ({@code big})
 * on a range of rows, one transaction per change, a bounded number of times. Because the counter only
 * grows, a target row whose counter ever goes down has regressed. Its SQL runs on PostgreSQL and MariaDB.
 */
final class SourceWorkload implements AutoCloseable {

    /** Opens a connection to the source database, in autocommit mode. */
    interface SourceDatabase {
        Connection connect() throws SQLException;
    }

    private final SourceDatabase source;
    private final int fromId;
    private final int toId;
    private final int changes;
    private final AtomicInteger done = new AtomicInteger();
    private final Thread thread;
    private volatile Exception failure;

    /** On the PostgreSQL test database {@code database}. */
    SourceWorkload(String database, int fromId, int toId, int changes) {
        this(() -> TestPostgres.connect(database), fromId, toId, changes);
    }

    SourceWorkload(SourceDatabase source, int fromId, int toId, int changes) {
        this.source = source;
        this.fromId = fromId;
        this.toId = toId;
        this.changes = changes;
        this.thread = new Thread(this::run, "source-workload");
    }

    SourceWorkload start() {
        thread.start();
        return this;
    }

    private void run() {
        // MariaDB assigns left to right from the values already set, PostgreSQL from the old row: name comes first.
        String sql = "UPDATE customers SET name = concat('v', big + 1), big = big + 1 WHERE id = ?";
        try (Connection c = source.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            int span = toId - fromId + 1;
            for (int i = 0; i < changes && !Thread.currentThread().isInterrupted(); i++) {
                ps.setInt(1, fromId + i % span);
                ps.executeUpdate();
                done.incrementAndGet();
            }
        } catch (SQLException e) {
            failure = e;
        }
    }

    int done() {
        return done.get();
    }

    /** Waits for the workload to finish; rethrows what stopped it early. */
    void await() throws Exception {
        thread.join(120_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("the source workload did not finish in 120 s (" + done() + " changes)");
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
