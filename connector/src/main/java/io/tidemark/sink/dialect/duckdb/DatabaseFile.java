package io.tidemark.sink.dialect.duckdb;

import org.duckdb.DuckDBDriver;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The database a {@code jdbc:duckdb:} URL names ({@code jdbc:duckdb:<file>[;option=value...]}) and what can be told
 * about it before the sink writes to it. The file itself is never opened with Java's file API, only looked at: closing
 * any descriptor of a file drops every POSIX lock the process holds on it, DuckDB's own included.
 */
record DatabaseFile(String url, String location, Map<String, String> options) {

    static final String PREFIX = "jdbc:duckdb:";

    /** DuckDB's words when another process has the file open. */
    static final String LOCKED = "Could not set lock on file";

    static DatabaseFile of(String url) {
        String rest = url.substring(PREFIX.length());
        String[] parts = rest.split(";");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                options.put(parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT), parts[i].substring(eq + 1).trim());
            }
        }
        return new DatabaseFile(url, parts.length == 0 ? "" : parts[0].trim(), options);
    }

    /** Why the sink cannot write to this database at all, or null. */
    String refusal() {
        if (location.isEmpty() || location.startsWith(":memory:")) {
            return "an in-memory DuckDB database lives only as long as the worker process, and the rows, the stored"
                    + " offsets and the watermark would go with it: name a database file, e.g. jdbc:duckdb:/var/lib/"
                    + "tidemark/analytics.duckdb";
        }
        if (url.startsWith(PREFIX + "ducklake:") || location.startsWith("md:") || location.startsWith("motherduck:")
                || location.contains("://")) {
            return "the sink writes DuckDB database files on the worker's disk, not MotherDuck, DuckLake or remote"
                    + " databases";
        }
        if ("true".equalsIgnoreCase(options.get("duckdb.read_only"))
                || "read_only".equalsIgnoreCase(options.get("access_mode"))) {
            return "the URL opens the database read-only, and the sink writes to it";
        }
        try {
            Path.of(location);
        } catch (InvalidPathException e) {
            return "not a file name: " + e.getMessage();
        }
        return null;
    }

    /** The database file, relative names resolved against the worker's working directory as DuckDB resolves them. */
    Path path() {
        return Path.of(location).toAbsolutePath();
    }

    /**
     * Why this process cannot write the file now, or null: its directory is missing or not writable, or another
     * process has the file open (DuckDB lets one process at a time open a file for writing).
     */
    String setupProblem() {
        Path file = path();
        Path directory = file.getParent();
        if (!Files.isDirectory(directory)) {
            return "directory " + directory + " does not exist on this worker (DuckDB creates the database file, not"
                    + " its directory)";
        }
        if (!Files.isWritable(directory)) {
            return "directory " + directory + " is not writable by the worker (DuckDB writes " + file.getFileName()
                    + " and its .wal there)";
        }
        if (!Files.exists(file)) {
            return null;
        }
        // Opened like the tasks open it: in this process, where they may hold it already, DuckDB shares their instance.
        try (Connection ignored = new DuckDBDriver().connect(url, new Properties())) {
            return null;
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains(LOCKED)) {
                return file + " is open in another process (" + e.getMessage() + "). DuckDB lets one process at a"
                        + " time open a database file for writing, and this connector's tasks write it from the worker"
                        + " process they run in: close it in that process (a duckdb CLI, another program, another"
                        + " Connect worker) and validate again, and run every task that writes this file in one worker";
            }
            return "cannot open " + file + ": " + e.getMessage();
        }
    }
}
