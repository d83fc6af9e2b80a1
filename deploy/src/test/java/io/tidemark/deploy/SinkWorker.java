package io.tidemark.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static io.tidemark.deploy.StackQueries.awaitTrue;

/**
 * The stack's two sinks, moved off the stack's worker into a Connect cluster of their own on the same broker (its own
 * group, storage topics and REST port), so that a test chooses how their worker JVM starts: a smaller heap, a Java
 * agent, another {@code plugin.path}.
 */
final class SinkWorker {

    private static final String GROUP = KafkaServices.CONNECT_GROUP + "-sinks";

    private final StackSettings settings;
    private final JavaService service;
    private StackSettings cluster;

    /** A sink worker beside the running stack of {@code settings}, not started yet; {@link #stop()} also ends a failed start. */
    SinkWorker(StackSettings settings) {
        this.settings = settings;
        this.service = new JavaService("connect-sinks", "org.apache.kafka.connect.cli.ConnectDistributed", settings);
    }

    /** Deletes both sinks from the stack's worker, starts this worker and registers them here; returns once they run. */
    void start(Path pluginPath, List<String> jvmOptions) throws IOException {
        ConnectRest stackWorker = new ConnectRest(settings.connectUrl());
        stackWorker.delete(StackSettings.MERGE_SINK);
        stackWorker.delete(StackSettings.APPEND_SINK);

        int port = Ports.ephemeral();
        KafkaServices kafka = new KafkaServices(settings);
        Properties properties = kafka.workerProperties();
        properties.setProperty("group.id", GROUP);
        properties.setProperty("config.storage.topic", GROUP + "-configs");
        properties.setProperty("offset.storage.topic", GROUP + "-offsets");
        properties.setProperty("status.storage.topic", GROUP + "-status");
        properties.setProperty("listeners", "http://127.0.0.1:" + port);
        properties.setProperty("rest.advertised.port", Integer.toString(port));
        properties.setProperty("plugin.path", pluginPath.toString());
        kafka.startWorker(service, properties, jvmOptions, Duration.ofSeconds(120));

        StackSettings sinkCluster = settings.withConnectPort(port);
        cluster = sinkCluster;
        new LocalStack(sinkCluster, System.out).register(List.of(StackSettings.MERGE_SINK, StackSettings.APPEND_SINK))
                .forEach(System.out::println);
        awaitTrue("both sinks RUNNING in the sink worker", Duration.ofSeconds(90), () -> {
            try {
                Map<String, String> states = new ConnectRest(sinkCluster.connectUrl()).connectorStates();
                return "RUNNING".equals(states.get(StackSettings.MERGE_SINK)) && "RUNNING".equals(states.get(StackSettings.APPEND_SINK));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The stack reached through this worker's REST API, once started. */
    StackSettings cluster() {
        return cluster;
    }

    JavaService service() {
        return service;
    }

    void stop() {
        service.stop(Duration.ofSeconds(60));
    }
}
