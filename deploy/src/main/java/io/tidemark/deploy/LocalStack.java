package io.tidemark.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The whole local pipeline as real processes: a source database (PostgreSQL with logical WAL, or MariaDB with a
 * row-based binlog), a target PostgreSQL (or a DuckDB file, which the Connect worker opens), a KRaft Kafka broker and a
 * distributed Connect worker, with the connectors registered over REST. Started and stopped in dependency order; all
 * state lives under the stack home, so a restart resumes where it stopped.
 */
final class LocalStack {

    private final StackSettings settings;
    private final PrintStream out;
    private final DatabaseServer sourceDb;
    /** The target's server; none for a DuckDB target. */
    private final Optional<PostgresServer> targetDb;
    private final KafkaServices kafka;

    LocalStack(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.sourceDb = switch (settings.source()) {
            case POSTGRES -> new PostgresServer(SourceDatabase.SERVER_NAME, settings, settings.sourceDbPort(), List.of(
                    "wal_level = logical",
                    "max_replication_slots = 10",
                    "max_wal_senders = 10",
                    // The safety valve of the production checklist: a stalled slot cannot fill the disk.
                    "max_slot_wal_keep_size = 4GB"));
            case MARIADB -> new MariaDbServer(SourceDatabase.SERVER_NAME, settings);
        };
        this.targetDb = settings.target() == TargetDatabase.POSTGRES
                ? Optional.of(new PostgresServer(TargetDatabase.DIRECTORY, settings, settings.targetDbPort(),
                        List.of("max_connections = 50")))
                : Optional.empty();
        this.kafka = new KafkaServices(settings);
    }

    /** Whether any server of this stack is running (by its pid file or data directory). */
    boolean anythingRunning() {
        return kafka.worker().running().isPresent() || kafka.broker().running().isPresent()
                || sourceDb.running() || targetDb.map(PostgresServer::running).orElse(false);
    }

