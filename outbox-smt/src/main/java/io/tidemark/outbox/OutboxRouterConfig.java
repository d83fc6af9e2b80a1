package io.tidemark.outbox;

import io.tidemark.outbox.payload.NullFieldBehavior;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The router's settings. Keys shared with Debezium's {@code io.debezium.transforms.outbox.EventRouter}
 * keep Debezium's names and defaults, so switching is a change of {@code type}. Every validator calls
 * the parser the router itself uses, so the REST {@code validate} call reports the error the task would.
 */
public final class OutboxRouterConfig extends AbstractConfig {

    /** Config key names. */
    public interface ConfigName {
        String FIELD_EVENT_ID = "table.field.event.id";
        String FIELD_EVENT_KEY = "table.field.event.key";
        String FIELD_EVENT_TYPE = "table.field.event.type";
        String FIELD_EVENT_PAYLOAD = "table.field.event.payload";
        String FIELD_EVENT_TIMESTAMP = "table.field.event.timestamp";
        String FIELD_EVENT_SCHEMA_VERSION = "table.field.event.schema.version";
        String FIELDS_ADDITIONAL_PLACEMENT = "table.fields.additional.placement";
        String FIELD_ADDITIONAL_MISSING = "table.field.additional.missing";
        /** The older Debezium name of {@link #FIELD_ADDITIONAL_MISSING}: read by 3.4.3 and earlier, ignored by 3.6. */
        String FIELDS_ADDITIONAL_ERROR_ON_MISSING = "table.fields.additional.error.on.missing";
        String OP_INVALID_BEHAVIOR = "table.op.invalid.behavior";
        String EXPAND_JSON_PAYLOAD = "table.expand.json.payload";
        String JSON_PAYLOAD_NULL_BEHAVIOR = "table.json.payload.null.behavior";
        String JSON_PAYLOAD_SCHEMA_CACHE_SIZE = "table.expand.json.payload.schema.cache.size";
        String ROUTE_BY_FIELD = "route.by.field";
        String ROUTE_TOPIC_REGEX = "route.topic.regex";
        String ROUTE_TOPIC_REPLACEMENT = "route.topic.replacement";
        String ROUTE_TOMBSTONE_ON_EMPTY_PAYLOAD = "route.tombstone.on.empty.payload";
        String TOMBSTONE_HANDLING_MODE = "tombstone.handling.mode";
        String HEADER_EVENT_ID = "header.event.id";
        String HEADER_EVENT_TYPE = "header.event.type";
        String VALUE_FORMAT = "value.format";
        String CLOUDEVENTS_SOURCE = "cloudevents.source";
        String TRACING_SPAN_CONTEXT_FIELD = "tracing.span.context.field";
        String TRACING_OPERATION_NAME = "tracing.operation.name";
        String TRACING_WITH_CONTEXT_FIELD_ONLY = "tracing.with.context.field.only";
    }

