package io.tidemark.bench;

import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.SchemaRegistry;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs the sink benchmark: loads the workload into a topic once, then runs every contender in turn,
 * {@code runs} times, each against a fresh target database, and prints events/s, ratios, peak heap
 * and whether all final tables are identical. Settings are system properties: {@code events} (default
 * 1,000,000), {@code runs} (3), {@code seed} (42), {@code contenders} (the target's list; debezium-3.5.0 etc. name
 * one Debezium JDBC sink release, debezium the target's default releases; raw-window applies the
 * raw limit in windows of {@code raw.window} (5,000) events, one transaction each), {@code format}
 * (json: JSON with schemas; json-cached: the same bytes read by Tidemark's CachedSchemaJsonConverter; avro: Avro
 * through an Apicurio registry), {@code target} (postgresql, mariadb or duckdb: see {@link BenchTarget}; the default
 * contenders depend on it). {@code mode=latency} measures
 * end-to-end latency of a PostgreSQL pipeline under a steady load instead ({@link LatencyBenchmark}); {@code mode=converter} times the JSON
 * converters alone ({@link ConverterBenchmark}). {@code worker=process} runs the
 * sinks in a standalone worker JVM of their own with {@code -Xmx} {@code worker.heap} (256m) instead of the
 * benchmark's in-JVM worker, so the heap column is the sink's ({@link WorkerProcess}).
 */
public final class SinkBenchmark {

    private static final String DEBEZIUM = "debezium-";
    private static final String RAW_WINDOW = "raw-window-";