    /** Starts every server that is not running yet, registers the connectors and waits until they run. */
    Duration start() {
        long started = System.nanoTime();
        if (anythingRunning()) {
            throw new StackException("a stack is already running from " + settings.home() + "; run ./tidemark stop first"
                    + " (or ./tidemark status to look at it)");
        }
        SourceDatabase source = settings.source();
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("source " + source.title(), settings.sourceDbPort());
        if (targetDb.isPresent()) {
            ports.put("target PostgreSQL", settings.targetDbPort());
        }
        ports.put("Kafka broker", settings.kafkaPort());
        ports.put("Kafka controller", settings.controllerPort());
        ports.put("Connect REST API", settings.connectPort());
        Ports.requireFree(ports);
        if (!Files.isDirectory(settings.pluginPath().resolve(source.pluginFolder()))) {
            throw new StackException("no plugin folders in " + settings.pluginPath()
                    + ": build the deploy module first (mvn -pl deploy -am package -DskipTests, which ./tidemark does)");
        }
        boolean resuming = sourceDb.initialized();
        out.println((resuming ? "resuming the stack in " : "creating a new stack in ") + settings.home()
                + " (" + source.title() + " source, " + settings.target().title() + " target)");
        keepOutOfGit();
        try {
            step("source " + source.title() + " on port " + settings.sourceDbPort() + " (" + source.captureSetting() + ")",
                    () -> {
                        sourceDb.start();
                        sourceDb.createDatabase(settings.sourceDb());
                        DemoShop.on(settings).prepare(settings.deployDir().resolve(source.schemaFile()));
                    });
            if (targetDb.isPresent()) {
                step("target PostgreSQL on port " + settings.targetDbPort(), () -> {
                    targetDb.get().start();
                    targetDb.get().createDatabase(settings.targetDb());
                });
            } else {
                step("target DuckDB file " + settings.targetFile() + " (opened by the Connect worker)",
                        this::createDuckDbFile);
            }
            step("Kafka broker (KRaft) on port " + settings.kafkaPort(), () -> kafka.startBroker(Duration.ofSeconds(90)));
            step("Connect worker on " + settings.connectUrl() + ", plugin.path " + settings.pluginPath(),
                    () -> kafka.startWorker(Duration.ofSeconds(120)));
            List<String> connectors = connectorsToRegister();
            List<String> registered = new ArrayList<>();
            step("connectors " + String.join(", ", connectors), () -> {
                registered.addAll(register(connectors.stream().map(c -> settings.connectorConfig(c).toString())
                        .toList()));
                awaitConnectorsRunning(connectors, Duration.ofSeconds(90));
            });
            registered.forEach(line -> out.println("    " + line));
        } catch (RuntimeException e) {
            out.println("start failed; stopping what was started");
            stop();
            throw e;
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Stops the worker first (it commits offsets), then the broker, then the databases. Idempotent. */
    void stop() {
        if (settings.source() == SourceDatabase.MARIADB && kafka.worker().running().isPresent()) {
            awaitResumableBinlogOffset(Duration.ofSeconds(30));
        }
        if (kafka.worker().stop(Duration.ofSeconds(60))) {
            out.println("  stopped Connect worker");
        }
        if (kafka.broker().stop(Duration.ofSeconds(60))) {
            out.println("  stopped Kafka broker");
        }
        List<DatabaseServer> databases = new ArrayList<>();
        targetDb.ifPresent(databases::add);
        databases.add(sourceDb);
        for (DatabaseServer db : databases) {
            if (db.running()) {
                db.stop();
                out.println("  stopped " + db.name());
            }
        }
    }

    /** Deletes every byte of the stack's state; refuses while any of it runs. */
    void clean() {
        if (anythingRunning()) {
            throw new StackException("the stack is running; run ./tidemark stop before clean");
        }
        try {
            PostgresServer.deleteTree(settings.home());
        } catch (IOException e) {
            throw new StackException("could not delete " + settings.home() + ": " + e.getMessage(), e);
        }
        out.println("removed " + settings.home());
    }

    /**
     * The source's connector and the MERGE sink always; the APPEND sink when the sink on plugin.path accepts
     * {@code mode=append} (the worker's validate call says so), so the stack never registers a config that fails.
     */
    private List<String> connectorsToRegister() {
        List<String> names = new ArrayList<>(List.of(settings.source().connector(), StackSettings.MERGE_SINK));
        Map<String, String> probe = new LinkedHashMap<>();
        probe.put("connector.class", "io.tidemark.sink.IdempotentJdbcSinkConnector");
        probe.put("topics", settings.ordersTopic());
        probe.put("connection.url", settings.targetJdbcUrl());
        probe.put("table.name.format", "${source.table}_audit");
        probe.put("mode", "append");
        try {
            List<String> errors = new ConnectRest(settings.connectUrl()).validationErrors(probe.get("connector.class"), probe, "mode");
            if (errors.isEmpty()) {
                names.add(StackSettings.APPEND_SINK);
            } else {
                out.println("  (not registering " + StackSettings.APPEND_SINK + ": this sink build says " + errors.get(0) + ")");
            }
        } catch (IOException e) {
            throw new StackException("the Connect worker did not answer a validate call: " + e.getMessage(), e);
        }
        return names;
    }

    /**
     * An empty DuckDB database file, so that the home remembers its target before the sinks first write (and the
     * directory exists, which DuckDB does not create). Closed at once: the Connect worker must be the one to open it.
     */
    private void createDuckDbFile() {
        try {
            Files.createDirectories(settings.targetFile().getParent());
            try (Connection ignored = DriverManager.getConnection(settings.targetJdbcUrl())) {
                // Opening creates the file.
            }
        } catch (IOException | SQLException e) {
            throw new StackException("cannot create the DuckDB target " + settings.targetFile() + ": " + e.getMessage(), e);
        }
    }

    /** Registers through deploy/connectors/register.sh, the same command users run; returns what it printed. */
    List<String> register(List<String> connectors) {
        List<String> command = new ArrayList<>(List.of("bash", settings.connectorsDir().resolve("register.sh").toString()));
        command.addAll(connectors);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(settings.registerEnvironment());
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new StackException("registering the connectors failed:\n" + output.strip());
            }
            return output.lines().toList();
        } catch (IOException e) {
            throw new StackException("could not run register.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while registering the connectors", e);
        }
    }

