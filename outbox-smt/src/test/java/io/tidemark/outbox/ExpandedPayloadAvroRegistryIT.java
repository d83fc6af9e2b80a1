package io.tidemark.outbox;

import io.apicurio.registry.utils.converter.AvroConverter;
import io.debezium.transforms.outbox.EventRouter;
import io.tidemark.testkit.SchemaRegistry;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.tidemark.outbox.OutboxChanges.orderCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Expanded payloads serialized by the Apicurio Avro converter (Confluent wire format) against a
 * real Apicurio Registry: a stable payload shape registers one schema version however its JSON is
 * written, values survive the round trip, and adding a field is a compatible change.
 */
class ExpandedPayloadAvroRegistryIT {

    private static SchemaRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        Optional<SchemaRegistry> started = SchemaRegistry.start();
        assumeTrue(started.isPresent(), "Apicurio Registry distribution absent or not starting; see "
                + SchemaRegistry.logFile());
        registry = started.get();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private AvroConverter<Object> converter() {
        AvroConverter<Object> converter = new AvroConverter<>();
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", registry.registryUrl());
        config.put("apicurio.registry.auto-register", "true");
        config.put("apicurio.registry.as-confluent", "true");
        config.put("apicurio.registry.use-id", "contentId");
        config.put("apicurio.registry.headers.enabled", "false");
        converter.configure(config, false);
        return converter;
    }

    /** Same fields and types every time, written in different orders, with arrays of different lengths. */
    private static List<String> sameShapeWrittenManyWays() {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StringBuilder lines = new StringBuilder();
            for (int line = 0; line <= i % 4; line++) {
                lines.append(line == 0 ? "" : ",").append(i % 2 == 0
                        ? "{\"sku\":\"S" + line + "\",\"qty\":" + (line + 1) + "}"
                        : "{\"qty\":" + (line + 1) + ",\"sku\":\"S" + line + "\"}");
            }
            payloads.add(i % 3 == 0
                    ? "{\"orderId\":" + (i * 100_000L) + ",\"customer\":{\"name\":\"C" + i + "\",\"vip\":" + (i % 2 == 0) + "},\"lines\":[" + lines + "]}"
                    : "{\"lines\":[" + lines + "],\"customer\":{\"vip\":false,\"name\":\"C" + i + "\"},\"orderId\":" + (i * 1_000_000_000L) + "}");
        }
        return payloads;
    }

    private static int publish(Transformation<SourceRecord> router, AvroConverter<Object> converter, String topicPrefix,
                               List<String> payloads) throws Exception {
        String topic = null;
        for (String payload : payloads) {
            SourceRecord event = router.apply(orderCreated(payload).with("aggregatetype", topicPrefix).insert());
            topic = event.topic();
            byte[] bytes = converter.fromConnectData(topic, event.valueSchema(), event.value());
            assertThat(bytes[0]).as("Confluent wire format magic byte").isZero();
        }
        return registry.versionCount(topic + "-value");
    }

    @Test
    void stablePayloadShapeRegistersOneSchemaVersionWhereDebeziumRegistersSeveral() throws Exception {
        List<String> payloads = sameShapeWrittenManyWays();
        int ours;
        int debeziums;
        try (OutboxEventRouter<SourceRecord> router = new OutboxEventRouter<>(); EventRouter<SourceRecord> debezium = new EventRouter<>()) {
            router.configure(Map.of("table.expand.json.payload", "true"));
            debezium.configure(new HashMap<>(Map.of("table.expand.json.payload", "true")));
            ours = publish(router, converter(), "OursStable", payloads);
            debeziums = publish(debezium, converter(), "DebeziumStable", payloads);
        }

        assertThat(ours).isEqualTo(1);
        assertThat(debeziums).as("Debezium keeps document field order and picks int32/int64 per value").isGreaterThan(1);
    }

    @Test
    void expandedPayloadSurvivesTheAvroRoundTrip() throws Exception {
        String payload = "{\"orderId\":7,\"total\":12.5,\"tags\":[],\"notes\":null,\"lines\":[{\"sku\":\"A\",\"qty\":1},"
                + "{\"sku\":\"B\",\"gift\":true}],\"mixed\":[1,\"x\",{\"y\":2}],\"customer\":{\"address\":{\"city\":\"Oslo\"}}}";
        try (OutboxEventRouter<SourceRecord> router = new OutboxEventRouter<>()) {
            router.configure(Map.of("table.expand.json.payload", "true", "table.json.payload.null.behavior", "optional_string"));
            SourceRecord event = router.apply(orderCreated(payload).with("aggregatetype", "RoundTrip").insert());
            AvroConverter<Object> writer = converter();
            byte[] bytes = writer.fromConnectData(event.topic(), event.valueSchema(), event.value());

            SchemaAndValue read = converter().toConnectData(event.topic(), bytes);

            Struct value = (Struct) read.value();
            assertThat(value.getInt64("orderId")).isEqualTo(7L);
            assertThat(value.getFloat64("total")).isEqualTo(12.5);
            assertThat(value.getArray("tags")).isEmpty();
            assertThat(value.get("notes")).isNull();
            List<Struct> lines = value.getArray("lines");
            assertThat(lines.get(0).getString("sku")).isEqualTo("A");
            assertThat(lines.get(0).get("gift")).isNull();
            assertThat(lines.get(1).getBoolean("gift")).isTrue();
            assertThat(value.getArray("mixed")).containsExactly("1", "x", "{\"y\":2}");
            assertThat(value.getStruct("customer").getStruct("address").getString("city")).isEqualTo("Oslo");
        }
    }

    @Test
    void addingAFieldIsACompatibleSchemaChange() throws Exception {
        registry.requireCompatibility("FULL_TRANSITIVE");
        try (OutboxEventRouter<SourceRecord> router = new OutboxEventRouter<>()) {
            router.configure(Map.of("table.expand.json.payload", "true"));
            AvroConverter<Object> converter = converter();
            int versions = publish(router, converter, "Evolving", List.of(
                    "{\"orderId\":1,\"customer\":\"Ada\"}",
                    "{\"customer\":\"Bob\",\"orderId\":2}",
                    "{\"orderId\":3,\"customer\":\"Cy\",\"coupon\":\"SAVE5\"}"));

            assertThat(versions).isEqualTo(2);
        } finally {
            registry.requireCompatibility("NONE");
        }
    }
}
