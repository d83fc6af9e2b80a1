package io.tidemark.bench;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The largest heap left after a garbage collection while a contender runs: the live set, which is
 * what a task needs at least (the heap just before a collection mostly measures how lazy the
 * collector was). This benchmark runs broker, worker and task in one JVM, so the number bounds the
 * task's own heap from above.
 */
final class HeapPeak {

    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean.class::cast).toList();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peakBytes;

    HeapPeak() {
        System.gc();
        peakBytes = liveAfterLastGc();
        sampler = new Thread(this::sample, "heap-peak");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (running) {
            peakBytes = Math.max(peakBytes, liveAfterLastGc());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private long liveAfterLastGc() {
        long max = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            GcInfo info = collector.getLastGcInfo();
            if (info == null) {
                continue;
            }
            long used = 0;
            for (Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(pool.getKey())) {
                    used += pool.getValue().getUsed();
                }
            }
            max = Math.max(max, used);
        }
        return max;
    }

    /** Stops sampling and returns the peak in megabytes. */
    long stop() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
        return Math.max(peakBytes, liveAfterLastGc()) / (1024 * 1024);
    }
}
