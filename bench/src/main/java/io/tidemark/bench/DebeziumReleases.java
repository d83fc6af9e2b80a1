package io.tidemark.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The Debezium releases the benchmark runs, as the build filled them in: the PostgreSQL connector whose events it
 * encodes and that the latency benchmark runs, and the JDBC sink it compares with, loaded from its plugin archive.
 */
final class DebeziumReleases {

    private static final Properties RELEASES = load();

    /** As a Debezium source block's {@code version} reads, e.g. {@code 3.6.1.Final}. */
    static final String SOURCE = RELEASES.getProperty("source.version");
    static final String JDBC_SINK = RELEASES.getProperty("jdbc.sink.version");

    private DebeziumReleases() {
    }

    /**
     * The folder bench/run unpacks the JDBC sink's plugin archive into: the workers' {@code plugin.path}, so the
     * sink runs isolated from the Debezium classes on the benchmark's own classpath, as in a user's worker.
     */
    static String jdbcSinkPluginPath() {
        String path = System.getProperty("debezium.jdbc.plugins");
        if (path == null) {
            throw new IllegalStateException("debezium.jdbc.plugins is not set: run the benchmark with bench/run, which"
                    + " unpacks Debezium's JDBC sink " + JDBC_SINK + " there");
        }
        return path;
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
