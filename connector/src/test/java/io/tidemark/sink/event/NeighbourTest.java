package io.tidemark.sink.event;

import io.tidemark.sink.DebeziumEvents;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The value schemas of Debezium's neighbour topics as Debezium 3.x writes them. */
class NeighbourTest {

    private static final Schema DATA_COLLECTION = SchemaBuilder.struct()
            .field("data_collection", Schema.STRING_SCHEMA).field("event_count", Schema.INT64_SCHEMA).build();

    @Test
    void transactionMarkersAreTransactionMetadata() {
        Schema value = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue")
                .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
                .field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
                .field("data_collections", SchemaBuilder.array(DATA_COLLECTION).optional().build())
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        assertThat(Neighbour.of(value)).isEqualTo(Neighbour.TRANSACTION_METADATA);
    }

    @Test
    void heartbeatsAreHeartbeats() {
        Schema value = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        assertThat(Neighbour.of(value)).isEqualTo(Neighbour.HEARTBEAT);
    }

    @Test
    void mysqlSchemaChangesAreSchemaChanges() {
        Schema value = SchemaBuilder.struct().name("io.debezium.connector.mysql.SchemaChangeValue")
                .field("source", SchemaBuilder.struct().field("file", Schema.STRING_SCHEMA).build())
                .field("ts_ms", Schema.INT64_SCHEMA).field("databaseName", Schema.OPTIONAL_STRING_SCHEMA)
                .field("schemaName", Schema.OPTIONAL_STRING_SCHEMA).field("ddl", Schema.OPTIONAL_STRING_SCHEMA)
                .field("tableChanges", SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build();
        assertThat(Neighbour.of(value)).isEqualTo(Neighbour.SCHEMA_CHANGE);
    }

    @Test
    void notificationsAreNotifications() {
        Schema value = SchemaBuilder.struct().name("io.debezium.connector.common.Notification")
                .field("id", Schema.STRING_SCHEMA).field("aggregate_type", Schema.STRING_SCHEMA)
                .field("type", Schema.STRING_SCHEMA)
                .field("additional_data", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
                .field("timestamp", Schema.INT64_SCHEMA).build();
        assertThat(Neighbour.of(value)).isEqualTo(Neighbour.NOTIFICATION);
    }

    @Test
    void changeEventsAndOtherValuesAreNotNeighbours() {
        assertThat(Neighbour.of(DebeziumEvents.ENVELOPE)).isNull();
        assertThat(Neighbour.of(DebeziumEvents.ROW)).isNull();
        assertThat(Neighbour.of(Schema.STRING_SCHEMA)).isNull();
        assertThat(Neighbour.of(null)).isNull();
    }
}
