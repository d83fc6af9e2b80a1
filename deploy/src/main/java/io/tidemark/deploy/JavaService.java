package io.tidemark.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A server JVM of the stack (the Kafka broker, the Connect worker) running as its own process: its pid is
 * kept in a file so that a later {@code stop}, from any shell, finds it. It is started in a session of its
 * own, so the Ctrl-C meant for the launcher does not reach it and the launcher can stop the servers in order.
 */
final class JavaService {

    private final String name;
    private final String mainClass;
    private final Path pidFile;
    private final Path logFile;
    private final Path gcLogFile;

    JavaService(String name, String mainClass, StackSettings settings) {
        this.name = name;
        this.mainClass = mainClass;
        this.pidFile = settings.pids().resolve(name + ".pid");
        this.logFile = settings.logs().resolve(name + ".log");
        this.gcLogFile = settings.logs().resolve(name + "-gc.log");
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    /** The JVM's garbage-collection log: heap occupancy before and after every collection. */
    Path gcLogFile() {
        return gcLogFile;
    }

    /** Starts the service's main class on {@code classpath}; output goes to the service's log file. */
    Process start(String classpath, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(OperatingSystem.javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(pidFile.getParent());
            Process process = OperatingSystem.startDetached(command, logFile);
            Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.UTF_8);
            return process;
        } catch (IOException e) {
            throw new StackException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    /** The running process recorded in the pid file, if it is alive and still runs this service's main class. */
    Optional<ProcessHandle> running() {
        return OperatingSystem.runningWith(pidFile, mainClass);
    }

    /** Asks the JVM to shut down (SIGTERM runs its shutdown hooks); kills it if it has not exited in time. */
    boolean stop(Duration grace) {
        Optional<ProcessHandle> process = running();
        if (process.isEmpty()) {
            deletePidFile();
            return false;
        }
        OperatingSystem.terminate(process.get(), grace);
        deletePidFile();
        return true;
    }

    /** The last lines of the log, for a failure message. */
    String logTail(int lines) {
        return OperatingSystem.tail(logFile, lines);
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // A stale pid file is harmless: running() checks that the process is alive.
        }
    }
}
