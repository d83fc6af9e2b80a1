package io.tidemark.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * DuckDB database files for tests: each test asks for a fresh one ({@link #createDatabase}, no more than a name until
 * something opens it) in a temporary directory of the JVM, deleted when the JVM exits. Test SQL opens the file the way
 * the sink does, by the same URL, in this process, where DuckDB shares one database instance between all connections
 * to a file. {@link #holdInAnotherProcess} and {@link #queryInAnotherProcess} open it from a JVM of their own, as a
 * duckdb CLI or a second Connect worker would, which DuckDB's file lock keeps out while this process has it open.
 */
public final class TestDuckDb {

    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    private static final long PROCESS_TIMEOUT_S = 60;
    private static Path directory;

    private TestDuckDb() {
    }

    private static synchronized Path directory() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("tidemark-duckdb");
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a directory for DuckDB files", e);
            }
            Path created = directory;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(created), "duckdb-files-delete"));
        }
        return directory;
    }

    /** A name for a new database file whose name starts with {@code prefix}; the file appears when first opened. */
    public static String createDatabase(String prefix) {
        return prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + DATABASE_COUNTER.incrementAndGet();
    }

    /** The file of {@code database}. */
    public static Path file(String database) {
        return directory().resolve(database + ".duckdb");
    }

    /** The URL of {@code database}'s file, as a user of the sink writes it for a DuckDB target. */
    public static String jdbcUrl(String database) {
        return "jdbc:duckdb:" + file(database);
    }

    /** A connection to {@code database} in this process, in autocommit mode. */
    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    /** Runs {@code statements} in {@code database}, each in a transaction of its own (autocommit). */
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

    /**
     * Rows of {@code sql} as another process reads them from {@code file} (values tab-separated by {@link
     * OtherProcess}): it can open the file only while no process, this one included, has it open.
     *
     * @throws IllegalStateException with DuckDB's message when the other process cannot open the file
     */
    public static List<List<String>> queryInAnotherProcess(Path file, String sql) {
        Process process = start("query", file.toString(), sql);
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the other process did not finish within " + PROCESS_TIMEOUT_S + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(output.strip());
            }
            List<List<String>> rows = new ArrayList<>();
            output.lines().forEach(line -> rows.add(Arrays.asList(line.split("\t", -1))));
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while the other process read " + file, e);
        }
    }

    /**
     * Another process that opens {@code file} for writing and keeps it open until closed, as a second Connect worker or
     * a duckdb CLI would; returns once it has the file.
     *
     * @throws IllegalStateException with DuckDB's message when it cannot open the file
     */
    public static Holder holdInAnotherProcess(Path file) {
        Process process = start("hold", file.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (!OtherProcess.HOLDING.equals(line)) {
                String rest = out.lines().reduce("", (a, b) -> a + "\n" + b);
                process.destroyForcibly();
                throw new IllegalStateException("the other process could not open " + file + ": " + line + rest);
            }
            return new Holder(process);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException(e);
        }
    }

    /** A process holding a DuckDB file open; closing it lets go of the file and ends the process. */
    public static final class Holder implements AutoCloseable {
        private final Process process;

        private Holder(Process process) {
            this.process = process;
        }

        /** The holder's process id, which DuckDB names in its lock error. */
        public long pid() {
            return process.pid();
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** A JVM on this JVM's class path running {@link OtherProcess}. */
    private static Process start(String... args) {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), OtherProcess.class.getName()));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a JVM for DuckDB", e);
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // The directory is under the system's temporary directory.
        }
    }

    /**
     * The other process: {@code hold <file>} opens the file, prints {@link #HOLDING} and keeps it open until its
     * standard input closes; {@code query <file> <sql>} prints the rows, values tab-separated. A DuckDB error is
     * printed and exits with 2.
     */
    public static final class OtherProcess {
        static final String HOLDING = "holding";

        private OtherProcess() {
        }

        public static void main(String[] args) throws IOException {
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[1])) {
                if (args[0].equals("hold")) {
                    System.out.println(HOLDING);
                    System.out.flush();
                    System.in.readAllBytes();
                    return;
                }
                for (List<String> row : Sql.queryAsText(c, args[2])) {
                    System.out.println(String.join("\t", row.stream().map(String::valueOf).toList()));
                }
            } catch (SQLException e) {
                System.out.println(e.getMessage());
                System.exit(2);
            }
        }
    }
}
