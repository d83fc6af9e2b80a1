package io.tidemark.deploy;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local stack lives and how to reach it. Every value comes from an environment variable with a
 * default, so the same names drive this tool, {@code deploy/connectors/register.sh} and docker-compose.
 *
 * @param deployDir  the {@code deploy/} module: connector JSON, demo schema, and what its build laid out
 * @param home       data, logs and pid files of the stack ({@code TIDEMARK_HOME}); kept across restarts
 * @param pluginPath the worker's {@code plugin.path} ({@code TIDEMARK_PLUGIN_PATH}; default: the folders the
 *                   deploy build lays out, Debezium's PostgreSQL connector and Tidemark's two plugins)
 */
public record StackSettings(
        Path deployDir,
        Path home,
        Path pluginPath,
        int sourceDbPort,
        int targetDbPort,
        int kafkaPort,
        int controllerPort,
        int connectPort,
        String dbUser,
        String dbPassword,
        String sourceDb,
        String targetDb) {

    public static final String SOURCE_CONNECTOR = "shop-postgres-source";
    public static final String MERGE_SINK = "shop-orders-merge";
    public static final String APPEND_SINK = "shop-orders-append";
    public static final String SLOT = "tidemark_shop";
    public static final String ORDERS_TOPIC = "shop.public.orders";
    public static final String OUTBOX_TOPIC_PREFIX = "outbox.event.";

    public static StackSettings fromEnvironment(Path deployDir, Map<String, String> env) {
        Path defaultHome = deployDir.toAbsolutePath().getParent().resolve(".tidemark");
        return new StackSettings(
                deployDir.toAbsolutePath(),
                Path.of(env.getOrDefault("TIDEMARK_HOME", defaultHome.toString())).toAbsolutePath(),
                Path.of(env.getOrDefault("TIDEMARK_PLUGIN_PATH",
                        deployDir.toAbsolutePath().resolve("target/connect-plugins").toString())).toAbsolutePath(),
                port(env, "SOURCE_DB_PORT", 15432),
                port(env, "TARGET_DB_PORT", 15433),
                port(env, "TIDEMARK_KAFKA_PORT", 19092),
                port(env, "TIDEMARK_CONTROLLER_PORT", 19093),
                port(env, "TIDEMARK_CONNECT_PORT", 18083),
                env.getOrDefault("SOURCE_DB_USER", "postgres"),
                env.getOrDefault("SOURCE_DB_PASSWORD", "tidemark"),
                env.getOrDefault("SOURCE_DB_NAME", "shop"),
                env.getOrDefault("TARGET_DB_NAME", "analytics"));
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
        return new StackSettings(deployDir, home, pluginPath, sourceDbPort, targetDbPort, kafkaPort, controllerPort, port,
                dbUser, dbPassword, sourceDb, targetDb);
    }

    public String sourceJdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + sourceDbPort + "/" + sourceDb;
    }

    public String targetJdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + targetDbPort + "/" + targetDb;
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
                Map.entry("SOURCE_DB_USER", dbUser),
                Map.entry("SOURCE_DB_PASSWORD", dbPassword),
                Map.entry("TARGET_DB_HOST", "127.0.0.1"),
                Map.entry("TARGET_DB_PORT", Integer.toString(targetDbPort)),
                Map.entry("TARGET_DB_NAME", targetDb),
                Map.entry("TARGET_DB_USER", dbUser),
                Map.entry("TARGET_DB_PASSWORD", dbPassword),
                Map.entry("KAFKA_REPLICATION_FACTOR", "1"));
    }
}
