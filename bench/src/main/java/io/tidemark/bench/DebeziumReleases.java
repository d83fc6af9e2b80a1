package io.tidemark.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Paths;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The Debezium releases the benchmark runs, as the build filled them in: the PostgreSQL connector whose events it
 * encodes and that the latency benchmark runs, and the JDBC sink releases it compares with, each loaded from its plugin
 * archive.
 */
final class DebeziumReleases {

    private static final Properties RELEASES = load();

    /** As a Debezium source block's {@code version} reads, e.g. {@code 3.6.1.Final}. */
    static final String SOURCE = RELEASES.getProperty("source.version");
    /** The JDBC sink releases bench/run unpacks, newest first, e.g. {@code 3.6.0.Final}. */
    static final List<String> JDBC_SINKS = List.of(RELEASES.getProperty("jdbc.sink.versions").split(","));

    private DebeziumReleases() {
    }

    /**
     * The workers' {@code plugin.path}: the folder bench/run unpacks each JDBC sink release's plugin archive into, one
     * per release (two releases of one plugin in one folder would make one class loader hold both), so each sink runs
     * isolated from the Debezium classes on the benchmark's own classpath, as in a user's worker. A connector picks
     * its release with {@code connector.plugin.version}.
     */
    static String jdbcSinkPluginPath() {
        String path = System.getProperty("debezium.jdbc.plugins");
        if (path == null) {
            throw new IllegalStateException("debezium.jdbc.plugins is not set: run the benchmark with bench/run, which"
                    + " unpacks Debezium's JDBC sink " + String.join(", ", JDBC_SINKS) + " there");
        }
        return JDBC_SINKS.stream().map(release -> Paths.get(path, release).toString()).collect(Collectors.joining(","));
    }

    /** The JDBC sink release whose short name is {@code shortName} ({@code 3.5.0} for {@code 3.5.0.Final}). */
    static String jdbcSink(String shortName) {
        return JDBC_SINKS.stream().filter(release -> shortName(release).equals(shortName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Debezium JDBC sink release " + shortName
                        + "; bench/run unpacks " + JDBC_SINKS.stream().map(DebeziumReleases::shortName)
                        .collect(Collectors.joining(", "))));
    }

    /** {@code 3.6.1.Final} as {@code 3.6.1}. */
    static String shortName(String release) {
        return release.endsWith(".Final") ? release.substring(0, release.length() - ".Final".length()) : release;
    }

    private static Properties load() {
        try (InputStream in = DebeziumReleases.class.getResourceAsStream("/bench-debezium.properties")) {
            if (in == null) {
                throw new IllegalStateException("bench-debezium.properties is missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
