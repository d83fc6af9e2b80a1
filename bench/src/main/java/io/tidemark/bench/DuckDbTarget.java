package io.tidemark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * DuckDB through its JDBC driver, which embeds the database in this JVM: every contender writes a fresh database
 * file of its own in a temporary directory. Debezium's JDBC sink has no DuckDB dialect, so Tidemark's sink is
 * compared with the raw limit only. The sink must run in this JVM (the default {@code -Dworker=in-jvm}): DuckDB lets
 * one process at a time open a file read-write, and the benchmark reads the file while the sink writes it.
 */
final class DuckDbTarget implements BenchTarget {

    private Path directory;

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public List<String> contenders() {
        return List.of("tidemark", "raw");
    }

    @Override
    public ConnectContender debezium() {
        throw new IllegalArgumentException("Debezium's JDBC sink has no DuckDB dialect; the duckdb target compares"
                + " Tidemark's sink with the raw limit (-Dcontenders=tidemark,raw)");
    }

    @Override
    public Map<String, String> workerConfig() {
        return Map.of();
    }

    @Override
    public void start() throws IOException {
        directory = Files.createTempDirectory("tidemark-bench-duckdb");
        Runtime.getRuntime().addShutdownHook(new Thread(this::deleteDirectory, "duckdb-files-delete"));
    }

    @Override
    public TargetTable create(String prefix) throws SQLException {
        return DuckDbItems.create(directory.resolve(prefix + ".duckdb"));
    }

    @Override
    public RawLimit rawLimit() {
        return new DuckDbRawMerge();
    }

    private void deleteDirectory() {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // The directory is under the system's temporary directory.
        }
    }
}
