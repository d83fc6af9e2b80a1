package io.tidemark.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry (in-memory storage) run from its official distribution as a child
 * process; it serves the Confluent-compatible API that Avro converters in Confluent wire format use.
 * The distribution is unpacked by the build of each module that runs registry tests
 * ({@code apicurio.home}). {@link #start()} returns empty when the distribution is absent or the registry does not
 * come up, so tests can skip instead of failing on a machine that cannot run it.
 */
public final class SchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SchemaRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Optional<SchemaRegistry> start() throws IOException, InterruptedException {
        Path home = Paths.get(System.getProperty("apicurio.home", "target/apicurio-registry"));
        Optional<Path> runner = findRunnerJar(home);
        if (runner.isEmpty()) {
            return Optional.empty();
        }
        int port = freePort();
        Path log = logFile().toPath();
        // bench/run starts from the project root, which has no target/ of its own.
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-jar", runner.get().toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        SchemaRegistry registry = new SchemaRegistry(process, port);
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (registry.answers()) {
                return Optional.of(registry);
            }
            Thread.sleep(250);
        }
        registry.close();
        return Optional.empty();
    }

    private static Optional<Path> findRunnerJar(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(home, 2)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private boolean answers() {
        try {
            return get("/apis/ccompat/v7/subjects").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The native API URL the Apicurio converter talks to. */
    public String registryUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    /** How many schema versions the registry holds for a subject (0 when it does not exist). */
    public int versionCount(String subject) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/apis/ccompat/v7/subjects/"
                + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions");
        if (response.statusCode() == 404) {
            return 0;
        }
        JsonNode versions = JSON.readTree(response.body());
        return versions.size();
    }

    /** Sets the registry-wide compatibility rule through the Confluent-compatible API. */
    public void requireCompatibility(String level) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/apis/ccompat/v7/config"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("setting compatibility " + level + " answered " + response.statusCode()
                    + ": " + response.body());
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static File logFile() {
        return Paths.get("target", "apicurio-registry.log").toFile();
    }
}
