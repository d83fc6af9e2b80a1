package io.tidemark.outbox;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration reference is rendered from {@link OutboxRouterConfig#CONFIG_DEF}, so it
 * cannot drift from what the router accepts. After changing a key, regenerate it with
 * {@code mvn -pl outbox-smt test -Dtest=ReadmeConfigReferenceTest -Dreadme.update=true}.
 */
class ReadmeConfigReferenceTest {

    private static final Path README = Paths.get("README.md");
    private static final String START = "<!-- config-reference:start (generated from CONFIG_DEF by ReadmeConfigReferenceTest) -->";
    private static final String END = "<!-- config-reference:end -->";

    @Test
    void readmeDocumentsEveryKeyAsDefined() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertThat(start).as("README marker %s", START).isNotNegative();
        assertThat(end).as("README marker %s", END).isGreaterThan(start);

        String generated = START + "\n" + OutboxEventRouter.OVERVIEW_DOC + "\n" + reference(OutboxEventRouter.CONFIG_DEF) + END;
        if (Boolean.getBoolean("readme.update")) {
            Files.writeString(README, readme.substring(0, start) + generated + readme.substring(end + END.length()),
                    StandardCharsets.UTF_8);
            return;
        }
        assertThat(readme.substring(start, end + END.length()))
                .as("README config reference; regenerate with -Dtest=ReadmeConfigReferenceTest -Dreadme.update=true")
                .isEqualTo(generated);
    }

    static String reference(ConfigDef definition) {
        StringBuilder out = new StringBuilder();
        for (String group : definition.groups()) {
            List<ConfigDef.ConfigKey> keys = definition.configKeys().values().stream()
                    .filter(k -> group.equals(k.group))
                    .sorted((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup))
                    .collect(Collectors.toList());
            out.append("\n#### ").append(group).append("\n\n")
                    .append("| Key | Default | Valid values | Description |\n")
                    .append("|---|---|---|---|\n");
            for (ConfigDef.ConfigKey key : keys) {
                out.append("| `").append(key.name).append("` | ")
                        .append(defaultOf(key)).append(" | ")
                        .append(cell(key.validator == null ? anyOf(key.type) : key.validator.toString())).append(" | ")
                        .append(cell(key.documentation)).append(" |\n");
            }
        }
        return out.append('\n').toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (key.defaultValue == null) {
            return "unset";
        }
        String value = key.defaultValue instanceof List<?> list
                ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                : String.valueOf(key.defaultValue);
        return value.isEmpty() ? "\"\"" : "`" + value + "`";
    }

    private static String anyOf(ConfigDef.Type type) {
        return type == ConfigDef.Type.BOOLEAN ? "true, false" : "any " + type.name().toLowerCase();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
