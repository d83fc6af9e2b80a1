package io.tidemark.bench;

import io.tidemark.testkit.TestMariaDb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Locale;
import java.util.List;
import java.util.Map;

/**
 * The testkit's MariaDB server (Debian's {@code mariadb-server} 10.11, binlog on as PostgreSQL's logical WAL is),
 * set up for a write benchmark as the PostgreSQL target is: durable, every commit flushed to disk
 * ({@code innodb_flush_log_at_trx_commit=1}, as {@code fsync=on} with {@code synchronous_commit=on}), or fast, commits
 * not flushed ({@code innodb_flush_log_at_trx_commit=0}, as {@code synchronous_commit=off}); a buffer pool that holds the table
 * and a redo log that does not force a checkpoint every few thousand rows (the testkit starts with 8 MB for a fast
 * start), UTC sessions. Both sinks log in as a user of their own.
 */
final class MariaDbTarget implements BenchTarget {

    static final String USER = "bench";
    static final String PASSWORD = "bench-secret";

    private final boolean durable;
    private long mariadbd;
    private long existingRows;

    MariaDbTarget(boolean durable) {
        this.durable = durable;
    }

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String commitMode() {
        return "innodb_flush_log_at_trx_commit=" + flushLogAtCommit() + (durable ? " (durable)" : " (fast)");
    }

    private int flushLogAtCommit() {
        return durable ? 1 : 0;
    }

    @Override
    public List<String> contenders() {
        return List.of("tidemark", "debezium-3.5.0", "raw", "raw-window");
    }

    /**
     * 3.5.0 by default, as on PostgreSQL, without 3.3.1: its MariaDB dialect binds JSON fields as
     * {@code CAST(? AS json)}, a syntax error in MariaDB, so it cannot write this workload. 3.5.0 and 3.6.0 bind them
     * as text.
     */
    @Override
    public List<String> debeziumReleases() {
        return List.of(DebeziumReleases.jdbcSink("3.5.0"));
    }

    /** The same Debezium JDBC sink as the PostgreSQL target's, with its MariaDB dialect. */
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
    public void start() throws IOException {
        TestMariaDb.execute("mysql",
                "SET GLOBAL innodb_flush_log_at_trx_commit = " + flushLogAtCommit(),
                "SET GLOBAL innodb_buffer_pool_size = " + (2L << 30),
                "SET GLOBAL innodb_log_file_size = " + (512L << 20),
                "SET GLOBAL time_zone = '+00:00'",
                "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%'");
        List<List<String>> files = TestMariaDb.queryAsText("mysql", "SELECT @@pid_file, @@datadir");
        Path pidFile = Paths.get(files.get(0).get(1)).resolve(files.get(0).get(0));
        mariadbd = Long.parseLong(Files.readString(pidFile).trim());
    }

    /** {@code mariadbd} is one process; its threads do all the server's work. */
    @Override
    public long serverCpuTicks() {
        return ProcCpu.processTicks(mariadbd);
    }

    /** Loaded into each run's table (LOAD DATA, streamed, in key order) when it is created. */
    @Override
    public String holdExistingRows(long rows) {
        existingRows = rows;
        return String.format(Locale.ROOT, "%,d rows, loaded by LOAD DATA into each run's table before it starts", rows);
    }

    @Override
    public TargetTable create(String prefix) throws SQLException {
        MariaDbItems table = MariaDbItems.create(prefix);
        if (existingRows > 0) {
            Iterator<Workload.Change> rows = Workload.existingRows(existingRows, PostgresTarget.EXISTING_ROWS_SEED);
            try (Connection c = table.connect(); Statement s = c.createStatement()) {
                s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(new LinesInputStream(new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return rows.hasNext();
                    }

                    @Override
                    public byte[] next() {
                        return MariaDbRawUpsert.rowLine(rows.next()).getBytes(StandardCharsets.UTF_8);
                    }
                }));
                s.execute("LOAD DATA LOCAL INFILE 'existing-rows.tsv' INTO TABLE " + DebeziumEncoding.TABLE
                        + " CHARACTER SET utf8mb4 (" + ItemsDatabase.COLUMNS + ")");
            }
        }
        return table;
    }

    @Override
    public RawLimit rawLimit() {
        return new MariaDbRawUpsert();
    }
}
