package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few Kafka Connect REST calls the launcher and the status view make. */
final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    ConnectRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Connector name to "STATE" or "STATE (task 0 FAILED)"; empty when the worker has none. */
    Map<String, String> connectorStates() throws IOException {
        JsonNode answer = get("/connectors?expand=status");
        Map<String, String> states = new LinkedHashMap<>();
        answer.properties().forEach(entry -> {
            JsonNode status = entry.getValue().path("status");
            String state = status.path("connector").path("state").asText("UNKNOWN");
            StringBuilder tasks = new StringBuilder();
            for (JsonNode task : status.path("tasks")) {
                String taskState = task.path("state").asText();
                if (!"RUNNING".equals(taskState)) {
                    tasks.append(tasks.length() == 0 ? " (" : ", ").append("task ").append(task.path("id").asInt())
                            .append(' ').append(taskState);
                }
            }
            if (status.path("tasks").isEmpty() && "RUNNING".equals(state)) {
                tasks.append(" (no task yet");
            }
            states.put(entry.getKey(), state + (tasks.length() == 0 ? "" : tasks + ")"));
        });
        return states;
    }

    /** The trace of the first failed task of {@code connector}, or null. */
    String failureTrace(String connector) throws IOException {
        JsonNode status = get("/connectors/" + connector + "/status");
        if (status.path("connector").has("trace")) {
            return status.path("connector").path("trace").asText();
        }
        for (JsonNode task : status.path("tasks")) {
            if (task.has("trace")) {
                return task.path("trace").asText();
            }
        }
        return null;
    }

    /**
     * The source offsets {@code connector} committed, one JSON object per source partition (KIP-875's
     * {@code GET /connectors/<name>/offsets}); empty before its first offset flush.
     */
    List<JsonNode> sourceOffsets(String connector) throws IOException {
        List<JsonNode> offsets = new ArrayList<>();
        get("/connectors/" + connector + "/offsets").path("offsets").forEach(o -> offsets.add(o.path("offset")));
        return offsets;
    }

    /** Error messages the worker reports for {@code key} when validating {@code config} against its plugin. */
    List<String> validationErrors(String connectorClass, Map<String, String> config, String key) throws IOException {
        String simpleName = connectorClass.substring(connectorClass.lastIndexOf('.') + 1);
        JsonNode answer = send("PUT", "/connector-plugins/" + simpleName + "/config/validate", JSON.writeValueAsString(config));
        List<String> errors = new ArrayList<>();
        for (JsonNode value : answer.path("configs")) {
            if (key.equals(value.path("value").path("name").asText())) {
                value.path("value").path("errors").forEach(e -> errors.add(e.asText()));
            }
        }
        return errors;
    }

    /** Deletes a connector: its tasks stop and its config goes; what it wrote and its consumer group stay. */
    void delete(String connector) throws IOException {
        send("DELETE", "/connectors/" + connector, null);
    }

    JsonNode get(String path) throws IOException {
        return send("GET", path, null);
    }

    private JsonNode send(String method, String path, String body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during " + method + " " + path, e);
        }
    }
}
