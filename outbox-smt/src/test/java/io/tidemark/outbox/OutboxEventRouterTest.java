package io.tidemark.outbox;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

import static io.tidemark.outbox.OutboxChanges.orderCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboxEventRouterTest {

    private static final String ORDER_JSON = "{\"orderId\":42,\"total\":19.99}";

    private final OutboxEventRouter<SourceRecord> router = new OutboxEventRouter<>();

    @AfterEach
    void close() {
        router.close();
    }

    private OutboxEventRouter<SourceRecord> configured(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        router.configure(config);
        return router;
    }

    private static Header header(ConnectRecord<?> record, String name) {
        return record.headers().lastWithName(name);
    }

    private static List<String> headerNames(SourceRecord record) {
        return StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
    }

    @Test
    @SuppressWarnings("rawtypes") // ServiceLoader is keyed by a class literal, which cannot carry type arguments
    void connectFindsTheRouterThroughItsServiceManifestWithItsVersion() {
        List<String> found = ServiceLoader.load(Transformation.class).stream()
                .map(provider -> provider.type().getName()).toList();

        assertThat(found).contains(OutboxEventRouter.class.getName());
        assertThat(router.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void insertBecomesEventOnAggregateTopicKeyedByAggregateId() {
        SourceRecord event = configured().apply(orderCreated(ORDER_JSON).insert());

        assertThat(event.topic()).isEqualTo("outbox.event.Order");
        assertThat(event.kafkaPartition()).isNull();
        assertThat(event.key()).isEqualTo("42");
        assertThat(event.keySchema().type()).isEqualTo(Schema.Type.STRING);
        assertThat(event.value()).isEqualTo(ORDER_JSON);
        assertThat(event.valueSchema()).isEqualTo(OutboxChanges.STANDARD_ROW.field("payload").schema());
        assertThat(event.timestamp()).isEqualTo(OutboxChanges.PROCESSED_AT);
        assertThat(headerNames(event)).containsExactly("id");
        assertThat(header(event, "id").value()).isEqualTo("6f1c2a7e-1111-4c1e-9a51-000000000001");
        assertThat(event.sourceOffset()).isEqualTo(Map.of("lsn", 1234L));
    }

    @Test
    void onASinkConnectorTheChangeEventsKafkaRecordBecomesTheSameEvent() {
        SourceRecord change = orderCreated(ORDER_JSON).insert();
        SinkRecord consumed = new SinkRecord(change.topic(), 3, change.keySchema(), change.key(), change.valueSchema(),
                change.value(), 7L, change.timestamp(), TimestampType.CREATE_TIME);
        try (OutboxEventRouter<SinkRecord> sinkSide = new OutboxEventRouter<>()) {
            sinkSide.configure(Map.of());
            SinkRecord event = sinkSide.apply(consumed);
            SourceRecord expected = configured().apply(change);
            assertThat(event.topic()).isEqualTo(expected.topic());
            assertThat(event.key()).isEqualTo(expected.key());
            assertThat(event.value()).isEqualTo(expected.value());
            assertThat(event.valueSchema()).isEqualTo(expected.valueSchema());
            assertThat(header(event, "id").value()).isEqualTo(header(expected, "id").value());
            assertThat(event.kafkaOffset()).as("still the consumed record's offset, for the sink's commits").isEqualTo(7L);
            assertThat(event.originalTopic()).isEqualTo(change.topic());
        }
    }

    @Test
    void snapshotReadBecomesEventLikeInsert() {
        SourceRecord event = configured().apply(orderCreated(ORDER_JSON).snapshotRead());

        assertThat(event.topic()).isEqualTo("outbox.event.Order");
        assertThat(event.value()).isEqualTo(ORDER_JSON);
    }

    @Test
    void deleteOfOutboxRowIsDropped() {
        assertThat(configured().apply(orderCreated(ORDER_JSON).delete())).isNull();
    }

    @Test
    void truncateOfOutboxIsDropped() {
        assertThat(configured().apply(orderCreated(ORDER_JSON).change("t"))).isNull();
    }

    @Test
    void updateIsDroppedByDefault() {
        assertThat(configured().apply(orderCreated(ORDER_JSON).update())).isNull();
    }

    @Test
    void updateIsDroppedWithErrorBehavior() {
        assertThat(configured("table.op.invalid.behavior", "error").apply(orderCreated(ORDER_JSON).update())).isNull();
    }

    @Test
    void updateFailsWithFatalBehavior() {
        OutboxEventRouter<SourceRecord> fatal = configured("table.op.invalid.behavior", "fatal");

        assertThatThrownBy(() -> fatal.apply(orderCreated(ORDER_JSON).update()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("op 'u'")
                .hasMessageContaining("shop.public.outbox");
    }

    @Test
    void tombstoneIsDroppedByDefault() {
        assertThat(configured().apply(OutboxChanges.tombstone())).isNull();
    }

    @Test
    void tombstoneIsKeptUntouchedWhenAsked() {
        SourceRecord tombstone = OutboxChanges.tombstone();

        assertThat(configured("tombstone.handling.mode", "keep").apply(tombstone)).isSameAs(tombstone);
    }

    @Test
    void recordThatIsNoChangeEventPassesUnchanged() {
        SourceRecord plain = new SourceRecord(Map.of(), Map.of(), "audit", null, Schema.STRING_SCHEMA, "k",
                Schema.STRING_SCHEMA, "not an envelope");
        Schema structSchema = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();
        SourceRecord structWithoutAfter = new SourceRecord(Map.of(), Map.of(), "audit", null, null, null,
                structSchema, new Struct(structSchema).put("op", "c"));

        assertThat(configured().apply(plain)).isSameAs(plain);
        assertThat(router.apply(structWithoutAfter)).isSameAs(structWithoutAfter);
    }

    @Test
    void changeEventsOfAnotherTablePassUnchanged() {
        Schema customerRow = OutboxChanges.row().field("id", Schema.INT32_SCHEMA).field("name", Schema.STRING_SCHEMA).build();
        SourceRecord customerInsert = OutboxChanges.of(customerRow).with("id", 7).with("name", "Ada").insert();
        SourceRecord customerDelete = OutboxChanges.of(customerRow).with("id", 7).with("name", "Ada").delete();

        assertThat(configured().apply(customerInsert)).isSameAs(customerInsert);
        assertThat(router.apply(customerDelete)).isSameAs(customerDelete);
    }

    @Test
    void topicFollowsRegexAndReplacement() {
        SourceRecord event = configured("route.topic.regex", "(?<type>[A-Z][a-z]+)",
                "route.topic.replacement", "events.${type}.v1").apply(orderCreated(ORDER_JSON).insert());

        assertThat(event.topic()).isEqualTo("events.Order.v1");
    }

    @Test
    void routingValueThatDoesNotMatchTheRegexIsTheTopic() {
        SourceRecord event = configured("route.topic.regex", "(?<routedByValue>Customer.*)").apply(orderCreated(ORDER_JSON).insert());

        assertThat(event.topic()).isEqualTo("Order");
    }

    @Test
    void routeByAnotherColumn() {
        SourceRecord event = configured("route.by.field", "type").apply(orderCreated(ORDER_JSON).insert());

        assertThat(event.topic()).isEqualTo("outbox.event.OrderCreated");
    }

    @Test
    void nullRoutingValueFailsNamingTheColumn() {
        OutboxEventRouter<SourceRecord> configured = configured();

        assertThatThrownBy(() -> configured.apply(orderCreated(ORDER_JSON).with("aggregatetype", null).insert()))
                .isInstanceOf(DataException.class).hasMessageContaining("'aggregatetype'");
    }

    @Test
    void missingConfiguredColumnFailsNamingItAndItsKey() {
        assertMissing("table.field.event.id", "event_id");
        assertMissing("table.field.event.key", "aggregate_id");
        assertMissing("table.field.event.payload", "body");
        assertMissing("route.by.field", "kind");
        assertMissing("table.field.event.timestamp", "occurred_at");
        assertMissing("table.field.event.schema.version", "schema_version");
        assertMissing("table.fields.additional.placement", "tenant:header");
    }

    private void assertMissing(String key, String value) {
        OutboxEventRouter<SourceRecord> configured = new OutboxEventRouter<>();
        configured.configure(Map.of(key, value));
        String column = value.split(":")[0];

        assertThatThrownBy(() -> configured.apply(orderCreated(ORDER_JSON).insert()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no column '" + column + "'")
                .hasMessageContaining(key);
    }

    @Test
    void missingTypeColumnFailsOnlyWhenTheTypeIsUsed() {
        assertThat(configured("table.field.event.type", "kind").apply(orderCreated(ORDER_JSON).insert())).isNotNull();

        OutboxEventRouter<SourceRecord> withHeader = new OutboxEventRouter<>();
        withHeader.configure(Map.of("table.field.event.type", "kind", "header.event.type", "eventType"));
        assertThatThrownBy(() -> withHeader.apply(orderCreated(ORDER_JSON).insert()))
                .isInstanceOf(DataException.class).hasMessageContaining("no column 'kind'");
    }

    @Test
    void eventTypeHeaderIsAddedWhenNamed() {
        SourceRecord event = configured("header.event.type", "eventType", "header.event.id", "eventId")
                .apply(orderCreated(ORDER_JSON).insert());

        assertThat(headerNames(event)).containsExactly("eventId", "eventType");
        assertThat(header(event, "eventType").value()).isEqualTo("OrderCreated");
    }

    @Test
    void headersOfTheCapturedRecordAreKept() {
        SourceRecord change = orderCreated(ORDER_JSON).insert();
        change.headers().addString("traceparent", "00-abc-def-01");

        SourceRecord event = configured().apply(change);

        assertThat(headerNames(event)).containsExactly("traceparent", "id");
    }

    @Test
    void capturedRecordIsLeftAsItWas() {
        SourceRecord change = orderCreated(ORDER_JSON).insert();
        OutboxEventRouter<SourceRecord> configured = configured("header.event.type", "eventType");

        SourceRecord first = configured.apply(change);
        SourceRecord second = configured.apply(change);

        // Debezium's router adds its headers to the record it is given, so applying it twice doubles them.
        assertThat(change.headers().isEmpty()).isTrue();
        assertThat(headerNames(second)).isEqualTo(headerNames(first)).containsExactly("id", "eventType");
    }

    @Test
    void additionalFieldsGoToHeaderEnvelopeAndPartition() {
        Schema rowSchema = OutboxChanges.row()
                .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("type", Schema.STRING_SCHEMA)
                .field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("tenant", Schema.STRING_SCHEMA).field("shard", Schema.INT32_SCHEMA)
                .build();
        SourceRecord change = OutboxChanges.of(rowSchema).with("id", "e-1").with("aggregatetype", "Order")
                .with("aggregateid", "42").with("type", "OrderCreated").with("payload", ORDER_JSON)
                .with("tenant", "acme").with("shard", 3).insert();

        SourceRecord event = configured("table.fields.additional.placement",
                "type:header:eventType, tenant:envelope, type:envelope:eventType, shard:partition").apply(change);

        assertThat(event.kafkaPartition()).isEqualTo(3);
        assertThat(header(event, "eventType").value()).isEqualTo("OrderCreated");
        Struct value = (Struct) event.value();
        assertThat(value.schema().name()).isEqualTo("outbox.event.Order.Envelope");
        assertThat(value.schema().fields()).extracting(f -> f.name()).containsExactly("payload", "tenant", "eventType");
        assertThat(value.get("payload")).isEqualTo(ORDER_JSON);
        assertThat(value.get("tenant")).isEqualTo("acme");
        assertThat(value.get("eventType")).isEqualTo("OrderCreated");
    }

    @Test
    void envelopeSchemaIsOneInstancePerTopic() {
        OutboxEventRouter<SourceRecord> configured = configured("table.fields.additional.placement", "type:envelope");

        Schema first = configured.apply(orderCreated(ORDER_JSON).insert()).valueSchema();
        Schema second = configured.apply(orderCreated("{}").insert()).valueSchema();

        assertThat(second).isSameAs(first);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "table.field.additional.missing, ignore",
            "table.fields.additional.error.on.missing, false"})
    void missingAdditionalColumnIsSkippedWhenNotAnErrorUnderEitherDebeziumName(String key, String value) {
        SourceRecord event = configured("table.fields.additional.placement", "tenant:header,tenant:envelope,type:envelope",
                key, value).apply(orderCreated(ORDER_JSON).insert());

        assertThat(header(event, "tenant")).isNull();
        assertThat(((Struct) event.value()).schema().fields()).extracting(f -> f.name()).containsExactly("payload", "type");
    }

    @Test
    void missingAdditionalColumnFailsWhenBothNamesAgreeItIsAnError() {
        OutboxEventRouter<SourceRecord> configured = configured("table.fields.additional.placement", "tenant:header",
                "table.field.additional.missing", "error", "table.fields.additional.error.on.missing", "true");

        assertThatThrownBy(() -> configured.apply(orderCreated(ORDER_JSON).insert()))
                .isInstanceOf(DataException.class).hasMessageContaining("tenant");
    }

    @Test
    void theTwoNamesForAMissingAdditionalColumnMustNotContradictEachOther() {
        assertThatThrownBy(() -> configured("table.fields.additional.placement", "tenant:header",
                "table.field.additional.missing", "error", "table.fields.additional.error.on.missing", "false"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("table.fields.additional.error.on.missing")
                .hasMessageContaining("contradicts table.field.additional.missing=error");
    }

    @Test
    void partitionColumnMustHoldAPartitionNumber() {
        OutboxEventRouter<SourceRecord> configured = configured("table.fields.additional.placement", "type:partition");

        assertThatThrownBy(() -> configured.apply(orderCreated(ORDER_JSON).insert()))
                .isInstanceOf(DataException.class).hasMessageContaining("partition column 'type'");
    }

    @Test
    void timestampComesFromTheConfiguredColumnInAnyDebeziumEncoding() {
        long millis = 1_700_000_123_456L;
        assertThat(eventTimestamp(Timestamp.SCHEMA, new Date(millis))).isEqualTo(millis);
        assertThat(eventTimestamp(Schema.INT64_SCHEMA, millis)).isEqualTo(millis);
        assertThat(eventTimestamp(SchemaBuilder.int64().name("io.debezium.time.Timestamp").build(), millis))
                .isEqualTo(millis);
        assertThat(eventTimestamp(SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build(), millis * 1000 + 999))
                .isEqualTo(millis);
        assertThat(eventTimestamp(SchemaBuilder.int64().name("io.debezium.time.NanoTimestamp").build(), millis * 1_000_000))
                .isEqualTo(millis);
        assertThat(eventTimestamp(SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build(),
                "2023-11-14T22:15:23.456Z")).isEqualTo(millis);
        assertThat(eventTimestamp(Schema.STRING_SCHEMA, "2023-11-15T00:15:23.456+02:00")).isEqualTo(millis);
    }

    @Test
    void nullTimestampColumnFallsBackToProcessingTime() {
        assertThat(eventTimestamp(Timestamp.builder().optional().build(), null)).isEqualTo(OutboxChanges.PROCESSED_AT);
    }

    @Test
    void timestampColumnOfAnotherTypeFailsNamingIt() {
        assertThatThrownBy(() -> eventTimestamp(Schema.BOOLEAN_SCHEMA, true))
                .isInstanceOf(DataException.class).hasMessageContaining("timestamp column 'occurred_at'");
        assertThatThrownBy(() -> eventTimestamp(Schema.STRING_SCHEMA, "yesterday"))
                .isInstanceOf(DataException.class).hasMessageContaining("'yesterday'");
    }

    private long eventTimestamp(Schema columnSchema, Object value) {
        Schema rowSchema = OutboxChanges.row()
                .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("occurred_at", columnSchema)
                .build();
        SourceRecord change = OutboxChanges.of(rowSchema).with("id", "e-1").with("aggregatetype", "Order")
                .with("aggregateid", "42").with("payload", "{}").with("occurred_at", value).insert();
        OutboxEventRouter<SourceRecord> configured = new OutboxEventRouter<>();
        configured.configure(Map.of("table.field.event.timestamp", "occurred_at"));
        return configured.apply(change).timestamp();
    }

    @Test
    void schemaVersionColumnVersionsTheValueSchema() {
        Schema rowSchema = OutboxChanges.row()
                .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("schema_version", Schema.OPTIONAL_INT32_SCHEMA)
                .build();
        OutboxChanges change = OutboxChanges.of(rowSchema).with("id", "e-1").with("aggregatetype", "Order")
                .with("aggregateid", "42").with("payload", ORDER_JSON).with("schema_version", 3);

        SourceRecord plain = configured("table.field.event.schema.version", "schema_version").apply(change.insert());
        assertThat(plain.valueSchema().version()).isEqualTo(3);
        assertThat(plain.value()).isEqualTo(ORDER_JSON);

        OutboxEventRouter<SourceRecord> expanding = new OutboxEventRouter<>();
        expanding.configure(Map.of("table.field.event.schema.version", "schema_version", "table.expand.json.payload", "true"));
        SourceRecord expanded = expanding.apply(change.insert());
        assertThat(expanded.valueSchema().version()).isEqualTo(3);
        assertThat(((Struct) expanded.value()).getInt64("orderId")).isEqualTo(42L);

        assertThat(plain.valueSchema().version()).isEqualTo(3);
        assertThat(router.apply(change.with("schema_version", null).insert()).valueSchema().version()).isNull();
    }

    @Test
    void schemaVersionThatIsNoIntegerFailsNamingTheColumn() {
        Schema rowSchema = OutboxChanges.row()
                .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("schema_version", Schema.STRING_SCHEMA)
                .build();
        OutboxChanges change = OutboxChanges.of(rowSchema).with("id", "e-1").with("aggregatetype", "Order")
                .with("aggregateid", "42").with("payload", ORDER_JSON);
        OutboxEventRouter<SourceRecord> configured = configured("table.field.event.schema.version", "schema_version");

        assertThat(configured.apply(change.with("schema_version", " 7 ").insert()).valueSchema().version()).isEqualTo(7);
        assertThatThrownBy(() -> configured.apply(change.with("schema_version", "v2").insert()))
                .isInstanceOf(DataException.class).hasMessageContaining("schema version column 'schema_version'");
    }

    @Test
    void insertWithoutRowFails() {
        OutboxEventRouter<SourceRecord> configured = configured();
        SourceRecord insert = orderCreated(ORDER_JSON).insert();
        ((Struct) insert.value()).put("after", null);

        assertThatThrownBy(() -> configured.apply(insert))
                .isInstanceOf(DataException.class).hasMessageContaining("no 'after' row");
    }

    @Test
    void nullPayloadKeepsItsSchemaUnlessTombstonesAreAsked() {
        SourceRecord kept = configured().apply(orderCreated(null).insert());
        assertThat(kept.value()).isNull();
        assertThat(kept.valueSchema()).isNotNull();

        OutboxEventRouter<SourceRecord> tombstoning = new OutboxEventRouter<>();
        tombstoning.configure(Map.of("route.tombstone.on.empty.payload", "true",
                "table.fields.additional.placement", "type:envelope"));
        SourceRecord tombstone = tombstoning.apply(orderCreated(null).insert());
        assertThat(tombstone.topic()).isEqualTo("outbox.event.Order");
        assertThat(tombstone.key()).isEqualTo("42");
        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.valueSchema()).isNull();
    }

    @Test
    void jsonNullPayloadIsAnEmptyPayloadWhenExpanding() {
        SourceRecord tombstone = configured("table.expand.json.payload", "true", "route.tombstone.on.empty.payload", "true")
                .apply(orderCreated("null").insert());

        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.valueSchema()).isNull();
    }

    @Test
    void expandedPayloadIsAStructWithSortedFields() {
        SourceRecord event = configured("table.expand.json.payload", "true")
                .apply(orderCreated("{\"total\":19.99,\"orderId\":42,\"lines\":[{\"sku\":\"A\",\"qty\":1}]}").insert());

        Struct value = (Struct) event.value();
        assertThat(value.schema().fields()).extracting(f -> f.name()).containsExactly("lines", "orderId", "total");
        assertThat(value.getInt64("orderId")).isEqualTo(42L);
        assertThat(value.getFloat64("total")).isEqualTo(19.99);
        assertThat(((Struct) value.getArray("lines").get(0)).getString("sku")).isEqualTo("A");
    }

    @Test
    void payloadThatIsNotJsonIsSentAsItCameWhenExpanding() {
        SourceRecord event = configured("table.expand.json.payload", "true").apply(orderCreated("not json").insert());

        assertThat(event.value()).isEqualTo("not json");
        assertThat(event.valueSchema().type()).isEqualTo(Schema.Type.STRING);
    }

    @Test
    void byteaPayloadIsExpanded() {
        Schema rowSchema = OutboxChanges.row()
                .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("payload", Schema.OPTIONAL_BYTES_SCHEMA)
                .build();
        SourceRecord change = OutboxChanges.of(rowSchema).with("id", "e-1").with("aggregatetype", "Order")
                .with("aggregateid", "42").with("payload", "{\"a\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .insert();

        Struct value = (Struct) configured("table.expand.json.payload", "true").apply(change).value();

        assertThat(value.getBoolean("a")).isTrue();
    }

    @Test
    void cloudEventsEnvelopeCarriesTheContextAttributes() {
        SourceRecord event = configured("value.format", "cloudevents", "table.expand.json.payload", "true",
                "table.fields.additional.placement", "aggregatetype:envelope:aggregatetype")
                .apply(orderCreated(ORDER_JSON).insert());

        Struct value = (Struct) event.value();
        assertThat(value.schema().name()).isEqualTo("outbox.event.Order.CloudEvent");
        assertThat(value.getString("specversion")).isEqualTo("1.0");
        assertThat(value.getString("id")).isEqualTo("6f1c2a7e-1111-4c1e-9a51-000000000001");
        assertThat(value.getString("source")).isEqualTo("shop.public.outbox");
        assertThat(value.getString("type")).isEqualTo("OrderCreated");
        assertThat(value.getString("time")).isEqualTo("2025-11-21T04:40:00Z");
        assertThat(value.getString("subject")).isEqualTo("42");
        assertThat(value.getString("datacontenttype")).isEqualTo("application/json");
        assertThat(value.getStruct("data").getInt64("orderId")).isEqualTo(42L);
        assertThat(value.getString("aggregatetype")).isEqualTo("Order");
        assertThat(event.key()).isEqualTo("42");
        assertThat(header(event, "id")).isNotNull();
    }

    @Test
    void cloudEventsSourceCanBeFixedAndTextPayloadIsPlainText() {
        Schema rowSchema = OutboxChanges.row()
                .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("type", Schema.STRING_SCHEMA)
                .field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        SourceRecord change = OutboxChanges.of(rowSchema).with("id", "e-1").with("aggregatetype", "Order")
                .with("aggregateid", "42").with("type", "OrderNoted").with("payload", "hello").insert();

        Struct value = (Struct) configured("value.format", "cloudevents", "cloudevents.source", "/shop/orders")
                .apply(change).value();

        assertThat(value.getString("source")).isEqualTo("/shop/orders");
        assertThat(value.getString("datacontenttype")).isEqualTo("text/plain");
        assertThat(value.get("data")).isEqualTo("hello");
    }

    @Test
    void cloudEventNeedsAnEventType() {
        OutboxEventRouter<SourceRecord> configured = configured("value.format", "cloudevents");

        assertThatThrownBy(() -> configured.apply(orderCreated(ORDER_JSON).with("type", null).insert()))
                .isInstanceOf(DataException.class).hasMessageContaining("'type'");
    }
}