    private static final String TABLE_GROUP = "Table";
    private static final String ROUTER_GROUP = "Router";
    private static final String PAYLOAD_GROUP = "Payload";
    private static final String EVENT_GROUP = "Event";
    private static final String TRACING_GROUP = "Tracing";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(ConfigName.FIELD_EVENT_ID, Type.STRING, "id", columnName(), Importance.HIGH,
                    "Column holding the unique event id. Its value is sent in the header named by '"
                            + ConfigName.HEADER_EVENT_ID + "' (and as the CloudEvents 'id').",
                    TABLE_GROUP, 1, Width.MEDIUM, "Event id column")
            .define(ConfigName.FIELD_EVENT_KEY, Type.STRING, "aggregateid", columnName(), Importance.HIGH,
                    "Column holding the aggregate id. It becomes the record key, so all events of one aggregate"
                            + " land in one partition, in order.",
                    TABLE_GROUP, 2, Width.MEDIUM, "Aggregate id column")
            .define(ConfigName.FIELD_EVENT_TYPE, Type.STRING, "type", columnName(), Importance.MEDIUM,
                    "Column holding the event type, e.g. 'OrderCreated'. Sent in the header named by '"
                            + ConfigName.HEADER_EVENT_TYPE + "' when that is set, and as the CloudEvents 'type'.",
                    TABLE_GROUP, 3, Width.MEDIUM, "Event type column")
            .define(ConfigName.FIELD_EVENT_PAYLOAD, Type.STRING, "payload", columnName(), Importance.HIGH,
                    "Column holding the event payload, which becomes the record value.",
                    TABLE_GROUP, 4, Width.MEDIUM, "Payload column")
            .define(ConfigName.FIELD_EVENT_TIMESTAMP, Type.STRING, null, optionalColumnName(), Importance.LOW,
                    "Column whose value becomes the Kafka record timestamp. Accepts Connect Timestamp, epoch"
                            + " milliseconds, Debezium's Timestamp, MicroTimestamp, NanoTimestamp and ZonedTimestamp"
                            + " (PostgreSQL timestamp and timestamptz columns). Unset: the time Debezium processed the"
                            + " change (the envelope's ts_ms).",
                    TABLE_GROUP, 5, Width.MEDIUM, "Timestamp column")
            .define(ConfigName.FIELD_EVENT_SCHEMA_VERSION, Type.STRING, null, optionalColumnName(), Importance.LOW,
                    "Column holding an integer that becomes the version of the value schema. Unset: schemas"
                            + " carry no version.",
                    TABLE_GROUP, 6, Width.MEDIUM, "Schema version column")
            .define(ConfigName.FIELDS_ADDITIONAL_PLACEMENT, Type.LIST, "", parsed(AdditionalField::parseAll, "list of column:header|envelope|partition[:alias]"),
                    Importance.MEDIUM,
                    "More columns to carry along, as a list of column:placement or column:placement:alias."
                            + " Placement 'header' adds a header, 'envelope' wraps the payload in a struct"
                            + " {payload, <alias>...} (with value.format=cloudevents: an extension attribute),"
                            + " 'partition' sends the event to the partition number the column holds (at most one"
                            + " column). Example: type:header:eventType,tenant:envelope,shard:partition",
                    TABLE_GROUP, 7, Width.LONG, "Additional columns")
            .define(ConfigName.FIELD_ADDITIONAL_MISSING, Type.STRING, MissingAdditionalFieldBehavior.ERROR.toString(),
                    parsed(MissingAdditionalFieldBehavior::parse, "error, ignore"), Importance.MEDIUM,
                    "What to do with an outbox row lacking a column listed in '" + ConfigName.FIELDS_ADDITIONAL_PLACEMENT
                            + "': 'error' fails the record with an error naming the column, 'ignore' leaves the"
                            + " column out of that row's event.",
                    TABLE_GROUP, 8, Width.SHORT, "Missing additional column")
            .define(ConfigName.FIELDS_ADDITIONAL_ERROR_ON_MISSING, Type.BOOLEAN, true, Importance.LOW,
                    "The same choice under its older Debezium name (read by Debezium 3.4.3 and earlier, ignored by"
                            + " 3.6), where false means '" + ConfigName.FIELD_ADDITIONAL_MISSING + "=ignore'; accepted"
                            + " so that a configuration written for an older Debezium keeps working. Set both only to"
                            + " the same answer.",
                    TABLE_GROUP, 9, Width.SHORT, "Fail on missing additional column (older name)")
            .define(ConfigName.OP_INVALID_BEHAVIOR, Type.STRING, InvalidOperationBehavior.WARN.toString(),
                    parsed(InvalidOperationBehavior::parse, "warn, error, fatal"), Importance.MEDIUM,
                    "What to do with an update of an outbox row, which an append-only outbox never produces:"
                            + " 'warn' drops it with a warning, 'error' drops it with an error in the log, 'fatal'"
                            + " fails the record (stopping the task unless errors.tolerance=all). Deletes of outbox"
                            + " rows (the usual cleanup after insert) and truncates are always dropped silently.",
                    TABLE_GROUP, 10, Width.SHORT, "Invalid operation behavior")
            .define(ConfigName.ROUTE_BY_FIELD, Type.STRING, "aggregatetype", columnName(), Importance.HIGH,
                    "Column whose value chooses the topic through '" + ConfigName.ROUTE_TOPIC_REGEX + "' and '"
                            + ConfigName.ROUTE_TOPIC_REPLACEMENT + "'. A null value fails the record.",
                    ROUTER_GROUP, 1, Width.MEDIUM, "Routing column")
            .define(ConfigName.ROUTE_TOPIC_REGEX, Type.STRING, "(?<routedByValue>.*)",
                    parsed(TopicRouting::compile, "a Java regular expression"), Importance.LOW,
                    "Regular expression matched against the whole routing value. On a match the topic is '"
                            + ConfigName.ROUTE_TOPIC_REPLACEMENT + "' with the groups substituted; without one the"
                            + " routing value itself is the topic.",
                    ROUTER_GROUP, 2, Width.LONG, "Topic regex")
            .define(ConfigName.ROUTE_TOPIC_REPLACEMENT, Type.STRING, "outbox.event.${routedByValue}",
                    parsed(TopicRouting::checkReplacement, "a topic name with ${group} references"), Importance.HIGH,
                    "Topic name for a matching routing value; ${name} and $n refer to groups of '"
                            + ConfigName.ROUTE_TOPIC_REGEX + "' (each must exist there), \\$ is a literal dollar.",
                    ROUTER_GROUP, 3, Width.LONG, "Topic replacement")
            .define(ConfigName.ROUTE_TOMBSTONE_ON_EMPTY_PAYLOAD, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Whether a null or empty-text payload becomes a tombstone (null value without schema, no envelope), so a"
                            + " compacted topic forgets the aggregate. False: the event keeps its envelope and a null"
                            + " payload.",
                    ROUTER_GROUP, 4, Width.SHORT, "Tombstone on empty payload")
            .define(ConfigName.TOMBSTONE_HANDLING_MODE, Type.STRING, TombstoneHandling.DROP.toString(),
                    parsed(TombstoneHandling::parse, "drop, keep"), Importance.LOW,
                    "What to do with incoming tombstones (records with a null value): 'drop' them, as Debezium's"
                            + " router does (Debezium emits one after each outbox delete), or 'keep' them untouched,"
                            + " when the connector also captures other tables whose topics are compacted and no"
                            + " predicate limits the router to the outbox topic.",
                    ROUTER_GROUP, 5, Width.SHORT, "Tombstone handling")
            .define(ConfigName.EXPAND_JSON_PAYLOAD, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Whether a JSON payload (jsonb, json, text or UTF-8 bytea) becomes a schema'd struct instead of a"
                            + " string, so Avro or JSON-with-schema converters can register a real schema. The schema"
                            + " depends only on the document's shape: fields are sorted by name, nested fields are"
                            + " optional, array elements are merged (integers with floats to float64, objects to the"
                            + " union of their fields; kinds that do not merge become their JSON text). A payload that"
                            + " is not JSON is passed on as it came, with a warning.",
                    PAYLOAD_GROUP, 1, Width.SHORT, "Expand JSON payload")
            .define(ConfigName.JSON_PAYLOAD_NULL_BEHAVIOR, Type.STRING, NullFieldBehavior.IGNORE.configValue(),
                    parsed(NullFieldBehavior::parse, NullFieldBehavior.names()), Importance.LOW,
                    "Schema of a JSON field that is null in the whole document: 'ignore' leaves it out, "
                            + "'optional_bytes' keeps it as optional bytes (both as in Debezium), 'optional_string'"
                            + " keeps it as an optional string, which matches the field's schema on the days it is a"
                            + " string.",
                    PAYLOAD_GROUP, 2, Width.SHORT, "JSON null field behavior")
            .define(ConfigName.JSON_PAYLOAD_SCHEMA_CACHE_SIZE, Type.INT, 1024, ConfigDef.Range.between(1, 1_000_000),
                    Importance.LOW,
                    "How many payload shapes keep their inferred schema, least recently used evicted first. Memory"
                            + " stays bounded however many shapes the outbox produces.",
                    PAYLOAD_GROUP, 3, Width.SHORT, "Schema cache size")
            .define(ConfigName.HEADER_EVENT_ID, Type.STRING, "id", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Name of the header carrying the event id.",
                    EVENT_GROUP, 1, Width.SHORT, "Event id header")
            .define(ConfigName.HEADER_EVENT_TYPE, Type.STRING, "", parsed(OutboxRouterConfig::headerNameOrEmpty,
                            "a header name, or empty"), Importance.LOW,
                    "Name of a header carrying the event type; empty for none (as in Debezium, where"
                            + " 'type:header:eventType' in '" + ConfigName.FIELDS_ADDITIONAL_PLACEMENT
                            + "' does the same).",
                    EVENT_GROUP, 2, Width.SHORT, "Event type header")
            .define(ConfigName.VALUE_FORMAT, Type.STRING, ValueFormat.PAYLOAD.toString(), parsed(ValueFormat::parse, "payload, cloudevents"),
                    Importance.MEDIUM,
                    "'payload': the value is the payload (in an envelope if envelope fields are configured)."
                            + " 'cloudevents': a structured-mode CloudEvents 1.0 envelope with specversion, id, source,"
                            + " type, time (the event timestamp), subject (the aggregate id), datacontenttype and data"
                            + " (the payload); envelope fields become extension attributes, so their names must be"
                            + " lowercase letters and digits.",
                    EVENT_GROUP, 3, Width.SHORT, "Value format")
            .define(ConfigName.CLOUDEVENTS_SOURCE, Type.STRING, "", parsed(OutboxRouterConfig::uriReferenceOrEmpty,
                            "a URI reference, or empty"), Importance.LOW,
                    "The CloudEvents 'source' attribute. Empty: the topic the outbox change was captured on,"
                            + " e.g. 'shop.public.outbox'.",
                    EVENT_GROUP, 4, Width.MEDIUM, "CloudEvents source")
            .define(ConfigName.TRACING_SPAN_CONTEXT_FIELD, Type.STRING, "tracingspancontext", columnName(),
                    Importance.MEDIUM,
                    "Column holding the trace context the application stored with the outbox row, as"
                            + " java.util.Properties text: a line 'traceparent=00-<trace-id>-<parent-id>-<flags>',"
                            + " optionally a line 'tracestate=...'. A valid context goes on as the event's W3C"
                            + " 'traceparent' and 'tracestate' headers (replacing any the captured record had), so"
                            + " consumers continue the application's trace. A row without the column or with a null"
                            + " in it has no context, which is no error; a column that is not text fails the record.",
                    TRACING_GROUP, 1, Width.MEDIUM, "Trace context column")
            .define(ConfigName.TRACING_WITH_CONTEXT_FIELD_ONLY, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether only rows with a trace context are traced; true is what Debezium's router does when"
                            + " the key is unset. False: a row without one starts a new trace, so the event gets a"
                            + " 'traceparent' with a random trace id, sampled, which all its consumers share. A"
                            + " context that is stored but is no valid traceparent starts a new trace either way, as"
                            + " in Debezium.",
                    TRACING_GROUP, 2, Width.SHORT, "Trace only rows with a context")
            .define(ConfigName.TRACING_OPERATION_NAME, Type.STRING, "debezium-read", columnName(), Importance.LOW,
                    "Name of the span Debezium's router records for its processing of an event. This router"
                            + " records no spans and needs no OpenTelemetry on the worker: it passes the stored"
                            + " context on. The key is accepted so that a configuration written for Debezium works"
                            + " unchanged; setting it changes nothing, which the router logs once.",
                    TRACING_GROUP, 3, Width.MEDIUM, "Tracing operation name");

