package io.tidemark.sink;

import io.tidemark.sink.dialect.TargetDialects;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.event.TableNameFormat;
import io.tidemark.sink.version.Version;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies Debezium change events to a PostgreSQL, MariaDB or DuckDB target exactly once. Thin by design: it
 * validates the configuration (including cross-field mistakes and a target its dialect can tell is not writable from
 * here, reported through the REST validate call) and hands the same configuration to every task.
 */
public class IdempotentJdbcSinkConnector extends SinkConnector {

    /** Added to each task's configuration: the task's number, used to name its JMX metrics. */
    static final String TASK_ID = "tidemark.task.id";

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        new SinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return IdempotentJdbcSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(TASK_ID, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return SinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        CrossFieldChecks.apply(connectorConfigs, config);
        return config;
    }

    /** Mistakes that only show in a combination of keys, or in the target itself. */
    static final class CrossFieldChecks {

        private CrossFieldChecks() {
        }

        static void apply(Map<String, String> props, Config config) {
            ConfigValue url = value(config, SinkConfig.ConfigName.CONNECTION_URL);
            if (url.errorMessages().isEmpty() && url.value() != null) {
                String jdbcUrl = (String) url.value();
                String problem = TargetDialects.forUrl(url.name(), jdbcUrl).setupProblem(jdbcUrl);
                if (problem != null) {
                    url.addErrorMessage(problem);
                }
            }
            ConfigValue format = value(config, SinkConfig.ConfigName.TABLE_NAME_FORMAT);
            ConfigValue watermark = value(config, SinkConfig.ConfigName.WATERMARK_TABLE);
            ConfigValue auditEvents = value(config, SinkConfig.ConfigName.AUDIT_EVENTS_TABLE);
            if (!format.errorMessages().isEmpty() || !watermark.errorMessages().isEmpty()
                    || !auditEvents.errorMessages().isEmpty()) {
                return;
            }
            if (TableId.parse((String) auditEvents.value()).equals(TableId.parse((String) watermark.value()))) {
                auditEvents.addErrorMessage("audit.events.table must name another table than watermark.table ("
                        + watermark.value() + ")");
            }
            TableNameFormat tables = TableNameFormat.parse((String) format.value());
            if (tables.hasPlaceholders()) {
                return;
            }
            if (tables.fixedTable().equals(TableId.parse((String) watermark.value()))) {
                format.addErrorMessage("table.name.format names the watermark table " + watermark.value()
                        + "; change events must not be written into it");
            }
            if (tables.fixedTable().equals(TableId.parse((String) auditEvents.value()))) {
                format.addErrorMessage("table.name.format names the audit events table " + auditEvents.value()
                        + "; change events must not be written into it");
            }
            String topics = props.getOrDefault("topics", "");
            boolean manyTopics = topics.split(",").length > 1 || !props.getOrDefault("topics.regex", "").isBlank();
            if (manyTopics) {
                format.addErrorMessage("table.name.format '" + format.value() + "' has no placeholder, so every topic "
                        + "would write into one table; use ${topic} or ${source.table}");
            }
        }

        private static ConfigValue value(Config config, String name) {
            return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
        }
    }
}
