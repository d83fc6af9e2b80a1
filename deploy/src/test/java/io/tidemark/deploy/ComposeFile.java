package io.tidemark.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The top-level docker-compose.yml, read as data, for tests that check it and run its images. */
record ComposeFile(Path projectDir, JsonNode root) {

    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");

    /** A bind mount: a path of this project and where the container sees it. */
    record Mount(Path hostPath, String containerPath, boolean readOnly) {
    }

    static ComposeFile load(Path projectDir) throws IOException {
        return new ComposeFile(projectDir, new ObjectMapper(new YAMLFactory())
                .readTree(projectDir.resolve("docker-compose.yml").toFile()));
    }

    List<String> services() {
        List<String> names = new ArrayList<>();
        root.path("services").fieldNames().forEachRemaining(names::add);
        return names;
    }

    JsonNode service(String name) {
        JsonNode service = root.path("services").path(name);
        if (service.isMissingNode()) {
            throw new IllegalArgumentException("docker-compose.yml has no service " + name);
        }
        return service;
    }

    String image(String service) {
        return service(service).path("image").asText();
    }

    Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        service(service).path("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    List<String> command(String service) {
        List<String> command = new ArrayList<>();
        service(service).path("command").forEach(part -> command.add(part.asText()));
        return command;
    }

    List<Mount> mounts(String service) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode volume : service(service).path("volumes")) {
            String[] parts = volume.asText().split(":");
            mounts.add(new Mount(projectDir.resolve(parts[0]).normalize(), parts[1], parts.length > 2 && parts[2].equals("ro")));
        }
        return mounts;
    }

    /** Host port published for {@code containerPort} of {@code service}. */
    int hostPort(String service, int containerPort) {
        for (JsonNode port : service(service).path("ports")) {
            String[] parts = port.asText().split(":");
            if (Integer.parseInt(parts[1]) == containerPort) {
                return Integer.parseInt(parts[0]);
            }
        }
        throw new IllegalArgumentException(service + " publishes no port for " + containerPort);
    }

    /** The UPPER_CASE ${VAR} placeholders of every connector JSON, which register.sh fills from its environment. */
    static Set<String> connectorPlaceholders(Path connectorsDir) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (var files = Files.list(connectorsDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                Matcher m = ENV_PLACEHOLDER.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
