package io.tidemark.sink;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's sink configuration table is generated from {@link SinkConfig#CONFIG_DEF}; this test fails
 * when they drift apart. {@code -Ddocs.update=true} rewrites the README section.
 */
class SinkConfigDocsTest {

    private static final String BEGIN = "<!-- sink-config:begin";
    private static final String END = "<!-- sink-config:end -->";

    static String render() {
        StringBuilder out = new StringBuilder();
        String group = null;
        List<String> groups = SinkConfig.CONFIG_DEF.groups();
        List<ConfigDef.ConfigKey> keys = SinkConfig.CONFIG_DEF.configKeys().values().stream()
                .sorted(Comparator.comparingInt((ConfigDef.ConfigKey k) -> groups.indexOf(k.group))
                        .thenComparingInt(k -> k.orderInGroup))
                .toList();
        for (ConfigDef.ConfigKey key : keys) {
            if (!key.group.equals(group)) {
                group = key.group;
                out.append("\n**").append(group).append("**\n\n")
                        .append("| key | type | default | valid values | description |\n")
                        .append("|---|---|---|---|---|\n");
            }
            out.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase())
                    .append(" | ").append(defaultOf(key))
                    .append(" | ").append(key.validator == null ? "" : escape(key.validator.toString()))
                    .append(" | ").append(escape(key.documentation)).append(" |\n");
        }
        return out.append('\n').toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
            return "required";
        }
        if (key.defaultValue == null) {
            return "";
        }
        Object value = key.defaultValue instanceof Password ? "" : key.defaultValue;
        return "`" + value + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    @Test
    void readmeDocumentsEverySinkKeyExactlyAsTheConfigDefines() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf('\n', text.indexOf(BEGIN)) + 1;
        int end = text.indexOf(END);
        assertThat(begin).as("README has the sink-config markers").isPositive();
        String current = text.substring(begin, end);
        String generated = render();
        if (Boolean.getBoolean("docs.update")) {
            Files.writeString(readme, text.substring(0, begin) + generated + text.substring(end), StandardCharsets.UTF_8);
            return;
        }
        assertThat(current).as("README sink configuration section; regenerate with -Ddocs.update=true").isEqualTo(generated);
    }
}
