package io.tidemark.bench;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Locale;
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

    private DuckDbItems existingRows;

    /** Appended once to a template file; each run's database is a copy of that file. */
    @Override
    public String holdExistingRows(long rows) throws SQLException {
        long start = System.nanoTime();
        existingRows = DuckDbItems.create("bench_existing_rows");
        try (Connection c = existingRows.connect(); Statement s = c.createStatement()) {
            try (DuckDBAppender appender = c.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA,
                    DebeziumEncoding.TABLE)) {
                for (Iterator<Workload.Change> i = Workload.existingRows(rows, PostgresTarget.EXISTING_ROWS_SEED);
                     i.hasNext(); ) {
                    DuckDbRawMerge.append(appender, i.next(), false);
                }
            }
            s.execute("CHECKPOINT");
        }
        return String.format(Locale.ROOT, "%,d rows appended once in %.1f s; each run's database a copy of that file",
                rows, (System.nanoTime() - start) / 1e9);
    }

    @Override
    public TargetTable create(String prefix) throws SQLException, IOException {
        return existingRows == null ? DuckDbItems.create(prefix) : DuckDbItems.copyOf(existingRows, prefix);
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
