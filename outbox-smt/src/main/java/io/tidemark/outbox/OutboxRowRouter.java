package io.tidemark.outbox;

import io.tidemark.outbox.EventValues.CloudEventAttributes;
import io.tidemark.outbox.OutboxRouterConfig.ConfigName;
import io.tidemark.outbox.payload.BoundedLruCache;
import io.tidemark.outbox.payload.JsonPayloadExpander;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Debezium change events of an outbox table into domain events. Inserts and snapshot reads
 * become events; deletes and truncates (outbox cleanup) vanish; updates follow
 * {@code table.op.invalid.behavior}. Records that are not Debezium change events of an outbox table
 * pass through untouched, so the router can share a connector with other tables.
 */
final class OutboxRowRouter {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRowRouter.class);

    private final OutboxRouterConfig config;
    private final JsonPayloadExpander expander;
    private final EventValues values = new EventValues();
    private final List<AdditionalField> envelopeFields;

    /** The last value schema classified; Debezium reuses one schema instance per table. */
    private Schema lastCheckedSchema;
    private boolean lastCheckedIsOutbox;
    private final BoundedLruCache<String, Boolean> topicsPassedThrough = new BoundedLruCache<>(1024);

    OutboxRowRouter(OutboxRouterConfig config) {
        this.config = config;
        this.expander = config.expandJsonPayload()
                ? new JsonPayloadExpander(config.jsonNullFieldBehavior(), config.jsonSchemaCacheSize())
                : null;
        this.envelopeFields = config.additionalFields().stream()
                .filter(f -> f.placement() == AdditionalField.Placement.ENVELOPE)
                .toList();
        if (config.originals().containsKey(ConfigName.TRACING_OPERATION_NAME)) {
            LOG.info("{}={} changes nothing: this router carries the outbox row's trace context on to the event"
                    + " and records no spans of its own", ConfigName.TRACING_OPERATION_NAME,
                    config.getString(ConfigName.TRACING_OPERATION_NAME));
        }
    }

    /** The routed event, the record itself when it is no outbox change, or {@code null} to drop it. */
    <R extends ConnectRecord<R>> R route(R record) {
        Object value = record.value();
        if (value == null) {
            return config.tombstoneHandling() == TombstoneHandling.KEEP ? record : null;
        }
        if (!(value instanceof Struct change) || !isOutboxChange(record, change.schema())) {
            return record;
        }
        String op = change.getString("op");
        if (op == null) {
            return record;
        }
        switch (op) {
            case "c":
            case "r":
                return toEvent(record, change);
            case "d":
            case "t":
                return null;
            default:
                return invalidOperation(record, op);
        }
    }

    /**
     * Whether the value is a Debezium change event of an outbox table: an envelope ({@code op} and an
     * {@code after} struct) whose row has the payload or the routing column. Having one of the two is
     * enough, so a typo in the other still fails loudly; having neither marks another table's change,
     * passed on so the router can share a connector with other tables without a predicate.
     */
    private boolean isOutboxChange(ConnectRecord<?> record, Schema schema) {
        if (schema != lastCheckedSchema) {
            Field op = schema.field("op");
            Field after = schema.field("after");
            boolean envelope = op != null && op.schema().type() == Schema.Type.STRING
                    && after != null && after.schema().type() == Schema.Type.STRUCT;
            lastCheckedIsOutbox = envelope && (after.schema().field(config.payloadColumn()) != null
                    || after.schema().field(config.routeByColumn()) != null);
            if (envelope && !lastCheckedIsOutbox && topicsPassedThrough.get(record.topic()) == null) {
                topicsPassedThrough.put(record.topic(), Boolean.TRUE);
                LOG.info("change events on topic {} have neither column '{}' nor '{}', so they are not outbox rows;"
                        + " passing them on unchanged", record.topic(), config.payloadColumn(), config.routeByColumn());
            }
            lastCheckedSchema = schema;
        }
        return lastCheckedIsOutbox;
    }

    private <R extends ConnectRecord<R>> R invalidOperation(R record, String op) {
        String message = "outbox change with op '" + op + "' on topic " + record.topic() + " at " + position(record)
                + " is not an insert; an outbox table should only see inserts and deletes";
        switch (config.invalidOperationBehavior()) {
            case FATAL:
                throw new DataException(message);
            case ERROR:
                LOG.error("{}; dropped", message);
                return null;
            default:
                LOG.warn("{}; dropped", message);
                return null;
        }
    }

    private <R extends ConnectRecord<R>> R toEvent(R record, Struct change) {
        Struct row = change.getStruct("after");
        if (row == null) {
            throw new DataException("outbox insert on topic " + record.topic() + " carries no 'after' row");
        }
        Object routingValue = row.get(column(record, row, config.routeByColumn(), ConfigName.ROUTE_BY_FIELD));
        if (routingValue == null) {
            throw new DataException("outbox row on topic " + record.topic() + " has a null '" + config.routeByColumn()
                    + "' (" + ConfigName.ROUTE_BY_FIELD + "), so it has no topic to go to");
        }
        String topic = config.topicRouting().topicFor(routingValue.toString());
        Field keyField = column(record, row, config.eventKeyColumn(), ConfigName.FIELD_EVENT_KEY);
        Field idField = column(record, row, config.eventIdColumn(), ConfigName.FIELD_EVENT_ID);
        Field payloadField = column(record, row, config.payloadColumn(), ConfigName.FIELD_EVENT_PAYLOAD);
        Object key = row.get(keyField);
        Object eventId = row.get(idField);

        SchemaAndValue payloadValue = payload(record, row, payloadField, eventId);
        Schema payloadSchema = payloadValue.schema();
        Object payload = payloadValue.value();

        Long timestamp = timestamp(record, change, row);
        Headers headers = record.headers().duplicate();
        TraceContext traceContext = traceContext(record, row);
        if (traceContext != null) {
            headers.remove(TraceContext.TRACEPARENT).remove(TraceContext.TRACESTATE)
                    .addString(TraceContext.TRACEPARENT, traceContext.traceparent());
            if (traceContext.traceState() != null) {
                headers.addString(TraceContext.TRACESTATE, traceContext.traceState());
            }
        }
        headers.add(config.eventIdHeader(), eventId, idField.schema());
        if (config.eventTypeHeader() != null) {
            Field typeField = column(record, row, config.eventTypeColumn(), ConfigName.FIELD_EVENT_TYPE);
            headers.add(config.eventTypeHeader(), row.get(typeField), typeField.schema());
        }
        Integer partition = null;
        List<AdditionalField> presentEnvelopeFields = envelopeFields;
        for (AdditionalField field : config.additionalFields()) {
            Field column = row.schema().field(field.column());
            if (column == null) {
                if (config.failOnMissingAdditionalField()) {
                    throw missingColumn(record, field.column(), ConfigName.FIELDS_ADDITIONAL_PLACEMENT);
                }
                if (field.placement() == AdditionalField.Placement.ENVELOPE) {
                    presentEnvelopeFields = presentOnly(row);
                }
                continue;
            }
            switch (field.placement()) {
                case HEADER:
                    headers.add(field.name(), row.get(column), column.schema());
                    break;
                case PARTITION:
                    partition = partition(record, field.column(), row.get(column));
                    break;
                default:
                    break;
            }
        }

        SchemaAndValue eventValue;
        // Empty means null or empty text, as for Debezium's router: both become a tombstone (null value, no schema).
        if (config.tombstoneOnEmptyPayload() && (payload == null || "".equals(row.get(payloadField)))) {
            eventValue = SchemaAndValue.NULL;
        } else {
            Integer version = schemaVersion(record, row);
            if (config.valueFormat() == ValueFormat.CLOUDEVENTS) {
                eventValue = values.cloudEvent(topic, row, presentEnvelopeFields,
                        cloudEventAttributes(record, row, eventId, key, timestamp, payloadField.schema(), payload, payloadSchema),
                        payloadSchema, payload, version);
            } else if (presentEnvelopeFields.isEmpty()) {
                eventValue = values.payload(payloadSchema, payload, version);
            } else {
                eventValue = values.envelope(topic, row, presentEnvelopeFields, payloadSchema, payload, version);
            }
        }
        if (partition == null && record instanceof SinkRecord) {
            // A consumed record has a partition; the producer choosing one by key applies to source records only.
            partition = record.kafkaPartition();
        }
        return record.newRecord(topic, partition, keyField.schema(), key, eventValue.schema(), eventValue.value(),
                timestamp, headers);
    }

    /** The payload column, expanded from JSON when configured; a JSON {@code null} keeps the column's schema. */
    private SchemaAndValue payload(ConnectRecord<?> record, Struct row, Field payloadField, Object eventId) {
        Object payload = row.get(payloadField);
        if (expander == null || payload == null) {
            return new SchemaAndValue(payloadField.schema(), payload);
        }
        SchemaAndValue expanded = expander.expand(payload);
        if (expanded == null) {
            LOG.warn("payload of outbox event {} on topic {} is not JSON; sent as it came", eventId, record.topic());
            return new SchemaAndValue(payloadField.schema(), payload);
        }
        return expanded.value() == null ? new SchemaAndValue(payloadField.schema(), null) : expanded;
    }

    /**
     * The trace context the event carries, decided as Debezium's router decides it: a row with no
     * context (no such column, or null) is traced only if {@code tracing.with.context.field.only} is
     * false; a traced row without a valid context starts a new trace. {@code null}: not traced.
     */
    private TraceContext traceContext(ConnectRecord<?> record, Struct row) {
        Field column = row.schema().field(config.traceContextColumn());
        if (column != null && column.schema().type() != Schema.Type.STRING) {
            throw new DataException("trace context column '" + config.traceContextColumn() + "' (configured by "
                    + ConfigName.TRACING_SPAN_CONTEXT_FIELD + ") of outbox row on topic " + record.topic()
                    + " is " + column.schema().type() + ", not text");
        }
        String stored = column == null ? null : (String) row.get(column);
        if (stored == null) {
            return config.traceOnlyWithContext() ? null : TraceContext.newTrace();
        }
        return TraceContext.fromStored(stored).orElseGet(TraceContext::newTrace);
    }

    private List<AdditionalField> presentOnly(Struct row) {
        List<AdditionalField> present = new ArrayList<>(envelopeFields.size());
        for (AdditionalField field : envelopeFields) {
            if (row.schema().field(field.column()) != null) {
                present.add(field);
            }
        }
        return present;
    }

    private CloudEventAttributes cloudEventAttributes(ConnectRecord<?> record, Struct row, Object eventId, Object key,
                                                      Long timestamp, Schema columnSchema, Object payload,
                                                      Schema payloadSchema) {
        Object type = row.get(column(record, row, config.eventTypeColumn(), ConfigName.FIELD_EVENT_TYPE));
        if (eventId == null || type == null) {
            throw new DataException("outbox row on topic " + record.topic() + " has a null '"
                    + (eventId == null ? config.eventIdColumn() : config.eventTypeColumn())
                    + "', which a CloudEvent requires");
        }
        String source = config.cloudEventsSource() != null ? config.cloudEventsSource() : record.topic();
        return new CloudEventAttributes(eventId.toString(), source, type.toString(),
                timestamp == null ? null : Instant.ofEpochMilli(timestamp).toString(),
                key == null ? null : key.toString(),
                payload == null ? null : contentType(columnSchema, payloadSchema));
    }

    private static String contentType(Schema columnSchema, Schema payloadSchema) {
        if (payloadSchema != columnSchema || "io.debezium.data.Json".equals(columnSchema.name())) {
            return "application/json";
        }
        return columnSchema.type() == Schema.Type.BYTES ? "application/octet-stream" : "text/plain";
    }

    private Long timestamp(ConnectRecord<?> record, Struct change, Struct row) {
        String timestampColumn = config.timestampColumn();
        if (timestampColumn != null) {
            Field field = column(record, row, timestampColumn, ConfigName.FIELD_EVENT_TIMESTAMP);
            Object value = row.get(field);
            if (value != null) {
                return EventTimestamps.epochMillis(timestampColumn, field.schema(), value);
            }
        }
        Field processedAt = change.schema().field("ts_ms");
        Object millis = processedAt == null ? null : change.get(processedAt);
        return millis instanceof Long l ? l : record.timestamp();
    }

    private Integer schemaVersion(ConnectRecord<?> record, Struct row) {
        String versionColumn = config.schemaVersionColumn();
        if (versionColumn == null) {
            return null;
        }
        Object version = row.get(column(record, row, versionColumn, ConfigName.FIELD_EVENT_SCHEMA_VERSION));
        if (version == null) {
            return null;
        }
        if (version instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.valueOf(version.toString().trim());
        } catch (NumberFormatException e) {
            throw new DataException("schema version column '" + versionColumn + "' holds '" + version
                    + "', which is not an integer", e);
        }
    }

    private static Integer partition(ConnectRecord<?> record, String column, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && n.longValue() >= 0 && n.longValue() <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw new DataException("partition column '" + column + "' of outbox row on topic " + record.topic()
                + " holds '" + value + "', which is not a partition number");
    }

    private static Field column(ConnectRecord<?> record, Struct row, String column, String configKey) {
        Field field = row.schema().field(column);
        if (field == null) {
            throw missingColumn(record, column, configKey);
        }
        return field;
    }

    /** Where the record came from: the source offset on a source connector, the Kafka offset on a sink connector. */
    private static String position(ConnectRecord<?> record) {
        if (record instanceof SourceRecord source) {
            return "source offset " + source.sourceOffset();
        }
        if (record instanceof SinkRecord sink) {
            return "offset " + sink.kafkaPartition() + "@" + sink.kafkaOffset();
        }
        return "partition " + record.kafkaPartition();
    }

    private static DataException missingColumn(ConnectRecord<?> record, String column, String configKey) {
        return new DataException("outbox row on topic " + record.topic() + " has no column '" + column
                + "' (configured by " + configKey + ")");
    }
}
