package io.tidemark.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** Connector JSON for Debezium's PostgresConnector (pgoutput) against the embedded test server. */
public final class DebeziumPostgres {

    private DebeziumPostgres() {
    }

    /**
     * A source config capturing {@code tables} (schema-qualified, comma separated) of {@code database};
     * topics are {@code <topicPrefix>.<schema>.<table>}, created on demand with one partition.
     */
    public static Map<String, String> sourceConfig(String database, String topicPrefix, String tables) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("tasks.max", "1");
        config.put("plugin.name", "pgoutput");
        config.put("database.hostname", "localhost");
        config.put("database.port", String.valueOf(TestPostgres.port()));
        config.put("database.user", TestPostgres.USER);
        config.put("database.password", TestPostgres.PASSWORD);
        config.put("database.dbname", database);
        config.put("topic.prefix", topicPrefix);
        config.put("slot.name", "slot_" + database);
        config.put("publication.name", "pub_" + database);
        config.put("publication.autocreate.mode", "filtered");
        config.put("table.include.list", tables);
        config.put("snapshot.mode", "initial");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.put("poll.interval.ms", "50");
        config.put("heartbeat.interval.ms", "0");
        return config;
    }
}
