package io.tidemark.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local stack's command line, started by the {@code ./tidemark} script at the project root:
 * <pre>
 *   run [--source S] [--target T] [--rate N] [--transactions N]   start everything, run the demo workload, show
 *                                                    live status; Ctrl-C stops
 *   start [--source S] [--target T]    start everything and return (the servers keep running)
 *   stop                               stop a running stack (from any shell); data is kept
 *   status [--watch]                   the pipeline's vital signs, once or live, for any running stack
 *   workload [--rate N] [--transactions N]   the demo workload alone, against SOURCE_DB_*
 *   clean                              delete the stack's data
 * </pre>
 * {@code --source postgres|mariadb} picks the source database of a new stack, {@code --target postgres|duckdb} the
 * database its sinks write to (PostgreSQL by default); every command on an existing stack uses the source and target
 * it was created with.
 */
public final class Tidemark {

    private static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Duration LOG_LINE_EVERY = Duration.ofSeconds(10);
    private static final Duration ONE_SHOT_WINDOW = Duration.ofSeconds(3);

    private final Path deployDir;
    private final Map<String, String> env;
    private final PrintStream out;

    Tidemark(Path deployDir, Map<String, String> env, PrintStream out) {
        this.deployDir = deployDir;
        this.env = env;
        this.out = out;
    }

