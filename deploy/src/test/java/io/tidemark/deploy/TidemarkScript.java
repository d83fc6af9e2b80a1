package io.tidemark.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tidemark.deploy.StackQueries.awaitTrue;

/** The {@code ./tidemark} script as a user runs it, in the environment of one IT's stack. */
final class TidemarkScript {

    private static final Path LAUNCHER = StackQueries.DEPLOY.getParent().resolve("tidemark");

    private final Map<String, String> env;

    TidemarkScript(Map<String, String> env) {
        this.env = env;
    }

    /** The script with {@code args}, not started yet: for a command that keeps running, such as {@code run}. */
    ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        return builder;
    }

    /** Runs the script with {@code args} to its end; fails if it takes longer than {@code timeout}. */
    Result run(Duration timeout, String... args) throws Exception {
        Process process = launcher(args).start();
        OutputWatch watch = new OutputWatch(process);
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
            throw new AssertionError("./tidemark " + String.join(" ", args) + " did not finish in " + timeout.toSeconds()
                    + " s:\n" + watch.text());
        }
        watch.reader.join(5000);
        return new Result(process.exitValue(), watch.text());
    }

    record Result(int exitCode, String output) {
    }

    /** Collects a process's output as it comes, so a test can wait for a line while the process runs on. */
    static final class OutputWatch {
        private final StringBuffer text = new StringBuffer();
        private final Thread reader;

        OutputWatch(Process process) {
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        text.append(line).append('\n');
                    }
                } catch (IOException ignored) {
                    // The process ended; what was read is kept.
                }
            }, "launcher-output");
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            return text.toString();
        }

        void await(String fragment, Duration timeout) {
            awaitTrue("'" + fragment + "' in the launcher output:\n" + text(), timeout, () -> text().contains(fragment));
        }
    }
}
