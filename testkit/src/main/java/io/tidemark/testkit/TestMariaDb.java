package io.tidemark.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One MariaDB server per test JVM (Debian's {@code mariadb-server}, not from Maven), writing a row-based binlog with
 * full row images so Debezium's MySQL connector can stream from it. It runs as root from a temporary data directory
 * that is deleted when the JVM exits. Each test asks for a fresh database, so tests never see each other's tables.
 * Test SQL runs as {@code root} (no password, from 127.0.0.1); Debezium logs in as {@link #DEBEZIUM_USER}, who has
 * only the privileges its MySQL connector needs. JDBC goes through mysql-connector-j, the driver Debezium ships with.
 */
public final class TestMariaDb {

    public static final String DEBEZIUM_USER = "debezium";
    public static final String DEBEZIUM_PASSWORD = "debezium-secret";
    /** The {@code server_id} the server writes into its binlog events. */
    public static final int SERVER_ID = 1;

    private static final String ROOT = "root";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    private static Server server;

    private TestMariaDb() {
    }

    private record Server(Process process, Path directory, int port) {
    }

    /** Whether {@code mariadbd} is on the PATH and runs ({@code mariadb-install-db} comes in the same package). */
    public static boolean installed() {
        return ExternalTools.succeeds("mariadbd", "--version");
    }

    /** Starts the shared server on first use (about a second); later calls return its port at once. */
    public static synchronized int port() {
        if (server == null) {
            server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(TestMariaDb::stopQuietly, "mariadb-stop"));
            createDebeziumUser();
        }
        return server.port();
    }

    private static Server start() {
        Path directory;
        try {
            directory = Files.createTempDirectory("tidemark-mariadb");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for MariaDB", e);
        }
        Path data = directory.resolve("data");
        Path log = directory.resolve("mariadbd.log");
        // A small redo log makes mariadb-install-db take about 1 s instead of 2.5 s.
        run(directory, "mariadb-install-db", "--no-defaults", "--user=root", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db", "--innodb-log-file-size=8M");
        int port = freePort();
        Process process;
        try {
            process = new ProcessBuilder("mariadbd", "--no-defaults", "--user=root", "--datadir=" + data,
                    "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + directory.resolve("mariadbd.sock"),
                    "--log-bin=mysql-bin", "--server-id=" + SERVER_ID, "--binlog-format=ROW",
                    "--binlog-row-image=FULL", "--skip-name-resolve", "--innodb-log-file-size=8M")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            deleteQuietly(directory);
            throw new UncheckedIOException("could not run mariadbd (is Debian's mariadb-server installed?)", e);
        }
        Server started = new Server(process, directory, port);
        awaitAnswer(started, log);
        return started;
    }

    /** Polls a root login until it works; fails with the server's log if mariadbd exits or never answers. */
    private static void awaitAnswer(Server started, Path log) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!started.process().isAlive()) {
                String message = "mariadbd exited with " + started.process().exitValue()
                        + " before it answered on port " + started.port() + "; its log:\n" + read(log);
                deleteQuietly(started.directory());
                throw new IllegalStateException(message);
            }
            try (Connection ignored = DriverManager.getConnection(url("", started.port()), ROOT, "")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(started);
                throw new IllegalStateException("interrupted while waiting for mariadbd", e);
            }
        }
        String message = "mariadbd did not answer on port " + started.port() + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s; its log:\n" + read(log);
        stop(started);
        throw new IllegalStateException(message, last);
    }

    private static void createDebeziumUser() {
        execute("mysql",
                "CREATE USER '" + DEBEZIUM_USER + "'@'%' IDENTIFIED BY '" + DEBEZIUM_PASSWORD + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR,"
                        + " LOCK TABLES ON *.* TO '" + DEBEZIUM_USER + "'@'%'");
    }

    private static void run(Path directory, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                deleteQuietly(directory);
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ":\n" + output);
            }
        } catch (IOException e) {
            deleteQuietly(directory);
            throw new UncheckedIOException("could not run " + command[0] + " (is Debian's mariadb-server installed?)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(directory);
            throw new IllegalStateException("interrupted running " + command[0], e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for MariaDB", e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static synchronized void stopQuietly() {
        if (server != null) {
            stop(server);
            server = null;
        }
    }

    /** SIGTERM (a clean shutdown takes under 2 s), then a kill if it hangs; then the data directory goes. */
    private static void stop(Server running) {
        running.process().destroy();
        try {
            if (!running.process().waitFor(15, TimeUnit.SECONDS)) {
                running.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.process().destroyForcibly();
        }
        deleteQuietly(running.directory());
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // The directory is under the system's temporary directory.
        }
    }

    /** Creates a new, empty database whose name starts with {@code prefix} and returns its name. */
    public static String createDatabase(String prefix) {
        String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + DATABASE_COUNTER.incrementAndGet();
        execute("mysql", "CREATE DATABASE " + name);
        return name;
    }

    /** A mysql-connector-j URL for {@code database} on the shared server. */
    public static String jdbcUrl(String database) {
        return url(database, port());
    }

    private static String url(String database, int port) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?sslMode=DISABLED";
    }

    /**
     * A MariaDB Connector/J URL for {@code database} on the shared server, as a user of the sink writes it for a
     * MariaDB target; the root user has no password.
     */
    public static String mariadbUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port() + "/" + database + "?user=" + ROOT;
    }

    /** A root connection to {@code database}, in autocommit mode. */
    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), ROOT, "");
    }

    /** Runs {@code statements} as root in {@code database}, each in a transaction of its own (autocommit). */
    public static void execute(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed in " + database + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query in {@code database}, each value as the driver's text of it (null for SQL NULL). */
    public static List<List<String>> queryAsText(String database, String sql) {
        try (Connection c = connect(database)) {
            return Sql.queryAsText(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed in " + database + ": " + e.getMessage(), e);
        }
    }
}