    public static void main(String[] args) {
        String deploy = System.getProperty("tidemark.deploy", "deploy");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            System.exit(new Tidemark(Path.of(deploy), System.getenv(), out).execute(List.of(args)));
        } catch (StackException e) {
            System.err.println("tidemark: " + e.getMessage());
            System.exit(1);
        }
    }

    int execute(List<String> args) {
        String command = args.isEmpty() ? "run" : args.get(0);
        Options options = Options.parse(args.isEmpty() ? List.of() : args.subList(1, args.size()));
        StackSettings settings = StackSettings.fromEnvironment(deployDir, env, options.source, options.target);
        switch (command) {
            case "run" -> run(settings, options);
            case "start" -> start(settings);
            case "stop" -> stop(settings);
            case "status" -> {
                return status(settings, options.watch);
            }
            case "workload" -> workload(settings, options);
            case "clean" -> new LocalStack(settings, out).clean();
            default -> throw new StackException("unknown command '" + command + "'; one of: run, start, stop, status,"
                    + " workload, clean");
        }
        return 0;
    }

    private void start(StackSettings settings) {
        LocalStack stack = new LocalStack(settings, out);
        Duration startup = stack.start();
        out.printf(Locale.ROOT, "stack up in %.1f s; connectors running. ./tidemark status shows progress,"
                + " ./tidemark stop stops it.%n", startup.toMillis() / 1000.0);
        stack.whereToLook().forEach(out::println);
    }

    /** Starts the stack, feeds it the demo workload and shows live status until Ctrl-C or ./tidemark stop. */
    private void run(StackSettings settings, Options options) {
        LocalStack stack = new LocalStack(settings, out);
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(1);
        DemoShop shop = DemoShop.on(settings);
        Thread workload = new Thread(() -> shop.run(options.rate, options.transactions, running), "demo-workload");
        Path launcherPid = settings.pids().resolve("launcher.pid");

        if (stack.anythingRunning()) {
            throw new StackException("a stack is already running from " + settings.home() + "; ./tidemark status shows"
                    + " it, ./tidemark stop stops it");
        }
        // Registered before anything starts, so Ctrl-C (or ./tidemark stop) during start-up stops what already runs.
        writePid(launcherPid);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            try {
                workload.join(10_000);
                if (stack.anythingRunning()) {
                    out.println();
                    out.println("stopping the stack (data is kept in " + settings.home() + "; ./tidemark clean removes it)");
                    stack.stop();
                }
                deleteQuietly(launcherPid);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "stack-stop"));
        Duration startup = stack.start();
        out.printf(Locale.ROOT, "stack up in %.1f s. Demo workload: %.0f transactions/s%s. Ctrl-C (or ./tidemark stop)"
                        + " stops everything.%n", startup.toMillis() / 1000.0, options.rate,
                options.transactions > 0 ? ", " + options.transactions + " in all" : "");
        stack.whereToLook().forEach(out::println);
        workload.start();

        long readyAt = System.nanoTime();
        boolean converged = false;
        boolean terminal = System.console() != null;
        int drawnLines = 0;
        long lastLogLine = 0;
        boolean workloadReported = false;
        PipelineHealth health = new PipelineHealth();
        try (PipelineProbe probe = new PipelineProbe(settings)) {
            while (running.get()) {
                health.record(probe.look());
                PipelineSnapshot s = health.last();
                if (!workloadReported && !workload.isAlive()) {
                    workloadReported = true;
                    out.println("demo workload finished: " + shop.transactions() + " transactions, "
                            + shop.ordersPlaced() + " orders placed");
                    drawnLines = 0;
                }
                if (!converged && s.targetRows() != null && s.targetRows().equals(s.sourceRows()) && s.targetRows() > 0) {
                    converged = true;
                    out.printf(Locale.ROOT, "target in sync with the source (%,d orders) %.1f s after the stack was up%n",
                            s.targetRows(), (System.nanoTime() - readyAt) / 1e9);
                    drawnLines = 0;
                }
                String headline = String.format(Locale.ROOT, "Tidemark local stack, up %s, %d transactions run%s",
                        clock(Duration.ofNanos(System.nanoTime() - readyAt)), shop.transactions(),
                        workload.isAlive() ? "" : " (workload finished)");
                if (terminal) {
                    List<String> lines = StatusView.table(health, headline);
                    StringBuilder frame = new StringBuilder();
                    if (drawnLines > 0) {
                        frame.append("\033[").append(drawnLines).append('F').append("\033[J");
                    }
                    lines.forEach(l -> frame.append(l).append('\n'));
                    out.print(frame);
                    drawnLines = lines.size();
                } else if (System.nanoTime() - lastLogLine > LOG_LINE_EVERY.toNanos()) {
                    out.println(StatusView.line(health, "[" + clock(Duration.ofNanos(System.nanoTime() - readyAt)) + "]"));
                    lastLogLine = System.nanoTime();
                }
                pause(REFRESH, running);
            }
        }
        awaitQuietly(stopped);
    }

    private void stop(StackSettings settings) {
        Optional<ProcessHandle> launcher = OperatingSystem.runningWith(settings.pids().resolve("launcher.pid"),
                Tidemark.class.getName());
        if (launcher.isPresent()) {
            out.println("asking the running ./tidemark run (pid " + launcher.get().pid() + ") to stop the stack");
            launcher.get().destroy();
            launcher.get().onExit().orTimeout(180, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        LocalStack stack = new LocalStack(settings, out);
        if (stack.anythingRunning()) {
            stack.stop();
        }
        out.println("stopped; data kept in " + settings.home());
    }

    /** Prints the status once (latency: applies within a few seconds), or live; 1 when anything is wrong. */
    private int status(StackSettings settings, boolean watch) {
        PipelineHealth health = new PipelineHealth();
        try (PipelineProbe probe = new PipelineProbe(settings)) {
            String headline = "Tidemark pipeline at " + settings.connectUrl() + ", " + settings.source().title()
                    + " source :" + settings.sourceDbPort()
                    + ", " + settings.target().title() + " target " + settings.targetLocation()
                    + ", Kafka " + settings.bootstrapServers();
            if (!watch) {
                // Two looks a few seconds apart: latency samples are the applies seen between them.
                health.record(probe.look());
                if (health.last().problems().isEmpty()) {
                    pause(ONE_SHOT_WINDOW, new AtomicBoolean(true));
                    health.record(probe.look());
                }
                StatusView.table(health, headline).forEach(out::println);
                return health.alerts().isEmpty() && health.last().problems().isEmpty() ? 0 : 1;
            }
            AtomicBoolean forever = new AtomicBoolean(true);
            int drawn = 0;
            while (forever.get()) {
                health.record(probe.look());
                List<String> lines = StatusView.table(health, headline);
                if (drawn > 0) {
                    out.print("\033[" + drawn + "F\033[J");
                }
                lines.forEach(out::println);
                drawn = lines.size();
                pause(REFRESH, forever);
            }
            return 0;
        }
    }

    private void workload(StackSettings settings, Options options) {
        DemoShop shop = DemoShop.on(settings);
        AtomicBoolean running = new AtomicBoolean(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.set(false), "workload-stop"));
        long t0 = System.nanoTime();
        shop.run(options.rate, options.transactions, running);
        out.printf(Locale.ROOT, "%d transactions (%d orders placed, each with an OrderPlaced outbox row) in %.1f s%n",
                shop.transactions(), shop.ordersPlaced(), (System.nanoTime() - t0) / 1e9);
    }

    private static String clock(Duration d) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    private static void pause(Duration duration, AtomicBoolean running) {
        long until = System.nanoTime() + duration.toNanos();
        while (running.get() && System.nanoTime() < until) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void writePid(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StackException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A stale launcher pid file is harmless: stop checks that the process is alive.
        }
    }

    /** Command options: {@code --source}, {@code --target}, {@code --rate}, {@code --transactions}, {@code --watch}. */
    static final class Options {
        Optional<SourceDatabase> source = Optional.empty();
        Optional<TargetDatabase> target = Optional.empty();
        double rate = 20;
        long transactions;
        boolean watch;

        static Options parse(List<String> args) {
            Options options = new Options();
            List<String> rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "--source" -> options.source = Optional.of(SourceDatabase.named(value(arg, rest)));
                    case "--target" -> options.target = Optional.of(TargetDatabase.named(value(arg, rest)));
                    case "--watch" -> options.watch = true;
                    case "--rate" -> options.rate = positive(arg, value(arg, rest));
                    case "--transactions" -> options.transactions = (long) positive(arg, value(arg, rest));
                    default -> throw new StackException("unknown option " + arg);
                }
            }
            return options;
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty()) {
                throw new StackException(option + " needs a value");
            }
            return rest.remove(0);
        }

        private static double positive(String option, String value) {
            try {
                double number = Double.parseDouble(value);
                if (number > 0) {
                    return number;
                }
            } catch (NumberFormatException ignored) {
                // Reported below with the option's name.
            }
            throw new StackException(option + " must be a positive number, not '" + value + "'");
        }
    }
}
