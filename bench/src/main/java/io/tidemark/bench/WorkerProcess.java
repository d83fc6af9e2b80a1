package io.tidemark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Connect worker in a JVM of its own, holding nothing but the sink under test, with a capped
 * heap ({@code -Xmx}) and a GC log. Its heap after each collection is the task's plus the worker's own
 * small footprint, with no broker in it, and finishing at all shows that the cap is enough.
 */
final class WorkerProcess implements SinkWorker, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final String url;
    private final Path gcLog;
    private final Path log;
    private final String bootstrapServers;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private WorkerProcess(Process process, String url, Path gcLog, Path log, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.url = url;
        this.gcLog = gcLog;
        this.log = log;
    }

    /**
     * Starts the worker on this JVM's classpath against {@code bootstrapServers}; {@code maxHeap} as for {@code -Xmx},
     * {@code workerConfig} added to the worker's properties.
     */
    static WorkerProcess start(String bootstrapServers, String maxHeap, Path directory, Map<String, String> workerConfig)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path gcLog = directory.resolve("worker-gc.log");
        Path log = directory.resolve("worker.log");
        Files.deleteIfExists(gcLog);
        Path offsets = directory.resolve("worker.offsets");
        Files.deleteIfExists(offsets);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("offset.storage.file.filename", offsets.toString());
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("offset.flush.interval.ms", "1000");
        props.put("connector.client.config.override.policy", "All");
        props.put("plugin.discovery", "hybrid_warn");
        props.putAll(workerConfig);
        Path workerProperties = directory.resolve("worker.properties");
        StringBuilder text = new StringBuilder();
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(workerProperties, text);

        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+UseG1GC", "-Xlog:gc:file=" + gcLog,
                "-Dlog4j2.configurationFile=bench-log4j2.xml", "-Dbench.log=" + log,
                "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.connect.cli.ConnectStandalone", workerProperties.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("worker.out").toFile()).start();
        WorkerProcess worker = new WorkerProcess(process, "http://127.0.0.1:" + port, gcLog, log, bootstrapServers);
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (worker.answers()) {
                return worker;
            }
            Thread.sleep(250);
        }
        worker.close();
        throw new IllegalStateException("the sink worker process did not start; see " + log + " and "
                + directory.resolve("worker.out"));
    }

    private boolean answers() {
        try {
            return send("GET", "/", null).statusCode() == 200;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public void postConnector(String name, Map<String, String> config) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("config", config);
        HttpResponse<String> response = send("POST", "/connectors", body);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST /connectors for " + name + " answered " + response.statusCode()
                    + ": " + response.body());
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void deleteConnector(String name) {
        HttpResponse<String> response = send("DELETE", "/connectors/" + name, null);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("DELETE /connectors/" + name + " answered " + response.statusCode()
                    + ": " + response.body());
        }
    }

    @Override
    public String failure(String name) {
        if (!process.isAlive()) {
            return "the sink worker process exited with status " + process.exitValue() + "; see " + log;
        }
        HttpResponse<String> response = send("GET", "/connectors/" + name + "/status", null);
        if (response.statusCode() == 404) {
            return null;
        }
        JsonNode status;
        try {
            status = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("unreadable status of " + name + ": " + response.body(), e);
        }
        boolean failed = "FAILED".equals(status.path("connector").path("state").asText());
        for (JsonNode task : status.path("tasks")) {
            failed |= "FAILED".equals(task.path("state").asText());
        }
        return failed ? status.toString() : null;
    }

    /** The worker JVM's CPU is the sink's; the benchmark's JVM, which holds the broker, is the broker's. */
    @Override
    public CpuMeter measureCpu() {
        long sinkStart = ProcCpu.processTicks(process.pid());
        long brokerStart = ProcCpu.thisProcessTicks();
        return what -> new CpuUse(ProcCpu.processTicks(process.pid()) - sinkStart, CpuUse.NOT_MEASURED,
                ProcCpu.thisProcessTicks() - brokerStart, CpuUse.NOT_MEASURED);
    }

    /** Peak heap after GC from the worker's GC log, over the lines written while measuring. */
    @Override
    public HeapMeter measureHeap() {
        long from = gcLogLength();
        return () -> GcLog.peakAfterGcMegabytes(gcLogLinesFrom(from));
    }

    private long gcLogLength() {
        try {
            return Files.exists(gcLog) ? Files.size(gcLog) : 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + gcLog, e);
        }
    }

    private List<String> gcLogLinesFrom(long offset) throws IOException {
        if (!Files.exists(gcLog)) {
            return List.of();
        }
        try (RandomAccessFile file = new RandomAccessFile(gcLog.toFile(), "r")) {
            byte[] tail = new byte[(int) (file.length() - offset)];
            file.seek(offset);
            file.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8).lines().toList();
        }
    }

    private HttpResponse<String> send(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").method(method, publisher).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + url + path, e);
        }
    }

    /** Stops the worker as an operator would (SIGTERM: Connect shuts down in order), forcibly after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
