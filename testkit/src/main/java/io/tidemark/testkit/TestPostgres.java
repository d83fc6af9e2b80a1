package io.tidemark.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server per test JVM, configured for logical decoding so Debezium can
 * stream from it. Each test asks for a fresh database, so tests never see each other's tables.
 * As root, zonky starts PostgreSQL inside {@code unshare -U} (PostgreSQL refuses to run as root).
 */
public final class TestPostgres {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static boolean durable;

    private TestPostgres() {
    }

    /**
     * Starts the shared server on first use, with commits neither flushed nor waited for ({@code fsync=off},
     * {@code synchronous_commit=off}: tests need no durability); later calls return the running server at once,
     * however it was started.
     */
    public static synchronized EmbeddedPostgres server() {
        return server != null ? server : server(false);
    }

    /**
     * As {@link #server()}, but when {@code durable} the server flushes every commit to disk ({@code fsync=on},
     * {@code synchronous_commit=on}, as a production database): the benchmark's target. Fails if the server already
     * runs the other way.
     */
    public static synchronized EmbeddedPostgres server(boolean durable) {
        if (server != null) {
            if (TestPostgres.durable != durable) {
                throw new IllegalStateException("the embedded PostgreSQL already runs with durable=" + TestPostgres.durable);
            }
            return server;
        }
        String onIfDurable = durable ? "on" : "off";
        try {
            server = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "40")
                    .setServerConfig("max_wal_senders", "40")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", onIfDurable)
                    .setServerConfig("synchronous_commit", onIfDurable)
                    // Commit times of transactions: the latency benchmark reads when a target write became visible.
                    .setServerConfig("track_commit_timestamp", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
        TestPostgres.durable = durable;
        Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stopQuietly, "embedded-postgres-stop"));
        return server;
    }

    private static synchronized void stopQuietly() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // The JVM is exiting; the data directory is temporary.
            }
            server = null;
        }
    }

    public static int port() {
        return server().getPort();
    }

    /** Creates a new, empty database whose name starts with {@code prefix} and returns its name. */
    public static String createDatabase(String prefix) {
        String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + DATABASE_COUNTER.incrementAndGet();
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return name;
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }
}
