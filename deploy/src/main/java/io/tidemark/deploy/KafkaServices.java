package io.tidemark.deploy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The stack's KRaft Kafka broker (combined broker and controller) and its distributed Connect worker, each a
 * JVM on the Maven-resolved Kafka classpath. The worker's classpath holds no plugin: Debezium and Tidemark are
 * loaded from {@code plugin.path}, in isolation, as users run them.
 */
final class KafkaServices {

    static final String CONNECT_GROUP = "tidemark-local";
    private static final List<String> SERVER_JVM = List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
            "-Djava.awt.headless=true");

    private final StackSettings stack;
    private final JavaService broker;
    private final JavaService worker;

    KafkaServices(StackSettings stack) {
        this.stack = stack;
        this.broker = new JavaService("kafka", "kafka.Kafka", stack);
        this.worker = new JavaService("connect", "org.apache.kafka.connect.cli.ConnectDistributed", stack);
    }

    JavaService broker() {
        return broker;
    }

    JavaService worker() {
        return worker;
    }

    /** Formats the log directory on first use, starts the broker and waits until it answers. */
    void startBroker(Duration timeout) {
        Path config = stack.home().resolve("kafka/server.properties");
        Path dataDir = stack.home().resolve("kafka/data");
        writeProperties(config, brokerProperties(dataDir));
        String classpath = workerClasspath();
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            runToCompletion(classpath, "kafka.tools.StorageTool",
                    List.of("format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
        }
        Process process = broker.start(classpath, jvmOptions(broker), List.of(config.toString()));
        awaitReady(broker, process, timeout, this::brokerAnswers);
    }

    /** Starts the distributed worker and waits until its REST API answers. */
    void startWorker(Duration timeout) {
        startWorker(worker, workerProperties(), List.of(), timeout);
    }

    /**
     * Starts a distributed worker of the given properties (say, a second Connect cluster on the same broker, with
     * its own group, storage topics and REST port) and waits until its REST API answers. {@code extraJvmOptions}
     * come after the stack's own, so they win (a smaller {@code -Xmx}, for one).
     */
    void startWorker(JavaService service, Properties properties, List<String> extraJvmOptions, Duration timeout) {
        startWorker(service, workerClasspath(), properties, extraJvmOptions, timeout);
    }

    /**
     * Starts a distributed worker as above on another Connect runtime's {@code classpath} (a Connect release older or
     * newer than the build's, say), the broker staying the stack's.
     */
    void startWorker(JavaService service, String classpath, Properties properties, List<String> extraJvmOptions,
                     Duration timeout) {
        Path config = stack.home().resolve(service.name() + "/worker.properties");
        writeProperties(config, properties);
        List<String> options = new ArrayList<>(jvmOptions(service));
        options.addAll(extraJvmOptions);
        Process process = service.start(classpath, options, List.of(config.toString()));
        URI connectors = URI.create("http://127.0.0.1:" + properties.getProperty("rest.advertised.port") + "/connectors");
        awaitReady(service, process, timeout, () -> answers(connectors));
    }

    Properties brokerProperties(Path dataDir) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + stack.controllerPort());
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + stack.kafkaPort() + ",CONTROLLER://127.0.0.1:" + stack.controllerPort());
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + stack.kafkaPort());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose: Connect's own, and Debezium's through topic.creation.default.*.
        p.setProperty("auto.create.topics.enable", "false");
        return p;
    }

    Properties workerProperties() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", stack.bootstrapServers());
        p.setProperty("group.id", CONNECT_GROUP);
        p.setProperty("config.storage.topic", "tidemark-connect-configs");
        p.setProperty("offset.storage.topic", "tidemark-connect-offsets");
        p.setProperty("status.storage.topic", "tidemark-connect-status");
        p.setProperty("config.storage.replication.factor", "1");
        p.setProperty("offset.storage.replication.factor", "1");
        p.setProperty("status.storage.replication.factor", "1");
        p.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("key.converter.schemas.enable", "true");
        p.setProperty("value.converter.schemas.enable", "true");
        p.setProperty("listeners", "http://127.0.0.1:" + stack.connectPort());
        p.setProperty("rest.advertised.host.name", "127.0.0.1");
        p.setProperty("rest.advertised.port", Integer.toString(stack.connectPort()));
        p.setProperty("plugin.path", stack.pluginPath().toString());
        // Every plugin here declares itself in META-INF/services (KIP-898), so no classpath scan is needed.
        p.setProperty("plugin.discovery", "service_load");
        // Source offsets are flushed often, so a crash re-publishes seconds of changes, not a minute.
        p.setProperty("offset.flush.interval.ms", "5000");
        p.setProperty("connector.client.config.override.policy", "All");
        // A sink task's consumer on a worker that died holds its partitions until its session expires: 10 s
        // instead of the consumer's 45 s default, so a restarted or surviving worker takes over sooner.
        p.setProperty("consumer.session.timeout.ms", "10000");
        p.setProperty("consumer.heartbeat.interval.ms", "3000");
        return p;
    }

    boolean brokerAnswers() {
        if (!Ports.accepts(stack.kafkaPort())) {
            return false;
        }
        try (Admin admin = admin(stack.bootstrapServers())) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean answers(URI connectors) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(connectors).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    private List<String> jvmOptions(JavaService service) {
        Path log4j = stack.home().resolve("conf/service-log4j2.properties");
        try (InputStream in = KafkaServices.class.getResourceAsStream("service-log4j2.properties")) {
            Files.createDirectories(log4j.getParent());
            // Written aside and moved into place: servers started at the same time each write it, and a JVM starting
            // meanwhile must never read half a file.
            Path written = Files.createTempFile(log4j.getParent(), "service-log4j2", ".properties");
            Files.copy(in, written, StandardCopyOption.REPLACE_EXISTING);
            Files.move(written, log4j, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StackException("could not write " + log4j + ": " + e.getMessage(), e);
        }
        List<String> options = new ArrayList<>(SERVER_JVM);
        options.add("-Dlog4j2.configurationFile=" + log4j);
        options.add("-Dtidemark.log=" + service.logFile());
        options.add("-Xlog:gc:file=" + service.gcLogFile() + ":uptime:filecount=2,filesize=10m");
        return options;
    }

    private String workerClasspath() {
        Path file = stack.workerClasspathFile();
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new StackException("missing " + file + ": build the deploy module first (mvn -pl deploy -am package"
                    + " -DskipTests, which ./tidemark does for you)", e);
        }
    }

    private void runToCompletion(String classpath, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(OperatingSystem.javaExecutable(), "-Xmx256m", "-cp", classpath, mainClass));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new StackException(mainClass + " " + String.join(" ", args) + " failed:\n"
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new StackException("could not run " + mainClass + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running " + mainClass, e);
        }
    }

    private static void awaitReady(JavaService service, Process process, Duration timeout,
                                   BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new StackException(service.name() + " exited with code " + process.exitValue() + " while starting;"
                        + " last lines of " + service.logFile() + ":\n" + service.logTail(30));
            }
            if (System.nanoTime() > deadline) {
                throw new StackException(service.name() + " did not answer within " + timeout.toSeconds() + " s;"
                        + " last lines of " + service.logFile() + ":\n" + service.logTail(30));
            }
            sleep(Duration.ofMillis(250));
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }

    private static void writeProperties(Path file, Properties properties) {
        try {
            Files.createDirectories(file.getParent());
            StringBuilder out = new StringBuilder("# Written by the Tidemark launcher on every start; edit KafkaServices instead.\n");
            properties.stringPropertyNames().stream().sorted()
                    .forEach(key -> out.append(key).append('=').append(properties.getProperty(key)).append('\n'));
            Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StackException("could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
