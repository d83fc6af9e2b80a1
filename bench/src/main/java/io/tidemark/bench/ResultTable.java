package io.tidemark.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/** Prints the benchmark's results as a Markdown table and checks that all final tables agree. */
final class ResultTable {

    private ResultTable() {
    }

    /** Returns true when every run of every contender left the same table. */
    static boolean print(PrintStream out, int events, long records, int partitions, WireFormat format, String target,
                         String heapColumn, Map<String, SinkBenchmark.Results> results) {
        out.printf(Locale.ROOT, "%n%,d change events (%,d Kafka records with tombstones), %s, %d task(s) per sink, %s,"
                + " target %s%n%n", events, records, partitions == 1 ? "one partition" : partitions + " partitions",
                Integer.getInteger("tasks", 1), format.name(), target);
        out.println("| contender | events/s per run | median events/s | CPU µs/event: sink | database | broker"
                + " | JVM GC+JIT | all | peak " + heapColumn + " |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (SinkBenchmark.Results r : results.values()) {
            String perRun = r.eventsPerSecond.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v))
                    .collect(Collectors.joining(" / "));
            long maxHeap = Collections.max(r.heapMegabytes);
            out.printf(Locale.ROOT, "| %s | %s | %,.0f | %s | %s | %s | %s | %s | %s |%n", r.label, perRun,
                    median(r.eventsPerSecond), medianMicros(r.cpu, CpuUse::sink, events),
                    medianMicros(r.cpu, CpuUse::database, events), medianMicros(r.cpu, CpuUse::broker, events),
                    medianMicros(r.cpu, CpuUse::jvm, events), medianMicros(r.cpu, CpuUse::total, events),
                    maxHeap > 0 ? maxHeap + " MB" : "n/a");
        }
        SinkBenchmark.Results ours = results.get("tidemark");
        if (ours != null) {
            out.println();
            for (Map.Entry<String, SinkBenchmark.Results> other : results.entrySet()) {
                if (other.getValue() != ours) {
                    out.printf(Locale.ROOT, "Tidemark / %s: %.2f%n", other.getValue().label,
                            median(ours.eventsPerSecond) / median(other.getValue().eventsPerSecond));
                }
            }
        }
        List<Fingerprint> all = new ArrayList<>();
        results.values().forEach(r -> all.addAll(r.fingerprints));
        boolean identical = all.stream().distinct().count() == 1;
        out.println();
        if (identical) {
            out.println("Final tables identical across all runs and contenders: " + all.get(0));
        } else {
            out.println("Final tables DIFFER:");
            results.values().forEach(r -> out.println("  " + r.label + ": " + r.fingerprints));
        }
        return identical;
    }

    /** The median over the runs of one share's CPU µs per event, or n/a where it is not measured. */
    private static String medianMicros(List<CpuUse> runs, ToLongFunction<CpuUse> share, long events) {
        if (runs.stream().anyMatch(run -> share.applyAsLong(run) < 0)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.1f",
                median(runs.stream().map(run -> ProcCpu.microsPerEvent(share.applyAsLong(run), events)).toList()));
    }

    /** One run's CPU µs per event of {@code ticks}, or n/a. */
    static String micros(long ticks, long events) {
        return ticks < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", ProcCpu.microsPerEvent(ticks, events));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
