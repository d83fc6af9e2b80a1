package io.tidemark.sink.dialect;

import org.apache.kafka.common.config.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The target dialects on the plugin's class path ({@code META-INF/services/...TargetDialect}). */
public final class TargetDialects {

    private TargetDialects() {
    }

    /** Every dialect, in the order the service files list them. */
    public static List<TargetDialect> all() {
        List<TargetDialect> dialects = new ArrayList<>();
        ServiceLoader.load(TargetDialect.class, TargetDialect.class.getClassLoader()).forEach(dialects::add);
        return dialects;
    }

    /**
     * The dialect that accepts {@code jdbcUrl}; a {@link ConfigException} listing the supported ones otherwise, or
     * giving the dialect's reason when it refuses the URL ({@link TargetDialect#refusal}).
     */
    public static TargetDialect forUrl(String configName, String jdbcUrl) {
        List<TargetDialect> dialects = all();
        for (TargetDialect dialect : dialects) {
            if (jdbcUrl != null && dialect.accepts(jdbcUrl)) {
                String refusal = dialect.refusal(jdbcUrl);
                if (refusal != null) {
                    throw new ConfigException(configName, maskPassword(jdbcUrl), refusal);
                }
                return dialect;
            }
        }
        List<String> supported = dialects.stream().map(d -> d.name() + " (" + d.exampleUrl() + ")").toList();
        throw new ConfigException(configName, jdbcUrl == null ? null : maskPassword(jdbcUrl),
                "no target database of this sink accepts this JDBC URL; supported: " + String.join(", ", supported));
    }

    /** {@code url} with any password parameter masked, for logs and messages. */
    public static String maskPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
