package io.tidemark.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin version, filtered into a resource by the build, as Connect's plugin listing shows it. */
final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/tidemark-outbox-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
