package io.tidemark.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The few facts about the machine the stack depends on. */
final class OperatingSystem {

    private OperatingSystem() {
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static boolean hasCommand(String name) {
        return findCommand(name).isPresent();
    }

    /**
     * The executable {@code name} on the PATH, or else in /usr/sbin: Debian installs servers such as mariadbd there,
     * and a normal user's PATH often leaves it out.
     */
    static Optional<Path> findCommand(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.add("/usr/sbin");
        return dirs.stream().filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name)).filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Starts {@code command} with its output appended to {@code logFile} and no input, in a session of its own where
     * {@code setsid} exists: the Ctrl-C meant for the launcher does not reach it, and it outlives the launcher.
     */
    static Process startDetached(List<String> command, Path logFile) throws IOException {
        List<String> detached = new ArrayList<>();
        if (hasCommand("setsid")) {
            detached.add("setsid");
        }
        detached.addAll(command);
        Files.createDirectories(logFile.getParent());
        return new ProcessBuilder(detached)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** Asks {@code process} to exit (SIGTERM, so it shuts down cleanly); kills it if it has not exited in time. */
    static void terminate(ProcessHandle process, Duration grace) {
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            process.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PostgreSQL refuses to run as root; as root its binaries run in a user namespace of their own. MariaDB runs as
     * root only when told to ({@code --user=root}).
     */
    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer id && id == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The process whose pid {@code pidFile} holds, if it is alive and its command line names {@code mainClass}: a pid
     * left behind by a crash may since belong to an unrelated process, which must never be signalled.
     */
    static Optional<ProcessHandle> runningWith(Path pidFile, String mainClass) {
        return readPid(pidFile)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).contains(mainClass));
    }

    /** Read from /proc: ProcessHandle.Info gives up on command lines as long as a Kafka classpath. */
    private static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return process.info().commandLine().orElse("");
        }
    }

    static String tail(Path file, int lines) {
        try {
            // Decoded leniently: a server log may hold bytes that are not UTF-8.
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }
}
