package io.tidemark.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.tidemark.sink.dialect.TargetDialect;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task's database connections: two at most, one for the batches and one to read stored offsets on open() while a
 * transaction is kept open (correctness.md §4.1). They are closed once none has been used for connection.idle.release.ms,
 * which for DuckDB is how the sink lets go of a database file that every other process is locked out of while it is
 * open; a connection whose driver lost track of its transaction ({@link TargetDialect#breaksConnection}) is closed
 * instead of being handed out again.
 */
final class TargetPool extends HikariDataSource {

    private static final long MAX_CHECK_INTERVAL_MS = 1_000;
    private static final long MIN_CHECK_INTERVAL_MS = 10;

    private final long idleReleaseNanos;
    private final ScheduledExecutorService releaser;
    /** When a connection was last asked for or seen in use, in {@link System#nanoTime()}. */
    private volatile long lastUsedNanos = System.nanoTime();

    private TargetPool(HikariConfig config, long idleReleaseMs, String name) {
        super(config);
        this.idleReleaseNanos = TimeUnit.MILLISECONDS.toNanos(idleReleaseMs);
        this.releaser = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, name + "-idle-release");
            thread.setDaemon(true);
            return thread;
        });
        // A quarter of the idle time between checks: released within 25% of it, at most a second late.
        long interval = Math.max(MIN_CHECK_INTERVAL_MS, Math.min(MAX_CHECK_INTERVAL_MS, idleReleaseMs / 4));
        releaser.scheduleWithFixedDelay(this::releaseIfIdle, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * The pool of a task of connector {@code connectorName}: over {@code connections} or, when that is null, the JDBC
     * driver of connection.url.
     */
    static TargetPool open(SinkConfig config, TargetDialect dialect, String connectorName, DataSource connections) {
        HikariConfig hikari = new HikariConfig();
        if (connections != null) {
            hikari.setDataSource(connections);
        } else {
            hikari.setJdbcUrl(config.url());
            dialect.driverProperties().forEach(hikari::addDataSourceProperty);
            hikari.setUsername(config.user());
            if (config.password() != null) {
                hikari.setPassword(config.password().value());
            }
        }
        hikari.setAutoCommit(false);
        hikari.setMaximumPoolSize(2);
        hikari.setMinimumIdle(0);
        // Idle connections are closed by releaseIfIdle, to the millisecond the configuration asks for.
        hikari.setIdleTimeout(0);
        hikari.setConnectionTimeout(10_000);
        // Start even while the database is down: put() retries until it is back.
        hikari.setInitializationFailTimeout(-1);
        hikari.setExceptionOverride(new SQLExceptionOverride() {
            @java.lang.Override
            public SQLExceptionOverride.Override adjudicate(SQLException error) {
                return dialect.breaksConnection(error) ? SQLExceptionOverride.Override.MUST_EVICT
                        : SQLExceptionOverride.Override.CONTINUE_EVICT;
            }
        });
        String name = "tidemark-" + connectorName;
        hikari.setPoolName(name);
        return new TargetPool(hikari, config.idleReleaseMs(dialect), name);
    }

    @Override
    public Connection getConnection() throws SQLException {
        lastUsedNanos = System.nanoTime();
        return super.getConnection();
    }

    /** Closes the open connections once none has been asked for or in use for the idle time. */
    private void releaseIfIdle() {
        HikariPoolMXBean pool = getHikariPoolMXBean();
        if (pool == null) {
            return;
        }
        long now = System.nanoTime();
        if (pool.getActiveConnections() > 0 || pool.getThreadsAwaitingConnection() > 0) {
            lastUsedNanos = now;
        } else if (pool.getIdleConnections() > 0 && now - lastUsedNanos >= idleReleaseNanos) {
            // A connection taken meanwhile is not closed under its user: Hikari closes it when it comes back.
            pool.softEvictConnections();
        }
    }

    @Override
    public void close() {
        releaser.shutdownNow();
        super.close();
    }
}
