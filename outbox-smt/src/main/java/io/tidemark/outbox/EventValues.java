package io.tidemark.outbox;

import io.tidemark.outbox.payload.BoundedLruCache;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.List;
import java.util.Objects;

/**
 * Builds the value of a routed event: the bare payload, an envelope around it, or a CloudEvent.
 * Value schemas are built once per (outbox row schema, payload schema, topic, version) and reused,
 * so a stable outbox produces one schema instance per topic for converters and registries.
 */
final class EventValues {

    static final String CLOUDEVENTS_SPEC_VERSION = "1.0";

    /** The CloudEvents context attributes of one event; {@code time} and {@code subject} may be null. */
    record CloudEventAttributes(String id, String source, String type, String time, String subject,
                                String dataContentType) {
    }

    private enum Kind { VERSIONED_PAYLOAD, ENVELOPE, CLOUD_EVENT }

    /** Schemas are compared by identity: Debezium and the payload expander hand out stable instances. */
    private record SchemaKey(Kind kind, Schema row, Schema payload, String topic, Integer version) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SchemaKey other && kind == other.kind && row == other.row && payload == other.payload
                    && Objects.equals(topic, other.topic) && Objects.equals(version, other.version);
        }

        @Override
        public int hashCode() {
            int hash = kind.hashCode();
            hash = 31 * hash + System.identityHashCode(row);
            hash = 31 * hash + System.identityHashCode(payload);
            hash = 31 * hash + Objects.hashCode(topic);
            return 31 * hash + Objects.hashCode(version);
        }
    }

    private final BoundedLruCache<SchemaKey, Schema> schemas = new BoundedLruCache<>(256);

    /** The payload with its schema, carrying {@code version} when one is given. */
    SchemaAndValue payload(Schema payloadSchema, Object payload, Integer version) {
        if (version == null || payloadSchema == null) {
            return new SchemaAndValue(payloadSchema, payload);
        }
        Schema schema = schemas.computeIfAbsent(new SchemaKey(Kind.VERSIONED_PAYLOAD, null, payloadSchema, null, version),
                key -> copyWithVersion(payloadSchema, version));
        Object value = payload instanceof Struct struct ? restamp(struct, schema) : payload;
        return new SchemaAndValue(schema, value);
    }

    /** A struct {payload, <envelope fields>...} named after the topic. */
    SchemaAndValue envelope(String topic, Struct row, List<AdditionalField> fields, Schema payloadSchema, Object payload,
                            Integer version) {
        Schema schema = schemas.computeIfAbsent(new SchemaKey(Kind.ENVELOPE, row.schema(), payloadSchema, topic, version),
                key -> {
                    SchemaBuilder builder = SchemaBuilder.struct().name(SchemaNames.forTopic(topic, "Envelope"))
                            .field("payload", payloadSchema);
                    fields.forEach(f -> builder.field(f.name(), row.schema().field(f.column()).schema()));
                    return versioned(builder, version).build();
                });
        Struct value = new Struct(schema).put("payload", payload);
        fields.forEach(f -> value.put(f.name(), row.get(f.column())));
        return new SchemaAndValue(schema, value);
    }

    /** A structured-mode CloudEvent whose {@code data} is the payload and whose extensions are the envelope fields. */
    SchemaAndValue cloudEvent(String topic, Struct row, List<AdditionalField> extensions, CloudEventAttributes attributes,
                              Schema payloadSchema, Object payload, Integer version) {
        Schema schema = schemas.computeIfAbsent(new SchemaKey(Kind.CLOUD_EVENT, row.schema(), payloadSchema, topic, version),
                key -> {
                    SchemaBuilder builder = SchemaBuilder.struct().name(SchemaNames.forTopic(topic, "CloudEvent"))
                            .field("specversion", Schema.STRING_SCHEMA)
                            .field("id", Schema.STRING_SCHEMA)
                            .field("source", Schema.STRING_SCHEMA)
                            .field("type", Schema.STRING_SCHEMA)
                            .field("time", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("subject", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("datacontenttype", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("data", payloadSchema == null ? Schema.OPTIONAL_STRING_SCHEMA : payloadSchema);
                    extensions.forEach(f -> builder.field(f.name(), row.schema().field(f.column()).schema()));
                    return versioned(builder, version).build();
                });
        Struct value = new Struct(schema)
                .put("specversion", CLOUDEVENTS_SPEC_VERSION)
                .put("id", attributes.id())
                .put("source", attributes.source())
                .put("type", attributes.type())
                .put("time", attributes.time())
                .put("subject", attributes.subject())
                .put("datacontenttype", attributes.dataContentType())
                .put("data", payload);
        extensions.forEach(f -> value.put(f.name(), row.get(f.column())));
        return new SchemaAndValue(schema, value);
    }

    private static SchemaBuilder versioned(SchemaBuilder builder, Integer version) {
        return version == null ? builder : builder.version(version);
    }

    private static Schema copyWithVersion(Schema schema, int version) {
        SchemaBuilder builder;
        switch (schema.type()) {
            case STRUCT:
                builder = SchemaBuilder.struct();
                schema.fields().forEach(f -> builder.field(f.name(), f.schema()));
                break;
            case ARRAY:
                builder = SchemaBuilder.array(schema.valueSchema());
                break;
            case MAP:
                builder = SchemaBuilder.map(schema.keySchema(), schema.valueSchema());
                break;
            default:
                builder = SchemaBuilder.type(schema.type());
                break;
        }
        builder.name(schema.name()).doc(schema.doc()).version(version);
        if (schema.parameters() != null) {
            builder.parameters(schema.parameters());
        }
        if (schema.isOptional()) {
            builder.optional();
        }
        if (schema.defaultValue() != null) {
            builder.defaultValue(schema.defaultValue());
        }
        return builder.build();
    }

    /** The same field values under an equal-shaped schema that differs only in its version. */
    private static Struct restamp(Struct struct, Schema schema) {
        Struct copy = new Struct(schema);
        for (Field field : schema.fields()) {
            copy.put(field, struct.get(field.name()));
        }
        return copy;
    }
}
