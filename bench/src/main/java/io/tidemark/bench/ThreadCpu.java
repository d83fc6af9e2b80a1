package io.tidemark.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU of this JVM split by its threads' native names ({@code /proc/self/task/<tid>/stat}, the 15 characters
 * HotSpot sets from the Java thread name) while broker, Connect worker and task share it: the worker's and task's
 * threads, the JVM's own (garbage collector, JIT compilers), and the rest, which is the broker's and the benchmark's
 * light polling (its main thread, named {@code java}). Threads that exited during the measurement are not listed any
 * more; their time goes to the rest (the JVM's total still holds it). A thread is classified by its name at the end.
 */
final class ThreadCpu {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadCpu.class);

    /** Whose work a thread does. */
    enum Share { WORKER, JVM, BROKER }

    /** Connect's worker and task threads, the clients and pools the sinks start, the worker's REST server. */
    private static final List<String> WORKER_PREFIXES = List.of("task-thread-", "tidemark-", "kafka-coordinat",
            "kafka-producer-", "kafka-admin-cli", "consumer_backgr", "DistributedHerd", "KafkaBasedLog",
            "StartAndStopExe", "connector-threa", "pool-", "qtp", "HttpClient@", "Scheduler-", "agroal",
            "mysql-cj-abando", "HikariPool", "C3P0", "hibernate");
    private static final List<String> JVM_PREFIXES = List.of("GC Thread", "G1 ", "C1 CompilerThre",
            "C2 CompilerThre", "VM Thread", "VM Periodic Tas", "Sweeper thread", "Service Thread", "Monitor Deflati",
            "Reference Handl", "Finalizer", "Common-Cleaner", "Signal Dispatch", "Notification Th");

    private final long processStart = ProcCpu.thisProcessTicks();
    private final Map<Long, ProcStat> threadsAtStart = ProcCpu.threadsOfThisProcess();

    static Share classify(String comm) {
        for (String prefix : WORKER_PREFIXES) {
            if (comm.startsWith(prefix)) {
                return Share.WORKER;
            }
        }
        for (String prefix : JVM_PREFIXES) {
            if (comm.startsWith(prefix)) {
                return Share.JVM;
            }
        }
        return Share.BROKER;
    }

    /** Ticks per share since this was created; logs the busiest threads of the stretch to the benchmark's log. */
    Map<Share, Long> stop(String what) {
        long process = ProcCpu.thisProcessTicks() - processStart;
        Map<Share, Long> ticks = new EnumMap<>(Share.class);
        ticks.put(Share.WORKER, 0L);
        ticks.put(Share.JVM, 0L);
        List<String> busiest = new ArrayList<>();
        List<Map.Entry<Long, ProcStat>> threads = new ArrayList<>(ProcCpu.threadsOfThisProcess().entrySet());
        threads.sort((a, b) -> Long.compare(delta(b.getValue()), delta(a.getValue())));
        for (Map.Entry<Long, ProcStat> thread : threads) {
            long delta = delta(thread.getValue());
            Share share = classify(thread.getValue().comm());
            if (share != Share.BROKER) {
                ticks.merge(share, delta, Long::sum);
            }
            if (busiest.size() < 15 && delta > 0) {
                busiest.add(String.format(Locale.ROOT, "%s=%d (%s)", thread.getValue().comm(), delta, share));
            }
        }
        ticks.put(Share.BROKER, process - ticks.get(Share.WORKER) - ticks.get(Share.JVM));
        LOG.info("CPU ticks of this JVM during {}: {} in all, {}; busiest threads: {}", what, process, ticks, busiest);
        return ticks;
    }

    private long delta(ProcStat now) {
        ProcStat before = threadsAtStart.get(now.pid());
        // Not by name: Connect renames pool threads while they run a connector. A thread id the kernel reused for a
        // new thread shows as less time than before.
        boolean same = before != null && before.ownTicks() <= now.ownTicks();
        return now.ownTicks() - (same ? before.ownTicks() : 0);
    }
}
