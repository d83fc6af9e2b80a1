package io.tidemark.deploy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the local stack lives and how to reach it. Every value comes from an environment variable with a
 * default, so the same names drive this tool, {@code deploy/connectors/register.sh} and docker-compose; the source
 * and target databases come from {@code --source} and {@code --target}, or from the home of a stack created before.
 *
 * @param deployDir  the {@code deploy/} module: connector JSON, demo schema, and what its build laid out
 * @param home       data, logs and pid files of the stack ({@code TIDEMARK_HOME}); kept across restarts
 * @param pluginPath the worker's {@code plugin.path} ({@code TIDEMARK_PLUGIN_PATH}; default: the folders the
 *                   deploy build lays out, Debezium's PostgreSQL and MySQL connectors and Tidemark's two plugins)
 * @param source     the database changes are captured from
 * @param target     the database the sinks write to
 * @param dbUser     the login of the application on the source and of everything on the target
 */
public record StackSettings(
        Path deployDir,
        Path home,
        Path pluginPath,
        SourceDatabase source,
        TargetDatabase target,
        int sourceDbPort,
        int targetDbPort,
        int kafkaPort,
        int controllerPort,
        int connectPort,
        String dbUser,
        String dbPassword,
        String sourceDb,
        String targetDb) {

    public static final String MERGE_SINK = "shop-orders-merge";
    public static final String APPEND_SINK = "shop-orders-append";
    public static final String SLOT = "tidemark_shop";
    public static final String OUTBOX_TOPIC_PREFIX = "outbox.event.";
    /** Debezium's login on a MariaDB source: replication privileges and reads, no writes. */
    public static final String MARIADB_DEBEZIUM_USER = "debezium";
    private static final String TOPIC_PREFIX = "shop";

    /** The stack of the environment, with the source its home was created with (PostgreSQL for a new one). */
    public static StackSettings fromEnvironment(Path deployDir, Map<String, String> env) {
        return fromEnvironment(deployDir, env, Optional.empty());
    }

    /** The stack of the environment capturing the {@code requested} source, with its home's target. */
    public static StackSettings fromEnvironment(Path deployDir, Map<String, String> env,
                                                Optional<SourceDatabase> requested) {
        return fromEnvironment(deployDir, env, requested, Optional.empty());
    }

    /**
     * The stack of the environment capturing the {@code requestedSource} and writing to the {@code requestedTarget}. A
     * home created with another source or target is refused, since its target, topics and offsets belong to those;
     * without a request the home's own is taken, and PostgreSQL for a new home.
     */
    public static StackSettings fromEnvironment(Path deployDir, Map<String, String> env,
                                                Optional<SourceDatabase> requestedSource,
                                                Optional<TargetDatabase> requestedTarget) {
        Path defaultHome = deployDir.toAbsolutePath().getParent().resolve(".tidemark");
        Path home = Path.of(env.getOrDefault("TIDEMARK_HOME", defaultHome.toString())).toAbsolutePath();
        SourceDatabase source = source(home, requestedSource);
        String targetDb = env.getOrDefault("TARGET_DB_NAME", "analytics");
        return new StackSettings(
                deployDir.toAbsolutePath(),
                home,
                Path.of(env.getOrDefault("TIDEMARK_PLUGIN_PATH",
                        deployDir.toAbsolutePath().resolve("target/connect-plugins").toString())).toAbsolutePath(),
                source,
                target(home, targetDb, requestedTarget),
                port(env, "SOURCE_DB_PORT", source.defaultPort()),
                port(env, "TARGET_DB_PORT", 15433),
                port(env, "TIDEMARK_KAFKA_PORT", 19092),
                port(env, "TIDEMARK_CONTROLLER_PORT", 19093),
                port(env, "TIDEMARK_CONNECT_PORT", 18083),
                env.getOrDefault("SOURCE_DB_USER", source.defaultUser()),
                env.getOrDefault("SOURCE_DB_PASSWORD", "tidemark"),
                env.getOrDefault("SOURCE_DB_NAME", "shop"),
                targetDb);
    }

    private static SourceDatabase source(Path home, Optional<SourceDatabase> requested) {
        Optional<SourceDatabase> created = SourceDatabase.createdIn(home);
        if (created.isPresent() && requested.isPresent() && created.get() != requested.get()) {
            throw new StackException("the stack in " + home + " was created with a " + created.get().title()
                    + " source, not " + requested.get().title() + ": ./tidemark clean removes it, or TIDEMARK_HOME=<dir>"
                    + " runs a " + requested.get().title() + " stack beside it");
        }
        return created.or(() -> requested).orElse(SourceDatabase.POSTGRES);
    }

    private static TargetDatabase target(Path home, String database, Optional<TargetDatabase> requested) {
        Optional<TargetDatabase> created = TargetDatabase.createdIn(home, database);
        if (created.isPresent() && requested.isPresent() && created.get() != requested.get()) {
            throw new StackException("the stack in " + home + " was created with a " + created.get().title()
                    + " target, not " + requested.get().title() + ": ./tidemark clean removes it, or TIDEMARK_HOME=<dir>"
                    + " runs a " + requested.get().title() + " stack beside it");
        }
        return created.or(() -> requested).orElse(TargetDatabase.POSTGRES);
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new StackException(name + "=" + value + " is not a TCP port");
        }
    }

    /** The same stack reached through another Connect worker's REST port (a second Connect cluster, say). */
    public StackSettings withConnectPort(int port) {
        return new StackSettings(deployDir, home, pluginPath, source, target, sourceDbPort, targetDbPort, kafkaPort,
                controllerPort, port, dbUser, dbPassword, sourceDb, targetDb);
    }

    /** The same servers with other databases on them: a second pipeline beside the stack's. */
    public StackSettings withDatabases(String sourceDatabase, String targetDatabase) {
        return new StackSettings(deployDir, home, pluginPath, source, target, sourceDbPort, targetDbPort, kafkaPort,
                controllerPort, connectPort, dbUser, dbPassword, sourceDatabase, targetDatabase);
    }

    public String sourceJdbcUrl() {
        return switch (source) {
            case POSTGRES -> "jdbc:postgresql://127.0.0.1:" + sourceDbPort + "/" + sourceDb;
            case MARIADB -> "jdbc:mariadb://127.0.0.1:" + sourceDbPort + "/" + sourceDb;
        };
    }

    /** The source login of Debezium and of the status view: PostgreSQL's superuser, MariaDB's replication user. */
    public String debeziumUser() {
        return source == SourceDatabase.MARIADB ? MARIADB_DEBEZIUM_USER : dbUser;
    }

    /** The topic of the orders table's change events: {@code <prefix>.<schema>.<table>}, the database on MariaDB. */
    public String ordersTopic() {
        return TOPIC_PREFIX + "." + (source == SourceDatabase.MARIADB ? sourceDb : "public") + ".orders";
    }

    /**
     * What the sinks read: the orders changes and, from PostgreSQL, the transaction markers that keep a source
     * transaction whole. Debezium's MySQL connector publishes none from MariaDB (it reads no MariaDB GTID event).
     */
    public String sinkTopics() {
        return source == SourceDatabase.MARIADB ? ordersTopic() : ordersTopic() + "," + TOPIC_PREFIX + ".transaction";
    }

    public String targetJdbcUrl() {
        return switch (target) {
            case POSTGRES -> "jdbc:postgresql://127.0.0.1:" + targetDbPort + "/" + targetDb;
            case DUCKDB -> "jdbc:duckdb:" + targetFile();
        };
    }

    /** The DuckDB target's database file, which the Connect worker opens. */
    public Path targetFile() {
        return TargetDatabase.duckDbFile(home, targetDb);
    }

    /** Where the target is, for a person: the PostgreSQL server's port, or the DuckDB file. */
    public String targetLocation() {
        return target == TargetDatabase.POSTGRES ? ":" + targetDbPort : targetFile().toString();
    }

    /**
     * The connector config register.sh fills for connector {@code name}: the sinks of a DuckDB target have their own
     * (deploy/connectors/duckdb), everything else one in deploy/connectors.
     */
    public Path connectorConfig(String name) {
        boolean sink = name.equals(MERGE_SINK) || name.equals(APPEND_SINK);
        Path folder = sink && target == TargetDatabase.DUCKDB ? connectorsDir().resolve("duckdb") : connectorsDir();
        return folder.resolve(name + ".json");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public String connectUrl() {
        return "http://127.0.0.1:" + connectPort;
    }

    public Path workerClasspathFile() {
        return deployDir.resolve("target/stack/worker.classpath");
    }

    public Path connectorsDir() {
        return deployDir.resolve("connectors");
    }

    public Path logs() {
        return home.resolve("logs");
    }

    public Path pids() {
        return home.resolve("run");
    }

    /** The environment register.sh needs to fill the connector JSON for this stack. */
    public Map<String, String> registerEnvironment() {
        return Map.ofEntries(
                Map.entry("CONNECT_URL", connectUrl()),
                Map.entry("SOURCE_DB_HOST", "127.0.0.1"),
                Map.entry("SOURCE_DB_PORT", Integer.toString(sourceDbPort)),
                Map.entry("SOURCE_DB_NAME", sourceDb),
                Map.entry("SOURCE_DB_USER", debeziumUser()),
                Map.entry("SOURCE_DB_PASSWORD", dbPassword),
                Map.entry("TARGET_DB_HOST", "127.0.0.1"),
                Map.entry("TARGET_DB_PORT", Integer.toString(targetDbPort)),
                Map.entry("TARGET_DB_NAME", targetDb),
                Map.entry("TARGET_DB_USER", dbUser),
                Map.entry("TARGET_DB_PASSWORD", dbPassword),
                Map.entry("TARGET_DUCKDB_FILE", targetFile().toString()),
                Map.entry("KAFKA_REPLICATION_FACTOR", "1"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers()),
                Map.entry("SINK_TOPICS", sinkTopics()));
    }
}
