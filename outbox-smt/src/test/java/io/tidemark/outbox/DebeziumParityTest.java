package io.tidemark.outbox;

import io.debezium.transforms.outbox.EventRouter;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static io.tidemark.outbox.OutboxChanges.orderCreated;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Switching from Debezium's router is a change of {@code type}: under the same configuration both
 * produce the same topic, key, value, headers, partition and timestamp for the same change events.
 * Where we differ on purpose the comparison looks past it: value schema names; with JSON expansion,
 * field order (ours is sorted) and integer width (Debezium picks int32 or int64 per value, so one
 * field's schema flips with its magnitude; ours is always int64).
 */
class DebeziumParityTest {

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(Map.of()),
                Arguments.of(Map.of("route.topic.regex", "(?<routedByValue>Ord.*)", "route.topic.replacement", "orders.${routedByValue}")),
                Arguments.of(Map.of("route.by.field", "type")),
                Arguments.of(Map.of("table.fields.additional.placement", "type:header:eventType,aggregatetype:envelope:kind")),
                Arguments.of(Map.of("table.fields.additional.placement", "tenant:header,tenant:envelope,type:envelope:type",
                        "table.field.additional.missing", "ignore")),
                Arguments.of(Map.of("route.tombstone.on.empty.payload", "true")),
                Arguments.of(Map.of("table.expand.json.payload", "true")),
                Arguments.of(Map.of("table.expand.json.payload", "true", "table.fields.additional.placement", "type:envelope:type")));
    }

    static List<SourceRecord> changes() {
        return List.of(
                orderCreated("{\"orderId\":42,\"total\":19.99,\"customer\":{\"name\":\"Ada\",\"vip\":true}}").insert(),
                orderCreated("{\"orderId\":43,\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"qty\":2}]}").snapshotRead(),
                orderCreated("{\"orderId\":44}").with("aggregatetype", "Invoice").insert(),
                orderCreated(null).insert(),
                orderCreated("").insert(),
                orderCreated("{\"orderId\":42}").delete(),
                orderCreated("{\"orderId\":42}").update(),
                OutboxChanges.tombstone());
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void sameConfigurationSameEvents(Map<String, String> config) {
        try (EventRouter<SourceRecord> debezium = new EventRouter<>(); OutboxEventRouter<SourceRecord> ours = new OutboxEventRouter<>()) {
            debezium.configure(new HashMap<>(config));
            ours.configure(new HashMap<>(config));
            for (SourceRecord change : changes()) {
                assertThat(describe(ours, change)).as("%s under %s", change.value(), config)
                        .isEqualTo(describe(debezium, change));
            }
        }
    }

    private static Map<String, Object> describe(Transformation<SourceRecord> router, SourceRecord change) {
        SourceRecord event = router.apply(change);
        Map<String, Object> described = new TreeMap<>();
        if (event == null) {
            described.put("dropped", true);
            return described;
        }
        described.put("topic", event.topic());
        described.put("partition", String.valueOf(event.kafkaPartition()));
        described.put("key", event.key());
        described.put("keySchema", event.keySchema());
        described.put("value", plain(event.value()));
        described.put("valueIsNull", event.value() == null);
        described.put("valueSchemaIsNull", event.valueSchema() == null);
        described.put("timestamp", event.timestamp());
        List<String> headers = new ArrayList<>();
        StreamSupport.stream(event.headers().spliterator(), false)
                .map((Header h) -> h.key() + "=" + h.value() + ":" + h.schema().type())
                .forEach(headers::add);
        described.put("headers", headers);
        return described;
    }

    /** A struct as a name-sorted map, recursively, so field order does not matter. */
    private static Object plain(Object value) {
        if (value instanceof Struct struct) {
            Map<String, Object> map = new TreeMap<>();
            for (Field field : struct.schema().fields()) {
                map.put(field.name(), plain(struct.get(field)));
            }
            return map;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(DebeziumParityTest::plain).toList();
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        return value;
    }
}
