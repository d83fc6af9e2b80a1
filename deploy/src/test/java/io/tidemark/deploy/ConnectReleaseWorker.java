package io.tidemark.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A distributed Connect worker of one Kafka Connect release, run on that release's own runtime classpath (resolved by
 * deploy/connect-runtimes) beside the stack's broker, as a Connect cluster of its own (group, storage topics, REST
 * port). Its {@code plugin.path} lists folders that hold plugin folders, as a user's does.
 */
final class ConnectReleaseWorker {

    private final StackSettings settings;
    private final String role;
    private final String version;
    private final Path classpathFile;
    private final List<Path> pluginPath;
    private final JavaService service;
    private final int port = Ports.ephemeral();

    /**
     * @param role          what this release is to the claimed range ({@code oldest}, {@code build}, {@code newest}):
     *                      names the worker's process, log and Connect cluster
     * @param classpathFile the runtime classpath of the release, one line
     */
    ConnectReleaseWorker(StackSettings settings, String role, String version, Path classpathFile, List<Path> pluginPath) {
        this.settings = settings;
        this.role = role;
        this.version = version;
        this.classpathFile = classpathFile;
        this.pluginPath = List.copyOf(pluginPath);
        this.service = new JavaService("connect-" + role, "org.apache.kafka.connect.cli.ConnectDistributed", settings);
    }

    void start() {
        KafkaServices kafka = new KafkaServices(settings);
        Properties properties = kafka.workerProperties();
        String group = KafkaServices.CONNECT_GROUP + "-" + role;
        properties.setProperty("group.id", group);
        properties.setProperty("config.storage.topic", group + "-configs");
        properties.setProperty("offset.storage.topic", group + "-offsets");
        properties.setProperty("status.storage.topic", group + "-status");
        properties.setProperty("listeners", "http://127.0.0.1:" + port);
        properties.setProperty("rest.advertised.port", Integer.toString(port));
        properties.setProperty("plugin.path", pluginPath.stream().map(Path::toString).collect(Collectors.joining(",")));
        kafka.startWorker(service, classpath(), properties, List.of(), Duration.ofSeconds(120));
    }

    String version() {
        return version;
    }

    /** The stack's servers, reached through this worker's REST API. */
    StackSettings cluster() {
        return settings.withConnectPort(port);
    }

    ConnectRest rest() {
        return new ConnectRest(cluster().connectUrl());
    }

    JavaService service() {
        return service;
    }

    void stop() {
        service.stop(Duration.ofSeconds(60));
    }

    private String classpath() {
        try {
            return Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("no classpath of Connect " + version + " at " + classpathFile
                    + ": mvn verify builds it (deploy/connect-runtimes)", e);
        }
    }

    /**
     * The version of each Jackson jar ({@code jackson-core-2.16.2.jar}) on the classpath: one Jackson release, the one
     * this Connect release declares, unless the build's pin of jackson-core got in (the root pom's
     * {@code connect.*.jackson.version} names each release's own).
     */
    Set<String> jacksonVersions() {
        return Arrays.stream(classpath().split(File.pathSeparator)).map(jar -> Path.of(jar).getFileName().toString())
                .filter(jar -> jar.matches("jackson-(core|databind)-.*\\.jar"))
                .map(jar -> jar.replaceFirst("^jackson-(core|databind)-(.*)\\.jar$", "$2"))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
