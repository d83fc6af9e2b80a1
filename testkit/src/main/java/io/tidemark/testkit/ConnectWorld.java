package io.tidemark.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A real Kafka broker and a real distributed Connect worker in this JVM. Connectors are
 * registered the way users do it: an HTTP POST of connector JSON to the REST API.
 */
public final class ConnectWorld implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedConnectCluster cluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ConnectWorld(EmbeddedConnectCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts one broker and {@code workers} Connect workers with JSON converters (schemas on) as defaults. */
    public static ConnectWorld start(String name, int workers) {
        return start(name, workers, Map.of());
    }

    /** As {@link #start(String, int)}, with extra worker properties that override the defaults. */
    public static ConnectWorld start(String name, int workers, Map<String, String> extraWorkerProps) {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        workerProps.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        workerProps.put("key.converter.schemas.enable", "true");
        workerProps.put("value.converter.schemas.enable", "true");
        workerProps.put("offset.flush.interval.ms", "1000");
        workerProps.put("connector.client.config.override.policy", "All");
        workerProps.putAll(extraWorkerProps);
        Properties brokerProps = new Properties();
        brokerProps.put("auto.create.topics.enable", "false");
        brokerProps.put("group.initial.rebalance.delay.ms", "0");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProps)
                .brokerProps(brokerProps)
                .build();
        cluster.start();
        return new ConnectWorld(cluster);
    }

    public EmbeddedConnectCluster cluster() {
        return cluster;
    }

    public String bootstrapServers() {
        return cluster.kafka().bootstrapServers();
    }

    /** POST /connectors with {"name": ..., "config": {...}}, as a user would; fails on any non-2xx answer. */
    public void postConnector(String name, Map<String, String> config) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("config", config);
        HttpResponse<String> response = send("POST", cluster.endpointForResource("connectors"), body);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST /connectors for " + name + " answered " + response.statusCode()
                    + ": " + response.body());
        }
    }

    /** PUT /connector-plugins/{class}/config/validate; returns the parsed answer. */
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        String simpleName = connectorClass.substring(connectorClass.lastIndexOf('.') + 1);
        HttpResponse<String> response = send("PUT",
                cluster.endpointForResource("connector-plugins/" + simpleName + "/config/validate"), config);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("unreadable validate answer: " + response.body(), e);
        }
    }

    public void deleteConnector(String name) {
        cluster.deleteConnector(name);
    }

    /** Waits until the connector and {@code tasks} tasks report RUNNING. */
    public void awaitRunning(String name, int tasks) {
        Await.until("connector " + name + " and " + tasks + " task(s) RUNNING", Duration.ofSeconds(60), () -> {
            var status = cluster.connectorStatus(name);
            return status != null && "RUNNING".equals(status.connector().state())
                    && status.tasks().size() >= tasks
                    && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
        });
    }

    /** The state and trace of the connector's tasks, for failure messages. */
    public String describe(String name) {
        var status = cluster.connectorStatus(name);
        StringBuilder out = new StringBuilder(name).append(": ").append(status.connector().state());
        status.tasks().forEach(t -> out.append("; task ").append(t.id()).append(' ').append(t.state())
                .append(t.trace() == null ? "" : " " + t.trace()));
        return out.toString();
    }

    private HttpResponse<String> send(String method, String url, Object body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + url, e);
        }
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
