package io.tidemark.sink;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sink's packages depend on each other one way only, read from the sources: a cycle (say {@code writer}
 * importing the sink's config while the sink imports {@code writer}) fails here, naming the packages in it. The
 * JSON converter is not part of the sink core and uses nothing of it but the plugin version.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final String ROOT = "io.tidemark.sink";
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.tidemark\\.sink((?:\\.[a-z]+)*)\\.[A-Z]");

    /** Per package, the other packages of the sink its sources name. */
    private static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                if (!pkg.startsWith(ROOT)) {
                    continue;
                }
                Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String used = ROOT + m.group(1);
                    if (!used.equals(pkg)) {
                        uses.add(used);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    @Test
    void noPackageOfTheSinkDependsOnItselfThroughAnother() {
        Map<String, Set<String>> graph = dependencies();
        assertThat(graph).containsKeys(ROOT, ROOT + ".writer", ROOT + ".event", ROOT + ".position");
        List<List<String>> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> cycle = pathBack(graph, start, start, new ArrayList<>(List.of(start)), new TreeSet<>());
            if (cycle != null) {
                cycles.add(cycle);
            }
        }
        assertThat(cycles).as("package cycles in %s", graph).isEmpty();
    }

    /** A path from {@code at} back to {@code start}, or null. */
    private static List<String> pathBack(Map<String, Set<String>> graph, String start, String at, List<String> path,
                                         Set<String> visited) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (visited.add(next)) {
                path.add(next);
                List<String> found = pathBack(graph, start, next, path, visited);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    @Test
    void theJsonConverterUsesNothingOfTheSinkButThePluginVersion() {
        assertThat(dependencies().get(ROOT + ".json")).containsOnly(ROOT + ".version");
    }
}
