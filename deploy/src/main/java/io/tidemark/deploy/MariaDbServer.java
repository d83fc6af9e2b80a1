package io.tidemark.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The stack's MariaDB source: Debian's {@code mariadbd} (package mariadb-server, not from Maven) run from a data
 * directory in the stack home, writing the row-based binlog with full row images that Debezium's MySQL connector
 * reads. It runs in a session of its own, so it outlives the launcher like the other servers, and is found again
 * through the pid file it writes. {@code root} has no password and is used only by the stack, from 127.0.0.1; the
 * application and Debezium have logins of their own.
 */
final class MariaDbServer implements DatabaseServer {

    /** What Debezium's MySQL connector needs on MariaDB: reads, the snapshot's locks, and the binlog. */
    private static final String DEBEZIUM_PRIVILEGES = "SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE,"
            + " REPLICATION CLIENT, BINLOG MONITOR, LOCK TABLES";
    private static final int SERVER_ID = 1;
    // A small redo log makes mariadb-install-db take about 1 s instead of 2.5 s; the server must use the same size.
    private static final String REDO_LOG_SIZE = "--innodb-log-file-size=8M";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

    private final String name;
    private final Path dataDir;
    private final Path logFile;
    private final Path pidFile;
    private final Path socket;
    private final int port;
    private final String appUser;
    private final String debeziumUser;
    private final String password;

    MariaDbServer(String name, StackSettings stack) {
        this.name = name;
        this.dataDir = stack.home().resolve(name);
        this.logFile = stack.logs().resolve(name + ".log");
        this.pidFile = stack.pids().resolve(name + ".pid");
        this.socket = stack.pids().resolve(name + ".sock");
        this.port = stack.sourceDbPort();
        this.appUser = stack.dbUser();
        this.debeziumUser = stack.debeziumUser();
        this.password = stack.dbPassword();
    }

    /** Whether {@code mariadbd} is installed ({@code mariadb-install-db} comes in the same package). */
    static boolean installed() {
        return OperatingSystem.findCommand("mariadbd").isPresent();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean initialized() {
        return Files.isDirectory(dataDir.resolve("mysql"));
    }

    /** Creates the data directory on first use, starts the server, and makes sure the application and Debezium can log in. */
    @Override
    public void start() {
        Path mariadbd = OperatingSystem.findCommand("mariadbd").orElseThrow(() -> new StackException(
                "the MariaDB source needs MariaDB's server, and mariadbd is not installed: apt-get install mariadb-server"));
        if (!initialized()) {
            install();
        }
        List<String> command = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults"));
        command.addAll(runAsRootOption());
        command.addAll(List.of("--datadir=" + dataDir, "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + socket, "--pid-file=" + pidFile, "--log-bin=mysql-bin", "--server-id=" + SERVER_ID,
                "--binlog-format=ROW", "--binlog-row-image=FULL", "--skip-name-resolve", REDO_LOG_SIZE));
        Process process;
        try {
            Files.createDirectories(pidFile.getParent());
            process = OperatingSystem.startDetached(command, logFile);
        } catch (IOException e) {
            throw new StackException(name + ": could not start mariadbd: " + e.getMessage(), e);
        }
        awaitAnswer(process);
        executeAsRoot("CREATE USER IF NOT EXISTS " + account(appUser) + " IDENTIFIED BY " + literal(password),
                "CREATE USER IF NOT EXISTS " + account(debeziumUser) + " IDENTIFIED BY " + literal(password),
                "GRANT " + DEBEZIUM_PRIVILEGES + " ON *.* TO " + account(debeziumUser));
    }

    @Override
    public boolean running() {
        return process().isPresent();
    }

    /** SIGTERM: mariadbd rolls back open transactions and flushes committed data (about 2 s). */
    @Override
    public void stop() {
        process().ifPresent(p -> OperatingSystem.terminate(p, SHUTDOWN_GRACE));
    }

    /** Creates {@code database} unless it exists, owned by the application's login. */
    @Override
    public void createDatabase(String database) {
        executeAsRoot("CREATE DATABASE IF NOT EXISTS " + identifier(database) + " CHARACTER SET utf8mb4",
                "GRANT ALL PRIVILEGES ON " + identifier(database) + ".* TO " + account(appUser));
    }

    private Optional<ProcessHandle> process() {
        return OperatingSystem.runningWith(pidFile, "--datadir=" + dataDir);
    }

    /** Runs {@code mariadb-install-db} into a directory of its own, moved into place once complete. */
    private void install() {
        Path partial = dataDir.resolveSibling(name + ".partial");
        List<String> command = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults"));
        command.addAll(runAsRootOption());
        command.addAll(List.of("--datadir=" + partial, "--auth-root-authentication-method=normal", "--skip-test-db",
                REDO_LOG_SIZE));
        try {
            PostgresServer.deleteTree(partial);
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new StackException(name + ": mariadb-install-db did not finish in 120 s; see " + logFile);
            }
            if (process.exitValue() != 0) {
                throw new StackException(name + ": mariadb-install-db failed:\n" + OperatingSystem.tail(logFile, 15));
            }
            Files.move(partial, dataDir);
        } catch (IOException e) {
            throw new StackException(name + ": could not create the data directory: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException(name + ": interrupted", e);
        }
    }

    /** As root, MariaDB's programs refuse to run unless told to run as root. */
    private static List<String> runAsRootOption() {
        return OperatingSystem.isRoot() ? List.of("--user=root") : List.of();
    }

    /** Polls a root login until it works; fails with the server's log if mariadbd exits or never answers. */
    private void awaitAnswer(Process process) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new StackException(name + ": mariadbd exited with code " + process.exitValue() + " while starting;"
                        + " last lines of " + logFile + ":\n" + OperatingSystem.tail(logFile, 20));
            }
            try (Connection ignored = rootConnection()) {
                return;
            } catch (SQLException e) {
                KafkaServices.sleep(Duration.ofMillis(100));
            }
        }
        throw new StackException(name + ": mariadbd did not answer on port " + port + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s; last lines of " + logFile + ":\n" + OperatingSystem.tail(logFile, 20));
    }

    private void executeAsRoot(String... statements) {
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new StackException(name + ": " + e.getMessage(), e);
        }
    }

    private Connection rootConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
    }

    private static String account(String user) {
        return literal(user) + "@'%'";
    }

    /** A string literal; MariaDB reads backslashes in literals as escapes. */
    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
