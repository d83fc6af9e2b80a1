package io.tidemark.bench;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * DuckDB through its JDBC driver, which embeds the database in this JVM: every contender writes a fresh database
 * file of its own (the testkit's {@code TestDuckDb} files, in a temporary directory). Debezium's JDBC sink has no
 * DuckDB dialect, so Tidemark's sink is compared with the raw limits only (net state, and per window). The sink must
 * run in this JVM (the default {@code -Dworker=in-jvm}): one process at a time can open a DuckDB file for writing,
 * and the benchmark reads the file while the sink writes it.
 */
final class DuckDbTarget implements BenchTarget {

    @Override
    public String name() {
        return "duckdb";
    }

    /** DuckDB has no fsync or commit-flush setting to choose, so both modes run it the same. */
    @Override
    public String commitMode() {
        return "DuckDB's own (no setting; -Dtarget.durable has no effect)";
    }

    @Override
    public List<String> contenders() {
        return List.of("tidemark", "raw", "raw-window");
    }

    @Override
    public List<String> debeziumReleases() {
        return List.of();
    }

    @Override
    public ConnectContender debezium(String release) {
        throw new IllegalArgumentException("Debezium's JDBC sink has no DuckDB dialect; the duckdb target compares"
                + " Tidemark's sink with the raw limits (-Dcontenders=tidemark,raw,raw-window)");
    }

    @Override
    public Map<String, String> workerConfig() {
        return Map.of();
    }

    /** Nothing to start: the driver opens a file when a connection first names it. */
    @Override
    public void start() {
    }

    @Override
    public TargetTable create(String prefix) throws SQLException {
        return DuckDbItems.create(prefix);
    }

    /** In this JVM: its work is in the sink's (or, for the raw limits, the benchmark's) figure. */
    @Override
    public long serverCpuTicks() {
        return CpuUse.NOT_MEASURED;
    }

    @Override
    public RawLimit rawLimit() {
        return new DuckDbRawMerge();
    }
}
