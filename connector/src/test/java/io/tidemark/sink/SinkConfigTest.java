package io.tidemark.sink;

import io.tidemark.sink.writer.SchemaEvolution;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkConfigTest {

    private static Map<String, String> valid() {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        props.put("topics", "shop.public.orders,shop.public.items");
        props.put("connection.url", "jdbc:postgresql://localhost:5432/target");
        return props;
    }

    private static List<String> errors(Map<String, String> props, String key) {
        Config config = new IdempotentJdbcSinkConnector().validate(props);
        return config.configValues().stream().filter(v -> v.name().equals(key)).findFirst()
                .map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void defaultsAreMergeSoftDeleteAndTheStandardWatermarkTable() {
        SinkConfig config = new SinkConfig(valid());
        assertThat(config.mode()).isEqualTo(SinkConfig.Mode.MERGE);
        assertThat(config.deleteMode()).isEqualTo(SinkConfig.DeleteMode.SOFT);
        assertThat(config.watermarkTable().table()).isEqualTo("cdc_watermark");
        assertThat(config.autoCreate()).isTrue();
        assertThat(config.schemaEvolution()).isEqualTo(SchemaEvolution.BASIC);
        assertThat(config.unavailablePlaceholder()).isEqualTo("__debezium_unavailable_value");
    }

    @Test
    void everyKeyIsDocumentedAndGrouped() {
        for (ConfigDef.ConfigKey key : SinkConfig.CONFIG_DEF.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(key.group).as(key.name).isNotBlank();
        }
        assertThat(SinkConfig.CONFIG_DEF.configKeys().get("connection.password").type).isEqualTo(ConfigDef.Type.PASSWORD);
    }

    @Test
    void subscribesTellsWhetherTheTopicsListOrTheTopicsRegexNamesATopic() {
        Map<String, String> listed = valid();
        listed.put("topics", "shop.public.orders, shop.transaction");
        assertThat(new SinkConfig(listed).subscribes()).accepts("shop.transaction").rejects("shop.public.items");
        Map<String, String> regex = valid();
        regex.remove("topics");
        regex.put("topics.regex", "shop\\..*");
        assertThat(new SinkConfig(regex).subscribes()).accepts("shop.transaction").rejects("other.transaction");
    }

    @Test
    void urlOfAnUnsupportedDatabaseIsRejectedListingTheSupportedOnes() {
        Map<String, String> props = valid();
        props.put("connection.url", "jdbc:sqlserver://localhost;password=hunter2");
        assertThat(errors(props, "connection.url")).singleElement().asString()
                .contains("supported: postgresql (jdbc:postgresql://host:5432/database)")
                .doesNotContain("hunter2");
        assertThatThrownBy(() -> new SinkConfig(props)).isInstanceOf(ConfigException.class);
    }

    @Test
    void urlChoosesTheTargetDialect() {
        assertThat(new SinkConfig(valid()).dialect().name()).isEqualTo("postgresql");
    }

    @Test
    void idleReleaseIsTheTargetsDefaultUnlessSet() {
        SinkConfig postgres = new SinkConfig(valid());
        assertThat(postgres.idleReleaseMs(postgres.dialect())).isEqualTo(600_000);
        Map<String, String> duckdb = valid();
        duckdb.put("connection.url", "jdbc:duckdb:/var/lib/tidemark/analytics.duckdb");
        SinkConfig file = new SinkConfig(duckdb);
        assertThat(file.idleReleaseMs(file.dialect())).isEqualTo(5_000);
        duckdb.put("connection.idle.release.ms", "0");
        assertThat(new SinkConfig(duckdb).idleReleaseMs(file.dialect())).isZero();
        duckdb.put("connection.idle.release.ms", "-1");
        assertThat(errors(duckdb, "connection.idle.release.ms")).singleElement().asString().contains("0 or more");
        assertThat(SinkConfig.CONFIG_DEF.configKeys().get("connection.idle.release.ms").documentation)
                .contains("5000 ms for duckdb", "600000 ms for postgresql");
    }

    @Test
    void rejectsUnknownEnumValuesNamingTheChoices() {
        Map<String, String> props = valid();
        props.put("delete.mode", "sometimes");
        props.put("mode", "replace");
        assertThat(errors(props, "delete.mode")).singleElement().asString().contains("[soft, hard]");
        assertThat(errors(props, "mode")).singleElement().asString().contains("[merge, append]");
    }

    @Test
    void enumValuesAreCaseInsensitive() {
        Map<String, String> props = valid();
        props.put("delete.mode", "HARD");
        assertThat(new SinkConfig(props).deleteMode()).isEqualTo(SinkConfig.DeleteMode.HARD);
    }

    @Test
    void rejectsUnknownPlaceholder() {
        Map<String, String> props = valid();
        props.put("table.name.format", "${source.tabel}");
        assertThat(errors(props, "table.name.format")).singleElement().asString().contains("unknown placeholder ${source.tabel}");
    }

    @Test
    void rejectsFormatWithoutPlaceholderForSeveralTopics() {
        Map<String, String> props = valid();
        props.put("table.name.format", "everything");
        assertThat(errors(props, "table.name.format")).singleElement().asString().contains("every topic would write into one table");
    }

    @Test
    void rejectsFormatThatNamesTheWatermarkTable() {
        Map<String, String> props = valid();
        props.put("topics", "shop.public.orders");
        props.put("table.name.format", "ops.progress");
        props.put("watermark.table", "ops.progress");
        assertThat(errors(props, "table.name.format")).singleElement().asString().contains("watermark table");
    }

    @Test
    void rejectsFormatThatNamesTheAuditEventsTable() {
        Map<String, String> props = valid();
        props.put("topics", "shop.public.orders");
        props.put("table.name.format", "cdc_audit_events");
        assertThat(errors(props, "table.name.format")).singleElement().asString().contains("audit events table");
    }

    @Test
    void rejectsAnAuditEventsTableThatIsTheWatermarkTable() {
        Map<String, String> props = valid();
        props.put("audit.events.table", "cdc_watermark");
        assertThat(errors(props, "audit.events.table")).singleElement().asString().contains("watermark.table");
    }

    @Test
    void rejectsOutOfRangeNumbers() {
        Map<String, String> props = valid();
        props.put("batch.size", "0");
        props.put("max.retries", "-1");
        assertThat(errors(props, "batch.size")).isNotEmpty();
        assertThat(errors(props, "max.retries")).isNotEmpty();
    }

    @Test
    void validConfigHasNoErrors() {
        Config config = new IdempotentJdbcSinkConnector().validate(valid());
        assertThat(config.configValues()).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }

    @Test
    void watermarkTableMustBeTableOrSchemaTable() {
        Map<String, String> props = valid();
        props.put("watermark.table", "a.b.c");
        assertThat(errors(props, "watermark.table")).isNotEmpty();
    }

    @Test
    void passwordInTheUrlIsMaskedForDisplay() {
        Map<String, String> props = valid();
        props.put("connection.url", "jdbc:postgresql://db/x?user=a&password=s3cret&sslmode=require");
        assertThat(new SinkConfig(props).urlForDisplay())
                .isEqualTo("jdbc:postgresql://db/x?user=a&password=****&sslmode=require");
    }
}
