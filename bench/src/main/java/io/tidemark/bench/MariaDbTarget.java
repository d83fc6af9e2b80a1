package io.tidemark.bench;

import io.tidemark.testkit.TestMariaDb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The testkit's MariaDB server (Debian's {@code mariadb-server} 10.11, binlog on as PostgreSQL's logical WAL is),
 * set up for a write benchmark as the PostgreSQL target is: commits not flushed to disk
 * ({@code innodb_flush_log_at_trx_commit=0}, as {@code synchronous_commit=off}), a buffer pool that holds the table
 * and a redo log that does not force a checkpoint every few thousand rows (the testkit starts with 8 MB for a fast
 * start), UTC sessions. Both sinks log in as a user of their own. Debezium's JDBC sink runs from the plugin folder
 * bench/run unpacks (its class-path release cannot write JSON fields to MariaDB; see bench/pom.xml).
 */
final class MariaDbTarget implements BenchTarget {

    static final String USER = "bench";
    static final String PASSWORD = "bench-secret";
    /** A {@code plugin.path} entry: the folder holding the plugin folder {@code debezium-connector-jdbc}. */
    static final Path PLUGINS = Paths.get("bench", "target", "plugins", "mariadb");
    private static final Pattern SINK_JAR = Pattern.compile("debezium-connector-jdbc-(.+)\\.jar");

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public List<String> contenders() {
        return List.of("tidemark", "debezium", "raw");
    }

    @Override
    public ConnectContender debezium() {
        return ConnectContender.debeziumPlugin(pluginVersion(PLUGINS.resolve("debezium-connector-jdbc")));
    }

    @Override
    public Map<String, String> workerConfig() {
        return Map.of("plugin.path", PLUGINS.toAbsolutePath().toString());
    }

    /** The release of Debezium's JDBC sink in the plugin folder {@code folder}, from its jar's name. */
    static String pluginVersion(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> SINK_JAR.matcher(file.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> m.group(1)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no debezium-connector-jdbc jar in " + folder));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no plugin folder " + folder + "; bench/run unpacks it"
                    + " (mvn -Pbench -pl bench -am package)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    @Override
    public void start() {
        TestMariaDb.execute("mysql",
                "SET GLOBAL innodb_flush_log_at_trx_commit = 0",
                "SET GLOBAL innodb_buffer_pool_size = " + (2L << 30),
                "SET GLOBAL innodb_log_file_size = " + (512L << 20),
                "SET GLOBAL time_zone = '+00:00'",
                "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%'");
    }

    @Override
    public TargetTable create(String prefix) throws SQLException {
        return MariaDbItems.create(prefix);
    }

    @Override
    public RawLimit rawLimit() {
        return new MariaDbRawUpsert();
    }
}
