package io.tidemark.bench;

import io.tidemark.testkit.TestPostgres;

import org.postgresql.PGConnection;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The testkit's embedded PostgreSQL 17.6; the default target. Durable: {@code fsync=on}, {@code synchronous_commit=on}
 * ({@code full_page_writes} at its default, on), as a user's database; fast: {@code fsync=off},
 * {@code synchronous_commit=off}, as the integration tests run it.
 */
final class PostgresTarget implements BenchTarget {

    /** The seed of the rows a table holds before a run: fixed, so every target and run gets the same. */
    static final long EXISTING_ROWS_SEED = 20_261_101L;

    private final boolean durable;
    private long postmaster;
    private ItemsDatabase existingRows;

    PostgresTarget(boolean durable) {
        this.durable = durable;
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String commitMode() {
        return durable ? "durable (fsync=on, synchronous_commit=on)" : "fast (fsync=off, synchronous_commit=off)";
    }

    @Override
    public List<String> contenders() {
        return List.of("tidemark", "debezium-3.5.0", "debezium-3.3.1", "raw", "raw-window");
    }

    @Override
    public List<String> debeziumReleases() {
        return List.of(DebeziumReleases.jdbcSink("3.5.0"), DebeziumReleases.jdbcSink("3.3.1"));
    }

    @Override
    public ConnectContender debezium(String release) {
        return ConnectContender.debezium(release);
    }

    /** Debezium's JDBC sink releases from the plugin folders bench/run unpacks. */
    @Override
    public Map<String, String> workerConfig() {
        return Map.of("plugin.path", DebeziumReleases.jdbcSinkPluginPath());
    }

    @Override
    public void start() throws SQLException {
        TestPostgres.server(durable);
        // The postmaster forks one backend per connection: the parent of this one's.
        try (Connection c = TestPostgres.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            postmaster = ProcCpu.parentOf(rs.getLong(1));
        }
    }

    /** The postmaster and all its children: backends, parallel workers, checkpointer, WAL writer, autovacuum. */
    @Override
    public long serverCpuTicks() {
        return ProcCpu.serverTreeTicks(postmaster);
    }

    /**
     * Loads the rows once into a template database (COPY, then {@code VACUUM ANALYZE} and a checkpoint, so every copy
     * starts with its hint bits set and statistics taken); each run's database is a copy of it
     * ({@code CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY}: the files copied, not written through the WAL).
     */
    @Override
    public String holdExistingRows(long rows) throws SQLException, IOException {
        long start = System.nanoTime();
        existingRows = ItemsDatabase.create("bench_existing_rows");
        double copied;
        try (Connection c = existingRows.connect(); Statement s = c.createStatement()) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + DebeziumEncoding.TABLE + " FROM STDIN",
                    new LinesInputStream(lines(Workload.existingRows(rows, EXISTING_ROWS_SEED))), 65_536);
            copied = (System.nanoTime() - start) / 1e9;
            s.execute("VACUUM ANALYZE " + DebeziumEncoding.TABLE);
            s.execute("CHECKPOINT");
        }
        double loaded = (System.nanoTime() - start) / 1e9;
        long cloneStart = System.nanoTime();
        ItemsDatabase probe = ItemsDatabase.copyOf(existingRows, "bench_clone_probe");
        double cloned = (System.nanoTime() - cloneStart) / 1e9;
        probe.drop();
        return String.format(Locale.ROOT, "%,d rows: COPY %.1f s, with VACUUM ANALYZE and CHECKPOINT %.1f s, once;"
                + " each run's database a file copy of it, %.1f s", rows, copied, loaded, cloned);
    }

    private static Iterator<byte[]> lines(Iterator<Workload.Change> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public byte[] next() {
                return RawMerge.row(rows.next());
            }
        };
    }

    @Override
    public TargetTable create(String prefix) throws SQLException {
        return existingRows == null ? ItemsDatabase.create(prefix) : ItemsDatabase.copyOf(existingRows, prefix);
    }

    @Override
    public RawLimit rawLimit() {
        return new RawMerge();
    }
}