    private SinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("mode", "").equals("converter")) {
            ConverterBenchmark.run(Integer.getInteger("events", 200_000), Long.getLong("seed", 42L), System.out);
            return;
        }
        BenchTarget target = BenchTarget.named(System.getProperty("target", "postgresql"),
                Boolean.parseBoolean(System.getProperty("target.durable", "true")));
        target.start();
        System.out.printf(Locale.ROOT, "Target %s, commits %s%n", target.name(), target.commitMode());
        String format = System.getProperty("format", "json");
        boolean passed = switch (format) {
            case "json" -> measure(target, WireFormat.json());
            case "json-cached" -> measure(target, WireFormat.jsonCached());
            case "avro" -> {
                SchemaRegistry registry = SchemaRegistry.start().orElseThrow(() -> new IllegalStateException(
                        "the Apicurio Registry did not start; bench/run unpacks its distribution (see "
                        + SchemaRegistry.logFile() + ")"));
                try (registry) {
                    yield measure(target, WireFormat.avro(registry.registryUrl()));
                }
            }
            default -> throw new IllegalArgumentException("unknown format '" + format + "'; choose json, json-cached or avro");
        };
        if (!passed) {
            System.exit(1);
        }
    }

    private static boolean measure(BenchTarget target, WireFormat format) throws Exception {
        String mode = System.getProperty("mode", "throughput");
        return switch (mode) {
            case "throughput" -> {
                int events = Integer.getInteger("events", 1_000_000);
                int runs = Integer.getInteger("runs", 3);
                long existingRows = Long.getLong("target.rows", 0L);
                if (existingRows > 0) {
                    System.out.println("Existing rows in every run's table: " + target.holdExistingRows(existingRows));
                }
                List<String> chosen = expand(target, List.of(System.getProperty("contenders",
                        String.join(",", target.contenders())).split(",")));
                yield run(target, new Workload(events, Long.getLong("seed", 42L)), runs, chosen, format);
            }
            case "latency" -> {
                if (!(target instanceof PostgresTarget)) {
                    throw new IllegalArgumentException("the latency mode measures a PostgreSQL pipeline; target '"
                            + target.name() + "' has only the throughput mode");
                }
                yield LatencyBenchmark.run(format, System.out);
            }
            default -> throw new IllegalArgumentException("unknown mode '" + mode + "'; choose throughput, latency or converter");
        };
    }

    /** Returns whether all final tables were identical. */
    private static boolean run(BenchTarget target, Workload workload, int runs, List<String> chosen,
                               WireFormat format) throws Exception {
        int partitions = Integer.getInteger("partitions", 1);
        // Apicurio's converter is on this classpath without a ServiceLoader manifest; the worker loads it
        // with a warning instead of refusing to start, whichever format is measured.
        Map<String, String> workerConfig = new LinkedHashMap<>(target.workerConfig());
        workerConfig.put("plugin.discovery", "hybrid_warn");
        try (ConnectWorld world = ConnectWorld.start("bench", 1, workerConfig)) {
            System.out.printf(Locale.ROOT, "Producing %,d change events to %s as %s ...%n", workload.events(),
                    DebeziumEncoding.TOPIC, format.name());
            long produceStart = System.nanoTime();
            TopicLoader.Loaded loaded = TopicLoader.load(world.bootstrapServers(), workload, format, partitions);
            long records = loaded.records();
            System.out.printf(Locale.ROOT, "  %,d records (change events + tombstones) in %d partition(s) in %.1f s%n",
                    records, partitions, (System.nanoTime() - produceStart) / 1e9);
            long offsetEnds = loaded.end().partitions().stream().filter(WorkloadEnd.PartitionEnd::needsOffsets).count();
            if (offsetEnds > 0) {
                System.out.printf(Locale.ROOT, "  %d partition(s) end with keys inserted and deleted after their last"
                        + " visible change: a run also waits for the sink's committed offsets there%n", offsetEnds);
            }

            String workerKind = System.getProperty("worker", "in-jvm");
            WorkerProcess process = switch (workerKind) {
                case "in-jvm" -> null;
                case "process" -> WorkerProcess.start(world.bootstrapServers(), System.getProperty("worker.heap", "256m"),
                        Paths.get("bench", "target", "worker"), target.workerConfig());
                default -> throw new IllegalArgumentException("unknown worker '" + workerKind
                        + "'; choose in-jvm or process");
            };
            try {
                SinkWorker worker = process != null ? process : new InProcessWorker(world);
                String heapColumn = process != null
                        ? "heap after GC, sink-only worker JVM (-Xmx" + System.getProperty("worker.heap", "256m") + ")"
                        : "heap after GC, whole JVM (broker + worker + task)";
                Map<String, Results> results = new LinkedHashMap<>();
                for (int run = 1; run <= runs; run++) {
                    for (String contender : chosen) {
                        Results r = results.computeIfAbsent(contender, c -> new Results(label(target, c)));
                        runOnce(worker, format, target, contender, run, workload, loaded.end(), r);
                        CpuUse cpu = r.cpu.get(run - 1);
                        System.out.printf(Locale.ROOT, "  run %d %-40s %,10.0f events/s  peak heap %4d MB"
                                + "  CPU µs/event %.1f (sink %s, database %s, broker %s, JVM GC+JIT %s)%n", run,
                                r.label, r.eventsPerSecond.get(run - 1), r.heapMegabytes.get(run - 1),
                                ProcCpu.microsPerEvent(cpu.total(), workload.events()),
                                ResultTable.micros(cpu.sink(), workload.events()),
                                ResultTable.micros(cpu.database(), workload.events()),
                                ResultTable.micros(cpu.broker(), workload.events()),
                                ResultTable.micros(cpu.jvm(), workload.events()));
                    }
                }
                return ResultTable.print(System.out, workload.events(), records, partitions, format,
                        target.name() + ", commits " + target.commitMode(), heapColumn, results);
            } finally {
                if (process != null) {
                    process.close();
                }
            }
        }
    }

    private static void runOnce(SinkWorker worker, WireFormat format, BenchTarget target, String contender, int run,
                                Workload workload, WorkloadEnd end, Results results) throws Exception {
        TargetTable table = target.create("bench_" + contender.replace('-', '_').replace('.', '_') + "_" + run);
        long heap = 0;
        boolean raw = contender.equals("raw") || contender.startsWith(RAW_WINDOW);
        CpuMeters cpu = new CpuMeters(target, raw ? null : worker, results.label + ", run " + run);
        Stretch stretch = new Stretch(cpu::start, cpu::stop);
        if ("raw".equals(contender)) {
            target.rawLimit().apply(table, workload, Integer.MAX_VALUE, stretch);
        } else if (contender.startsWith(RAW_WINDOW)) {
            target.rawLimit().apply(table, workload, window(contender), stretch);
        } else {
            ConnectContender connector = connector(target, contender);
            SinkWorker.HeapMeter peak = worker.measureHeap();
            try {
                connector.run(worker, "bench-" + contender + "-" + run, format, table, end, stretch);
            } finally {
                heap = peak.stop();
            }
        }
        results.eventsPerSecond.add(workload.events() / (stretch.nanos() / 1e9));
        results.heapMegabytes.add(heap);
        results.cpu.add(cpu.use());
        results.fingerprints.add(table.fingerprint());
        table.drop();
    }

    /**
     * The CPU meters of one run: the target server's, and the sink worker's and broker's ({@code worker}), or, for
     * a raw limit ({@code worker} null), this JVM's, which does its Java work.
     */
    private static final class CpuMeters {
        private final BenchTarget target;
        private final SinkWorker worker;
        private final String what;
        private long databaseStart;
        private long selfStart;
        private SinkWorker.CpuMeter workerMeter;
        private CpuUse use;

        CpuMeters(BenchTarget target, SinkWorker worker, String what) {
            this.target = target;
            this.worker = worker;
            this.what = what;
        }

        void start() {
            databaseStart = target.serverCpuTicks();
            if (worker != null) {
                workerMeter = worker.measureCpu();
            } else {
                selfStart = ProcCpu.thisProcessTicks();
            }
        }

        void stop() {
            long database = target.serverCpuTicks();
            CpuUse measured = worker != null ? workerMeter.stop(what)
                    : new CpuUse(ProcCpu.thisProcessTicks() - selfStart, CpuUse.NOT_MEASURED, CpuUse.NOT_MEASURED,
                    CpuUse.NOT_MEASURED);
            use = measured.withDatabase(databaseStart < 0 ? CpuUse.NOT_MEASURED : database - databaseStart);
        }

        CpuUse use() {
            return use;
        }
    }

    /**
     * The contenders {@code names} stand for, in order: {@code debezium} for the target's default Debezium releases
     * ({@code debezium-3.5.0} etc.), {@code raw-window} for one {@code raw-window-<events>} per window of
     * {@code -Draw.window}, every other name for itself.
     */
    static List<String> expand(BenchTarget target, List<String> names) {
        List<String> expanded = new ArrayList<>();
        for (String name : names) {
            if (name.equals("debezium")) {
                target.debeziumReleases().forEach(release -> expanded.add(DEBEZIUM + DebeziumReleases.shortName(release)));
            } else if (name.equals("raw-window")) {
                rawWindows().forEach(window -> expanded.add(RAW_WINDOW + window));
            } else {
                expanded.add(name);
            }
        }
        return expanded;
    }

    private static ConnectContender connector(BenchTarget target, String contender) {
        if (contender.equals("tidemark")) {
            return ConnectContender.tidemark();
        }
        if (contender.startsWith(DEBEZIUM)) {
            return target.debezium(DebeziumReleases.jdbcSink(contender.substring(DEBEZIUM.length())));
        }
        throw unknownContender(contender);
    }

    private static String label(BenchTarget target, String contender) {
        return switch (contender) {
            case "raw" -> target.rawLimit().label();
            default -> contender.startsWith(RAW_WINDOW) ? target.rawLimit().label().replace("(raw limit)",
                    String.format(Locale.ROOT, "per %,d events (raw)", window(contender)))
                    : connector(target, contender).label();
        };
    }

    private static IllegalArgumentException unknownContender(String contender) {
        return new IllegalArgumentException("unknown contender '" + contender
                + "'; choose from tidemark, debezium (the target's default releases), " + DebeziumReleases.JDBC_SINKS
                .stream().map(release -> DEBEZIUM + DebeziumReleases.shortName(release)).collect(Collectors.joining(", "))
                + ", raw, raw-window, raw-window-<events>");
    }

    /**
     * The windows of the raw-window contender, in events: Tidemark's batch.size unless {@code -Draw.window} lists
     * others, e.g. {@code 5000,40000}.
     */
    private static List<Integer> rawWindows() {
        List<Integer> windows = new ArrayList<>();
        for (String window : System.getProperty("raw.window", "5000").split(",")) {
            windows.add(parseWindow(window.trim()));
        }
        return windows;
    }

    /** The window of contender {@code raw-window-<events>}. */
    private static int window(String contender) {
        return parseWindow(contender.substring(RAW_WINDOW.length()));
    }

    private static int parseWindow(String text) {
        int window;
        try {
            window = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a raw window is a number of events, not '" + text + "'", e);
        }
        if (window <= 0) {
            throw new IllegalArgumentException("a raw window must be positive: " + window);
        }
        return window;
    }

    /** One contender's measurements, in run order. */
    static final class Results {
        final String label;
        final List<Double> eventsPerSecond = new ArrayList<>();
        final List<Long> heapMegabytes = new ArrayList<>();
        final List<CpuUse> cpu = new ArrayList<>();
        final List<Fingerprint> fingerprints = new ArrayList<>();

        Results(String label) {
            this.label = label;
        }
    }
}