    private static final Pattern CLOUDEVENTS_ATTRIBUTE = Pattern.compile("[a-z0-9]{1,20}");
    private static final Set<String> CLOUDEVENTS_CONTEXT_ATTRIBUTES =
            Set.of("specversion", "id", "source", "type", "time", "subject", "datacontenttype", "data");

    private final List<AdditionalField> additionalFields;
    private final InvalidOperationBehavior invalidOperationBehavior;
    private final NullFieldBehavior nullFieldBehavior;
    private final TombstoneHandling tombstoneHandling;
    private final ValueFormat valueFormat;
    private final TopicRouting topicRouting;
    // Read once: the router asks for these on every record, and AbstractConfig's getters track usage.
    private final String eventIdColumn;
    private final String eventKeyColumn;
    private final String eventTypeColumn;
    private final String payloadColumn;
    private final String timestampColumn;
    private final String schemaVersionColumn;
    private final boolean failOnMissingAdditionalField;
    private final String routeByColumn;
    private final boolean tombstoneOnEmptyPayload;
    private final boolean expandJsonPayload;
    private final int jsonSchemaCacheSize;
    private final String eventIdHeader;
    private final String eventTypeHeader;
    private final String cloudEventsSource;
    private final String traceContextColumn;
    private final boolean traceOnlyWithContext;

