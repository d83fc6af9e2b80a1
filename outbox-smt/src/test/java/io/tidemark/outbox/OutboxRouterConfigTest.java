package io.tidemark.outbox;

import io.debezium.transforms.outbox.EventRouter;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboxRouterConfigTest {

    /**
     * Defaults that are not what Debezium's ConfigDef declares but what its router does when the key is
     * unset: {@code EventRouterDelegate.configure} makes the tracing require a context field unless
     * {@code tracing.with.context.field.only} is given (DebeziumTracingParityTest runs both routers so).
     */
    private static final Map<String, Object> DEBEZIUM_EFFECTIVE_DEFAULTS = Map.of("tracing.with.context.field.only", true);

    @Test
    void sharedKeysHaveDebeziumNamesTypesAndDefaults() {
        ConfigDef debezium;
        try (EventRouter<?> router = new EventRouter<>()) {
            debezium = router.config();
        }
        ConfigDef ours = OutboxRouterConfig.CONFIG_DEF;

        for (ConfigDef.ConfigKey theirs : debezium.configKeys().values()) {
            ConfigDef.ConfigKey mine = ours.configKeys().get(theirs.name);
            assertThat(mine).as("key %s", theirs.name).isNotNull();
            assertThat(mine.type).as("type of %s", theirs.name).isEqualTo(theirs.type);
            Object theirDefault = theirs.type == ConfigDef.Type.LIST && theirs.defaultValue == null ? List.of() : theirs.defaultValue;
            assertThat(mine.defaultValue).as("default of %s", theirs.name)
                    .isEqualTo(DEBEZIUM_EFFECTIVE_DEFAULTS.getOrDefault(theirs.name, theirDefault));
        }
        assertThat(debezium.configKeys().get("tracing.with.context.field.only").defaultValue)
                .as("Debezium's declared default, which its router overrides").isEqualTo(false);
    }

    @Test
    void everyKeyHasDocumentationAGroupAndAValidator() {
        for (ConfigDef.ConfigKey key : OutboxRouterConfig.CONFIG_DEF.configKeys().values()) {
            assertThat(key.documentation).as("doc of %s", key.name).isNotBlank();
            assertThat(key.group).as("group of %s", key.name).isNotBlank();
            assertThat(key.displayName).as("display name of %s", key.name).isNotBlank();
            if (key.type != ConfigDef.Type.BOOLEAN) {
                assertThat(key.validator).as("validator of %s", key.name).isNotNull();
            }
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "table.fields.additional.placement | type:somewhere         | placement 'somewhere'",
            "table.fields.additional.placement | type                   | must be column:placement",
            "table.fields.additional.placement | :header                | names no column",
            "table.fields.additional.placement | type:header:           | empty alias",
            "table.fields.additional.placement | a:partition:b          | takes no alias",
            "table.fields.additional.placement | a:partition,b:partition| only one column",
            "table.op.invalid.behavior         | ignore                 | warn, error, fatal",
            "table.json.payload.null.behavior  | drop                   | ignore, optional_bytes, optional_string",
            "route.topic.regex                 | (unclosed              | not a valid regular expression",
            "route.topic.replacement           | topic.${broken         | malformed group reference",
            "route.topic.replacement           | price$                 | lone '$'",
            "route.topic.replacement           | cost$x                 | must be followed by a group number",
            "route.topic.replacement           | 'a\\'                  | lone backslash",
            "tombstone.handling.mode           | forward                | drop or keep",
            "value.format                      | avro                   | payload or cloudevents",
            "table.expand.json.payload.schema.cache.size | 0            | at least 1",
            "table.field.event.id              | ''                     | empty",
            "header.event.id                   | ''                     | empty",
            "table.field.event.timestamp       | ''                     | empty",
            "cloudevents.source                | shop orders            | not a URI reference",
            "header.event.type                 | 'event\ttype'          | control characters",
            "tracing.span.context.field        | ''                     | empty",
            "tracing.operation.name            | ''                     | empty",
    })
    void invalidValueIsReportedByValidateWithTheParserMessage(String key, String value, String message) {
        Map<String, ConfigValue> results = OutboxRouterConfig.CONFIG_DEF.validateAll(Map.of(key, value));

        assertThat(results.get(key).errorMessages()).as("errors for %s", key)
                .anySatisfy(error -> assertThat(error).contains(message));
        assertThatThrownBy(() -> new OutboxRouterConfig(Map.of(key, value)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void replacementMustReferToGroupsTheRegexDefines() {
        assertThatThrownBy(() -> new OutboxRouterConfig(Map.of("route.topic.regex", "(?<kind>.*)")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("group 'routedByValue'");
        assertThatThrownBy(() -> new OutboxRouterConfig(Map.of("route.topic.regex", "(.*)",
                "route.topic.replacement", "events.$2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("has only 1");
    }

    @Test
    void cloudEventsExtensionNamesMustBeValidAttributes() {
        assertThatThrownBy(() -> new OutboxRouterConfig(Map.of("value.format", "cloudevents",
                "table.fields.additional.placement", "tenant_id:envelope")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'tenant_id'");
        assertThat(new OutboxRouterConfig(Map.of("value.format", "cloudevents",
                "table.fields.additional.placement", "tenant_id:envelope:tenant")).additionalFields())
                .containsExactly(new AdditionalField("tenant_id", AdditionalField.Placement.ENVELOPE, "tenant"));
    }

    @Test
    void envelopeFieldNamesMustNotClash() {
        assertThatThrownBy(() -> new OutboxRouterConfig(Map.of("table.fields.additional.placement", "type:envelope:payload")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'payload' is already taken");
        assertThatThrownBy(() -> new OutboxRouterConfig(Map.of("table.fields.additional.placement", "type:envelope,kind:envelope:type")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'type' is already taken");
        assertThatThrownBy(() -> new OutboxRouterConfig(Map.of("value.format", "cloudevents",
                "table.fields.additional.placement", "kind:envelope:type")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'type' is already taken in the cloudevents value");
    }

    @Test
    void defaultsParseToDebeziumBehaviour() {
        OutboxRouterConfig config = new OutboxRouterConfig(Map.of());

        assertThat(config.topicRouting().topicFor("Order")).isEqualTo("outbox.event.Order");
        assertThat(config.invalidOperationBehavior()).isEqualTo(InvalidOperationBehavior.WARN);
        assertThat(config.tombstoneHandling()).isEqualTo(TombstoneHandling.DROP);
        assertThat(config.valueFormat()).isEqualTo(ValueFormat.PAYLOAD);
        assertThat(config.additionalFields()).isEmpty();
        assertThat(config.timestampColumn()).isNull();
        assertThat(config.eventTypeHeader()).isNull();
        assertThat(config.eventIdHeader()).isEqualTo("id");
        assertThat(config.traceContextColumn()).isEqualTo("tracingspancontext");
        assertThat(config.traceOnlyWithContext()).isTrue();
    }

    @Test
    void placementsParseWithAliasesAndCase() {
        assertThat(AdditionalField.parseAll(List.of(" type:HEADER:eventType", "tenant:envelope", "shard:partition", "")))
                .containsExactly(
                        new AdditionalField("type", AdditionalField.Placement.HEADER, "eventType"),
                        new AdditionalField("tenant", AdditionalField.Placement.ENVELOPE, "tenant"),
                        new AdditionalField("shard", AdditionalField.Placement.PARTITION, "shard"));
    }
}
