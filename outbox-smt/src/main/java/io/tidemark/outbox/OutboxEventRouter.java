package io.tidemark.outbox;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.Map;

/**
 * Kafka Connect transformation that routes rows inserted into an outbox table, as captured by
 * Debezium, to per-aggregate topics as domain events: key = aggregate id, value = payload
 * (optionally expanded from JSON into a struct, or wrapped as a CloudEvent), event id in a header.
 * Configuration keys match Debezium's {@code io.debezium.transforms.outbox.EventRouter}. Like Debezium's, it works on
 * a source connector (the usual place, right after Debezium) and on a sink connector reading the change events.
 *
 * @param <R> the records of the connector it is configured on
 */
public class OutboxEventRouter<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String OVERVIEW_DOC = "Routes outbox-table inserts captured by Debezium to a topic per"
            + " aggregate type as domain events (key = aggregate id, value = payload, event id in a header)."
            + " Deletes of outbox rows are dropped; records that are not Debezium change events pass through.";

    public static final ConfigDef CONFIG_DEF = OutboxRouterConfig.CONFIG_DEF;

    private OutboxRowRouter router;

    @Override
    public void configure(Map<String, ?> configs) {
        router = new OutboxRowRouter(new OutboxRouterConfig(configs));
    }

    @Override
    public R apply(R record) {
        return router.route(record);
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        router = null;
    }
}