    public OutboxRouterConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        eventIdColumn = getString(ConfigName.FIELD_EVENT_ID);
        eventKeyColumn = getString(ConfigName.FIELD_EVENT_KEY);
        eventTypeColumn = getString(ConfigName.FIELD_EVENT_TYPE);
        payloadColumn = getString(ConfigName.FIELD_EVENT_PAYLOAD);
        timestampColumn = blankToNull(getString(ConfigName.FIELD_EVENT_TIMESTAMP));
        schemaVersionColumn = blankToNull(getString(ConfigName.FIELD_EVENT_SCHEMA_VERSION));
        failOnMissingAdditionalField = missingAdditionalFieldBehavior() == MissingAdditionalFieldBehavior.ERROR;
        routeByColumn = getString(ConfigName.ROUTE_BY_FIELD);
        tombstoneOnEmptyPayload = getBoolean(ConfigName.ROUTE_TOMBSTONE_ON_EMPTY_PAYLOAD);
        expandJsonPayload = getBoolean(ConfigName.EXPAND_JSON_PAYLOAD);
        jsonSchemaCacheSize = getInt(ConfigName.JSON_PAYLOAD_SCHEMA_CACHE_SIZE);
        eventIdHeader = getString(ConfigName.HEADER_EVENT_ID);
        eventTypeHeader = blankToNull(getString(ConfigName.HEADER_EVENT_TYPE));
        cloudEventsSource = blankToNull(getString(ConfigName.CLOUDEVENTS_SOURCE));
        traceContextColumn = getString(ConfigName.TRACING_SPAN_CONTEXT_FIELD);
        traceOnlyWithContext = getBoolean(ConfigName.TRACING_WITH_CONTEXT_FIELD_ONLY);
        additionalFields = parse(ConfigName.FIELDS_ADDITIONAL_PLACEMENT,
                getList(ConfigName.FIELDS_ADDITIONAL_PLACEMENT), AdditionalField::parseAll);
        invalidOperationBehavior = parse(ConfigName.OP_INVALID_BEHAVIOR,
                getString(ConfigName.OP_INVALID_BEHAVIOR), InvalidOperationBehavior::parse);
        nullFieldBehavior = parse(ConfigName.JSON_PAYLOAD_NULL_BEHAVIOR,
                getString(ConfigName.JSON_PAYLOAD_NULL_BEHAVIOR), NullFieldBehavior::parse);
        tombstoneHandling = parse(ConfigName.TOMBSTONE_HANDLING_MODE,
                getString(ConfigName.TOMBSTONE_HANDLING_MODE), TombstoneHandling::parse);
        valueFormat = parse(ConfigName.VALUE_FORMAT, getString(ConfigName.VALUE_FORMAT), ValueFormat::parse);
        // The regex and the replacement are valid one by one (their validators ran); here: together.
        topicRouting = parse(ConfigName.ROUTE_TOPIC_REPLACEMENT, getString(ConfigName.ROUTE_TOPIC_REPLACEMENT),
                replacement -> new TopicRouting(getString(ConfigName.ROUTE_TOPIC_REGEX), replacement));
        checkEnvelopeFieldNames();
    }

    /**
     * Debezium renamed the key (and made it an enum) by 3.6, so configurations carry either name: the one that is set
     * decides, and two that are set must agree.
     */
    private MissingAdditionalFieldBehavior missingAdditionalFieldBehavior() {
        MissingAdditionalFieldBehavior current = parse(ConfigName.FIELD_ADDITIONAL_MISSING,
                getString(ConfigName.FIELD_ADDITIONAL_MISSING), MissingAdditionalFieldBehavior::parse);
        if (!originals().containsKey(ConfigName.FIELDS_ADDITIONAL_ERROR_ON_MISSING)) {
            return current;
        }
        MissingAdditionalFieldBehavior older = getBoolean(ConfigName.FIELDS_ADDITIONAL_ERROR_ON_MISSING)
                ? MissingAdditionalFieldBehavior.ERROR : MissingAdditionalFieldBehavior.IGNORE;
        if (originals().containsKey(ConfigName.FIELD_ADDITIONAL_MISSING) && current != older) {
            throw new ConfigException(ConfigName.FIELDS_ADDITIONAL_ERROR_ON_MISSING,
                    getBoolean(ConfigName.FIELDS_ADDITIONAL_ERROR_ON_MISSING), "contradicts "
                            + ConfigName.FIELD_ADDITIONAL_MISSING + "=" + current + ", which replaces it; remove it");
        }
        return older;
    }

    /** Envelope fields share one struct with the fields the format itself defines. */
    private void checkEnvelopeFieldNames() {
        boolean cloudEvents = valueFormat == ValueFormat.CLOUDEVENTS;
        Set<String> taken = new HashSet<>(cloudEvents ? CLOUDEVENTS_CONTEXT_ATTRIBUTES : Set.of("payload"));
        for (AdditionalField field : additionalFields) {
            if (field.placement() != AdditionalField.Placement.ENVELOPE) {
                continue;
            }
            String problem = null;
            if (cloudEvents && !CLOUDEVENTS_ATTRIBUTE.matcher(field.name()).matches()) {
                problem = "with value.format=cloudevents, envelope field '" + field.name() + "' becomes a CloudEvents"
                        + " extension attribute and must be 1-20 lowercase letters or digits; give it an alias";
            } else if (!taken.add(field.name())) {
                problem = "envelope field '" + field.name() + "' is already taken in the " + valueFormat
                        + " value; give it another alias";
            }
            if (problem != null) {
                throw new ConfigException(ConfigName.FIELDS_ADDITIONAL_PLACEMENT,
                        getList(ConfigName.FIELDS_ADDITIONAL_PLACEMENT), problem);
            }
        }
    }

    public String eventIdColumn() {
        return eventIdColumn;
    }

    public String eventKeyColumn() {
        return eventKeyColumn;
    }

    public String eventTypeColumn() {
        return eventTypeColumn;
    }

    public String payloadColumn() {
        return payloadColumn;
    }

    /** The timestamp column, or {@code null} to use the envelope's processing time. */
    public String timestampColumn() {
        return timestampColumn;
    }

    /** The schema version column, or {@code null} for unversioned schemas. */
    public String schemaVersionColumn() {
        return schemaVersionColumn;
    }

    public List<AdditionalField> additionalFields() {
        return additionalFields;
    }

    public boolean failOnMissingAdditionalField() {
        return failOnMissingAdditionalField;
    }

    public InvalidOperationBehavior invalidOperationBehavior() {
        return invalidOperationBehavior;
    }

    public String routeByColumn() {
        return routeByColumn;
    }

    public TopicRouting topicRouting() {
        return topicRouting;
    }

    public boolean tombstoneOnEmptyPayload() {
        return tombstoneOnEmptyPayload;
    }

    public TombstoneHandling tombstoneHandling() {
        return tombstoneHandling;
    }

    public boolean expandJsonPayload() {
        return expandJsonPayload;
    }

    public NullFieldBehavior jsonNullFieldBehavior() {
        return nullFieldBehavior;
    }

    public int jsonSchemaCacheSize() {
        return jsonSchemaCacheSize;
    }

    public String eventIdHeader() {
        return eventIdHeader;
    }

    /** The event type header name, or {@code null} for none. */
    public String eventTypeHeader() {
        return eventTypeHeader;
    }

    public ValueFormat valueFormat() {
        return valueFormat;
    }

    /** The fixed CloudEvents source, or {@code null} to use the captured topic. */
    public String cloudEventsSource() {
        return cloudEventsSource;
    }

    public String traceContextColumn() {
        return traceContextColumn;
    }

    /** Whether rows without a trace context go untraced, rather than each starting a new trace. */
    public boolean traceOnlyWithContext() {
        return traceOnlyWithContext;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static ConfigDef.Validator columnName() {
        return new ConfigDef.NonEmptyStringWithoutControlChars();
    }

    private static String headerNameOrEmpty(String name) {
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a header name cannot contain control characters");
        }
        return name;
    }

    /** CloudEvents requires 'source' to be a URI reference, e.g. '/shop/orders' or 'urn:shop:orders'. */
    private static URI uriReferenceOrEmpty(String source) {
        try {
            return new URI(source);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI reference: " + e.getMessage(), e);
        }
    }

    /** Unset means "not used"; a present but empty name is a mistake worth reporting. */
    private static ConfigDef.Validator optionalColumnName() {
        return new ConfigDef.NonEmptyStringWithoutControlChars();
    }

    /** A validator that runs the same parser the router runs, so both report the same error. */
    private static <T, R> ConfigDef.Validator parsed(Function<T, R> parser, String validValues) {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            @SuppressWarnings("unchecked")
            T typed = (T) value;
            if (typed != null) {
                parse(name, typed, parser);
            }
        }, () -> validValues);
    }

    private static <T, R> R parse(String key, T value, Function<T, R> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, value, e.getMessage());
        }
    }
}
