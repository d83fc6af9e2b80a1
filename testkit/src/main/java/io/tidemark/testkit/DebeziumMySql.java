package io.tidemark.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Connector JSON for Debezium's MySqlConnector against the shared MariaDB test server ({@link TestMariaDb}).
 * <p>
 * Debezium 3.6's MySqlConnector refuses MariaDB 10 and later: it takes the version for a MySQL 8.4 or later and then
 * requires {@code SHOW BINARY LOG STATUS}, which MariaDB does not have. So the MariaDB tests run an older release of
 * it from its plugin archive, which the build unpacks into the folder the system property
 * {@code debezium.mariadb.plugins} names, on a worker without the build's Debezium on its classpath (with both, the
 * worker mixes their classes).
 */
public final class DebeziumMySql {

    /** Each connector joins the server's replication as a replica of its own, so each needs its own server id. */
    private static final AtomicInteger SERVER_IDS = new AtomicInteger(TestMariaDb.SERVER_ID + 1000);

    private DebeziumMySql() {
    }

    /**
     * Worker properties that put the MySqlConnector release for MariaDB on the worker's {@code plugin.path}; skips the
     * test where the build did not provide it (any run but its own failsafe execution).
     */
    public static Map<String, String> workerProps() {
        String plugins = System.getProperty("debezium.mariadb.plugins");
        assumeTrue(plugins != null, "runs in the build's mariadb-source failsafe execution, which sets"
                + " debezium.mariadb.plugins and leaves the build's Debezium off the classpath");
        return Map.of("plugin.path", plugins);
    }

    /**
     * A source config capturing {@code tables} (database-qualified, comma separated) of {@code database}, with an
     * initial snapshot; topics are {@code <topicPrefix>.<database>.<table>}, created on demand with one partition.
     * The schema history goes to the topic {@code <topicPrefix>.schema-history} on {@code bootstrapServers} (the
     * test Kafka); schema changes are not published, as the sink does not read them.
     */
    public static Map<String, String> sourceConfig(String database, String topicPrefix, String tables,
                                                   String bootstrapServers) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.debezium.connector.mysql.MySqlConnector");
        config.put("tasks.max", "1");
        config.put("database.hostname", "127.0.0.1");
        config.put("database.port", String.valueOf(TestMariaDb.port()));
        config.put("database.user", TestMariaDb.DEBEZIUM_USER);
        config.put("database.password", TestMariaDb.DEBEZIUM_PASSWORD);
        config.put("database.server.id", String.valueOf(SERVER_IDS.incrementAndGet()));
        config.put("database.include.list", database);
        config.put("table.include.list", tables);
        config.put("topic.prefix", topicPrefix);
        config.put("snapshot.mode", "initial");
        config.put("include.schema.changes", "false");
        config.put("schema.history.internal.kafka.bootstrap.servers", bootstrapServers);
        config.put("schema.history.internal.kafka.topic", topicPrefix + ".schema-history");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.put("poll.interval.ms", "50");
        config.put("heartbeat.interval.ms", "0");
        return config;
    }
}
