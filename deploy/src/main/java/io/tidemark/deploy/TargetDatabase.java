package io.tidemark.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The database the local stack's sinks write to ({@code --target}): a PostgreSQL server of the stack's own, or a DuckDB
 * database file that the Connect worker process opens. A stack home holds the data of one target for good.
 */
enum TargetDatabase {

    POSTGRES("postgres", "PostgreSQL"),
    DUCKDB("duckdb", "DuckDB");

    /** The target's data under the stack home: the server's data directory, or the folder of the DuckDB file. */
    static final String DIRECTORY = "target-db";
    /** The sinks hold a DuckDB file while they write, and let go of it between transactions: readers wait that long. */
    private static final Duration DUCKDB_READ_WAIT = Duration.ofSeconds(2);
    private static final String DUCKDB_LOCKED = "Could not set lock on file";

    private final String option;
    private final String title;

    TargetDatabase(String option, String title) {
        this.option = option;
        this.title = title;
    }

    /** The target {@code --target name} asks for; an unknown name fails listing the known ones. */
    static TargetDatabase named(String name) {
        return Arrays.stream(values()).filter(t -> t.option.equals(name)).findFirst().orElseThrow(() ->
                new StackException("--target must be one of " + Arrays.stream(values()).map(t -> t.option)
                        .collect(Collectors.joining(", ")) + ", not '" + name + "'"));
    }

    /**
     * The target whose data {@code home} holds, told by the target's directory (a PostgreSQL data directory, or the
     * DuckDB file the stack creates on its first start); empty for a stack not created yet.
     */
    static Optional<TargetDatabase> createdIn(Path home, String database) {
        Path data = home.resolve(DIRECTORY);
        if (Files.exists(data.resolve("PG_VERSION"))) {
            return Optional.of(POSTGRES);
        }
        if (Files.exists(duckDbFile(home, database))) {
            return Optional.of(DUCKDB);
        }
        return Optional.empty();
    }

    /** The DuckDB file of target database {@code database} in {@code home}. */
    static Path duckDbFile(Path home, String database) {
        return home.resolve(DIRECTORY).resolve(database + ".duckdb");
    }

    /** The name {@code --target} takes. */
    String option() {
        return option;
    }

    String title() {
        return title;
    }

    /**
     * A connection for reading the target, from this process. A DuckDB file is opened read-only, and only between the
     * sinks' transactions (they hold it while they write and let go of it after each, {@code
     * connection.idle.release.ms=0} in the stack's sink configs): a locked file is tried again for up to two seconds.
     */
    Connection openForReading(StackSettings settings) throws SQLException {
        if (this == POSTGRES) {
            return DriverManager.getConnection(settings.targetJdbcUrl(), settings.dbUser(), settings.dbPassword());
        }
        String url = settings.targetJdbcUrl() + ";access_mode=READ_ONLY";
        long deadline = System.nanoTime() + DUCKDB_READ_WAIT.toNanos();
        while (true) {
            try {
                return DriverManager.getConnection(url);
            } catch (SQLException e) {
                if (e.getMessage() == null || !e.getMessage().contains(DUCKDB_LOCKED) || System.nanoTime() > deadline) {
                    throw e;
                }
                KafkaServices.sleep(Duration.ofMillis(20));
            }
        }
    }
}
