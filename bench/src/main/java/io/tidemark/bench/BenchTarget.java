package io.tidemark.bench;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The kind of database the throughput benchmark writes to ({@code -Dtarget}): how its server starts, the table every
 * contender finds pre-created, how the table is digested, the raw limit and the contenders compared on it.
 */
interface BenchTarget {

    List<String> NAMES = List.of("postgresql", "mariadb", "duckdb");

    /** The target called {@code name}, durable; starts nothing yet. */
    static BenchTarget named(String name) {
        return named(name, true);
    }

    /**
     * The target called {@code name}; starts nothing yet. {@code durable}: every commit flushed to disk, as a user's
     * target database (the default, {@code -Dtarget.durable=true}); otherwise commits are neither flushed nor waited
     * for, which measures the sinks' own work with less of the disk in it.
     */
    static BenchTarget named(String name, boolean durable) {
        return switch (name) {
            case "postgresql" -> new PostgresTarget(durable);
            case "mariadb" -> new MariaDbTarget(durable);
            case "duckdb" -> new DuckDbTarget();
            default -> throw new IllegalArgumentException("unknown target '" + name + "'; choose "
                    + String.join(", ", NAMES));
        };
    }

    String name();

    /** How the server treats commits, for the run's header, e.g. {@code durable (fsync=on, synchronous_commit=on)}. */
    String commitMode();

    /** The contenders run when {@code -Dcontenders} is not given. */
    List<String> contenders();

    /** The Debezium JDBC sink releases contender {@code debezium} stands for on this target. */
    List<String> debeziumReleases();

    /** Debezium's JDBC sink of {@code release} as it runs against this target. */
    ConnectContender debezium(String release);

    /** Settings the Connect worker needs for this target's contenders, besides the benchmark's own. */
    Map<String, String> workerConfig();

    /** Starts the server the fresh databases live on (once per benchmark). */
    void start() throws Exception;

    /**
     * From now on {@link #create} gives tables that already hold {@code rows} rows outside the workload's keys
     * ({@link Workload#existingRows}), as a target that has been in use; returns how they are provided, for the
     * output. Once, after {@link #start()}.
     */
    String holdExistingRows(long rows) throws Exception;

    /** A fresh database, named after {@code prefix}, holding the table {@code items}: empty, or the existing rows. */
    TargetTable create(String prefix) throws Exception;

    RawLimit rawLimit();

    /**
     * The CPU ticks the database server has used so far, all its processes; {@link CpuUse#NOT_MEASURED} for a
     * database inside this JVM.
     */
    long serverCpuTicks();
}