    private void awaitConnectorsRunning(List<String> connectors, Duration timeout) {
        ConnectRest rest = new ConnectRest(settings.connectUrl());
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> states = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                Map<String, String> current = rest.connectorStates();
                states = current;
                if (connectors.stream().allMatch(c -> "RUNNING".equals(current.get(c)))) {
                    return;
                }
                for (String connector : connectors) {
                    String state = states.getOrDefault(connector, "");
                    if (state.contains("FAILED")) {
                        throw new StackException("connector " + connector + " is " + state + ":\n" + rest.failureTrace(connector));
                    }
                }
            } catch (IOException e) {
                states = Map.of("worker", e.getMessage());
            }
            KafkaServices.sleep(Duration.ofMillis(500));
        }
        throw new StackException("connectors not RUNNING after " + timeout.toSeconds() + " s: " + states
                + "; see " + kafka.worker().logFile());
    }

    /**
     * Debezium's MySQL connector never sees a MariaDB transaction begin (it has no handler for MariaDB's GTID event),
     * so the offset it commits with a change reads "resume after this rows event, skipping its rows": resumed from
     * there, it skips that many rows of the next change instead. The offset of its heartbeats, which the quiet binlog
     * brings within seconds ({@code connect.keep.alive.interval.ms}), lies after the transaction's end; stopping the
     * worker only once that offset is committed loses nothing.
     */
    private void awaitResumableBinlogOffset(Duration timeout) {
        ConnectRest rest = new ConnectRest(settings.connectUrl());
        String connector = settings.source().connector();
        long t0 = System.nanoTime();
        try {
            if (!"RUNNING".equals(rest.connectorStates().get(connector))) {
                return;
            }
            boolean announced = false;
            while (!rest.sourceOffsets(connector).stream()
                    .allMatch(o -> o.path("row").asLong(0) == 0 && o.path("event").asLong(0) == 0)) {
                if (!announced) {
                    out.print("  waiting for " + connector + " to commit an offset past its last change ... ");
                    out.flush();
                    announced = true;
                }
                if (System.nanoTime() - t0 > timeout.toNanos()) {
                    out.println("not within " + timeout.toSeconds() + " s; resumed from this offset it skips rows of"
                            + " the next change (README: the local stack with MariaDB)");
                    return;
                }
                KafkaServices.sleep(Duration.ofMillis(500));
            }
            if (announced) {
                out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            }
        } catch (IOException e) {
            out.println("  (could not read " + connector + "'s offset: " + e.getMessage() + ")");
        }
    }

    /** The stack's data sits in the project folder by default; it must never show up as changes to commit. */
    private void keepOutOfGit() {
        try {
            Files.createDirectories(settings.home());
            Path ignore = settings.home().resolve(".gitignore");
            if (!Files.exists(ignore)) {
                Files.writeString(ignore, "# Data of the local Tidemark stack (./tidemark clean removes it)\n*\n",
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new StackException("cannot write to " + settings.home() + ": " + e.getMessage(), e);
        }
    }

    private void step(String what, Runnable action) {
        long t0 = System.nanoTime();
        out.print("  " + what + " ... ");
        out.flush();
        try {
            action.run();
        } catch (RuntimeException e) {
            out.println("failed");
            throw e;
        }
        out.printf("up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Where to look at the running pipeline, printed once it is up. */
    List<String> whereToLook() {
        String login = " (" + settings.dbUser() + " / " + settings.dbPassword() + ")";
        String debezium = settings.debeziumUser().equals(settings.dbUser()) ? ""
                : "; Debezium logs in as " + settings.debeziumUser();
        String target = settings.target() == TargetDatabase.POSTGRES ? login
                : " (open it read-only between the sinks' transactions: duckdb -readonly " + settings.targetFile() + ")";
        return List.of(
                "  source   " + settings.sourceJdbcUrl() + login + ": orders, outbox" + debezium,
                "  target   " + settings.targetJdbcUrl() + target + ": orders, orders_audit, cdc_watermark",
                "  Kafka    " + settings.bootstrapServers() + ": " + settings.ordersTopic() + ", "
                        + StackSettings.OUTBOX_TOPIC_PREFIX + "Order",
                "  Connect  " + settings.connectUrl() + "/connectors?expand=status",
                "  logs     " + settings.logs());
    }
}
