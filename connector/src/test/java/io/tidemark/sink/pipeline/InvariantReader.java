package io.tidemark.sink.pipeline;

import io.tidemark.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the target as fast as it can while a test streams into it: runs a query that yields one number, and counts
 * the reads whose number is not the one an invariant of the source's transactions keeps.
 */
final class InvariantReader implements AutoCloseable {

    private final String database;
    private final String query;
    private final long expected;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicInteger violations = new AtomicInteger();
    private final Thread thread;
    private volatile Exception failure;

    InvariantReader(String database, String query, long expected) {
        this.database = database;
        this.query = query;
        this.expected = expected;
        this.thread = new Thread(this::run, "invariant-reader");
    }

    InvariantReader start() {
        thread.start();
        return this;
    }

    private void run() {
        try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
            while (running.get()) {
                try (ResultSet rs = s.executeQuery(query)) {
                    rs.next();
                    samples.incrementAndGet();
                    if (rs.getLong(1) != expected) {
                        violations.incrementAndGet();
                    }
                }
            }
        } catch (SQLException e) {
            failure = e;
        }
    }

    int samples() {
        return samples.get();
    }

    int violations() {
        return violations.get();
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        thread.join(10_000);
        if (failure != null) {
            throw failure;
        }
    }
}
