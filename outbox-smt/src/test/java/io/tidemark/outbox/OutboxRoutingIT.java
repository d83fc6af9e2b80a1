package io.tidemark.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole path users run: an application writes an order and its outbox row in one transaction
 * and deletes the outbox row right after; Debezium's PostgresConnector captures both tables; the
 * router, configured through the REST API, publishes the domain event and nothing else.
 */
class OutboxRoutingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTER = OutboxEventRouter.class.getName();
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String TRACESTATE = "congo=t61rcWkgMzE";

    private static ConnectWorld world;

    @BeforeAll
    static void startWorld() {
        try {
            TestPostgres.server();
        } catch (RuntimeException e) {
            assumeTrue(false, "embedded PostgreSQL cannot start on this machine: " + e.getMessage());
        }
        world = ConnectWorld.start("outbox-routing", 1);
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void outboxInsertBecomesDomainEventWithJsonTextPayloadAndItsTraceContextAndTheCleanupDeleteProducesNothing() throws Exception {
        String db = createTables("shop_text");
        startCapture(db, false);

        String eventId = placeOrder(db, 1, "{\"orderId\": 1, \"total\": 19.99, \"lines\": [{\"sku\": \"A-1\", \"qty\": 2}]}",
                OutboxChanges.stored("traceparent", TRACEPARENT, "tracestate", TRACESTATE));
        placeOrder(db, 2, "{\"orderId\": 2, \"total\": 5.00, \"lines\": []}", null);

        List<ConsumerRecord<byte[], byte[]>> events = awaitEvents(db, 2);
        ConsumerRecord<byte[], byte[]> first = events.get(0);
        assertThat(keyOf(first)).isEqualTo("order-1");
        assertThat(header(first, "id")).isEqualTo(eventId);
        assertThat(header(first, "eventType")).isEqualTo("OrderPlaced");
        assertThat(header(first, "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(header(first, "tracestate")).isEqualTo(TRACESTATE);
        assertThat(first.timestamp()).isEqualTo(occurredAt(1).toEpochMilli());
        JsonNode value = JSON.readTree(first.value());
        assertThat(value.at("/schema/type").asText()).isEqualTo("string");
        assertThat(JSON.readTree(value.at("/payload").asText()).at("/lines/0/sku").asText()).isEqualTo("A-1");
        ConsumerRecord<byte[], byte[]> untraced = events.get(1);
        assertThat(untraced.headers().lastHeader("traceparent")).as("no trace context stored, none sent").isNull();
        assertThat(header(untraced, "id")).isNotNull();
        assertNothingButEventsWasRouted(db);
    }

    @Test
    void snapshotAndStreamedOutboxRowsBecomeDomainEventsWithExpandedPayload() throws Exception {
        String db = createTables("shop_expanded");
        Sql.execute(db, "INSERT INTO outbox VALUES (gen_random_uuid(), 'Order', 'order-0', 'OrderPlaced',"
                + " '{\"orderId\": 0, \"total\": 1.5, \"lines\": []}', '" + occurredAt(0) + "')");
        startCapture(db, true);

        String eventId = placeOrder(db, 1, "{\"total\": 19.99, \"orderId\": 1, \"lines\": [{\"sku\": \"A-1\", \"qty\": 2}]}", null);
        placeOrder(db, 2, "{\"orderId\": 2, \"total\": 5.5, \"lines\": [{\"qty\": 1, \"sku\": \"B-7\"}]}", null);

        List<ConsumerRecord<byte[], byte[]>> events = awaitEvents(db, 3);
        ConsumerRecord<byte[], byte[]> snapshot = events.get(0);
        assertThat(keyOf(snapshot)).isEqualTo("order-0");
        assertThat(JSON.readTree(snapshot.value()).at("/payload/lines").isArray()).isTrue();
        ConsumerRecord<byte[], byte[]> first = events.get(1);
        assertThat(keyOf(first)).isEqualTo("order-1");
        assertThat(header(first, "id")).isEqualTo(eventId);
        JsonNode value = JSON.readTree(first.value());
        assertThat(value.at("/schema/type").asText()).isEqualTo("struct");
        assertThat(fieldNames(value.at("/schema/fields"))).containsExactly("lines", "orderId", "total");
        assertThat(value.at("/payload/orderId").asLong()).isEqualTo(1L);
        assertThat(value.at("/payload/total").asDouble()).isEqualTo(19.99);
        assertThat(value.at("/payload/lines/0/sku").asText()).isEqualTo("A-1");
        assertThat(value.at("/payload/lines/0/qty").asLong()).isEqualTo(2L);
        JsonNode second = JSON.readTree(events.get(2).value());
        assertThat(second.get("schema")).as("same payload shape, same schema").isEqualTo(value.get("schema"));
        assertNothingButEventsWasRouted(db);
    }

    @Test
    void restValidateReportsAnInvalidRouterSetting() {
        Map<String, String> config = DebeziumPostgres.sourceConfig("postgres", "validate", "public.outbox");
        config.put("transforms", "outbox");
        config.put("transforms.outbox.type", ROUTER);
        config.put("transforms.outbox.route.topic.regex", "(unclosed");
        config.put("transforms.outbox.table.fields.additional.placement", "type:sideways");

        JsonNode answer = world.validate(config.get("connector.class"), config);

        assertThat(errorsOf(answer, "transforms.outbox.route.topic.regex")).anySatisfy(
                e -> assertThat(e).contains("not a valid regular expression"));
        assertThat(errorsOf(answer, "transforms.outbox.table.fields.additional.placement")).anySatisfy(
                e -> assertThat(e).contains("placement 'sideways'"));
    }

    private static String createTables(String prefix) {
        String db = TestPostgres.createDatabase(prefix);
        Sql.execute(db,
                "CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL)",
                "CREATE TABLE outbox (id uuid PRIMARY KEY, aggregatetype text NOT NULL, aggregateid text NOT NULL,"
                        + " type text NOT NULL, payload jsonb, created_at timestamptz NOT NULL, tracingspancontext text)");
        return db;
    }

    private static void startCapture(String db, boolean expand) {
        Map<String, String> config = DebeziumPostgres.sourceConfig(db, db, "public.orders,public.outbox");
        config.put("transforms", "outbox");
        config.put("transforms.outbox.type", ROUTER);
        config.put("transforms.outbox.route.topic.replacement", db + ".events.${routedByValue}");
        config.put("transforms.outbox.table.fields.additional.placement", "type:header:eventType");
        config.put("transforms.outbox.table.field.event.timestamp", "created_at");
        config.put("transforms.outbox.table.expand.json.payload", String.valueOf(expand));
        world.postConnector(db, config);
        world.awaitRunning(db, 1);
    }

    /**
     * The application's transaction: the order and its event together, with the application's trace
     * context if it has one ({@code null}: none); then the usual outbox cleanup.
     */
    private static String placeOrder(String db, int orderId, String payload, String traceContext) {
        String eventId = Sql.query(db, "SELECT gen_random_uuid()::text AS id").get(0).get("id").toString();
        Sql.execute(db,
                "BEGIN",
                "INSERT INTO orders VALUES (" + orderId + ", 'Ada', 19.99)",
                "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, created_at, tracingspancontext) VALUES ('"
                        + eventId + "', 'Order', 'order-" + orderId + "', 'OrderPlaced', '" + payload + "'::jsonb, '"
                        + occurredAt(orderId) + "', " + (traceContext == null ? "NULL" : "'" + traceContext + "'") + ")",
                "COMMIT",
                "DELETE FROM outbox WHERE id = '" + eventId + "'");
        return eventId;
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitEvents(String db, int count) throws Exception {
        String topic = db + ".events.Order";
        world.cluster().kafka().consume(count, 60_000, topic);
        // Read to the end: anything the cleanup deletes produced would show up here as extra records.
        List<ConsumerRecord<byte[], byte[]>> events = new ArrayList<>();
        world.cluster().kafka().consumeAll(30_000, topic).forEach(events::add);
        assertThat(events).as("events on " + topic).hasSize(count);
        return events;
    }

    private static void assertNothingButEventsWasRouted(String db) throws Exception {
        // Orders are not outbox rows: their change events pass through to their usual topic.
        world.cluster().kafka().consume(2, 30_000, db + ".public.orders");
        Map<String, Optional<TopicDescription>> outboxTopic =
                world.cluster().kafka().describeTopics(db + ".public.outbox");
        assertThat(outboxTopic.get(db + ".public.outbox")).as("raw outbox topic").isEmpty();
    }

    /** When order {@code orderId}'s event happened, as the application records it in the outbox row. */
    private static Instant occurredAt(int orderId) {
        return Instant.parse("2026-11-21T10:15:30.123Z").plusSeconds(orderId);
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> record) throws Exception {
        return JSON.readTree(record.key()).at("/payload").asText();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> fieldNames(JsonNode fields) {
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.get("field").asText()));
        return names;
    }

    private static List<String> errorsOf(JsonNode validateAnswer, String key) {
        List<String> errors = new ArrayList<>();
        for (JsonNode config : validateAnswer.get("configs")) {
            if (key.equals(config.at("/value/name").asText())) {
                config.at("/value/errors").forEach(e -> errors.add(e.asText()));
            }
        }
        return errors;
    }
}
