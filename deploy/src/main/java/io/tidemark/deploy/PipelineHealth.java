package io.tidemark.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a series of looks at the pipeline means, judged by the alert thresholds operators use for CDC
 * pipelines: replication slot lag over 1 GiB (on MariaDB: the Debezium connector more than one binlog file behind,
 * a whole file of up to {@code max_binlog_size}, 1 GiB by default, lying between), consumer lag growing for over
 * 5 minutes, commit-to-apply latency over 30 s, an outbox backlog over 1000 rows.
 */
final class PipelineHealth {

    static final long SLOT_LAG_ALERT_BYTES = 1L << 30;
    static final long BINLOG_FILES_ALERT = 1;
    static final Duration LAG_GROWTH_ALERT = Duration.ofMinutes(5);
    static final Duration LATENCY_ALERT = Duration.ofSeconds(30);
    static final long OUTBOX_BACKLOG_ALERT = 1000;
    static final Duration LATENCY_WINDOW = Duration.ofMinutes(5);

    private record Sample<T>(Instant at, T value) {
    }

    private final Map<String, Deque<Sample<Duration>>> latencies = new LinkedHashMap<>();
    private final Map<String, Deque<Sample<Long>>> lagHistory = new HashMap<>();
    private PipelineSnapshot last;

    void record(PipelineSnapshot snapshot) {
        last = snapshot;
        snapshot.newLatencies().forEach((sink, values) -> {
            Deque<Sample<Duration>> window = latencies.computeIfAbsent(sink, k -> new ArrayDeque<>());
            values.forEach(l -> window.addLast(new Sample<>(snapshot.at(), l)));
        });
        Instant oldest = snapshot.at().minus(LATENCY_WINDOW);
        latencies.values().forEach(window -> {
            while (!window.isEmpty() && window.peekFirst().at().isBefore(oldest)) {
                window.removeFirst();
            }
        });
        snapshot.consumerLag().forEach((sink, lag) -> {
            Deque<Sample<Long>> history = lagHistory.computeIfAbsent(sink, k -> new ArrayDeque<>());
            history.addLast(new Sample<>(snapshot.at(), lag));
            // Keep one sample older than the growth window: the baseline the trend is judged against.
            while (history.size() > 2 && !secondOf(history).at().isAfter(snapshot.at().minus(LAG_GROWTH_ALERT))) {
                history.removeFirst();
            }
        });
    }

    private static <T> Sample<T> secondOf(Deque<Sample<T>> history) {
        var samples = history.iterator();
        samples.next();
        return samples.next();
    }

    PipelineSnapshot last() {
        return last;
    }

    /** The sink connectors of the last look, then any other with latency samples in the window. */
    List<String> sinks() {
        Set<String> sinks = new LinkedHashSet<>(last.consumerLag().keySet());
        sinks.addAll(last.unapplied().keySet());
        latencies.forEach((sink, window) -> {
            if (!window.isEmpty()) {
                sinks.add(sink);
            }
        });
        return List.copyOf(sinks);
    }

    /** The {@code percentile} (0-100) of {@code sink}'s latencies in the window, or null without samples. */
    Duration latencyPercentile(String sink, double percentile) {
        Deque<Sample<Duration>> window = latencies.get(sink);
        if (window == null || window.isEmpty()) {
            return null;
        }
        List<Duration> sorted = window.stream().map(Sample::value).sorted().toList();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    int latencySamples(String sink) {
        Deque<Sample<Duration>> window = latencies.get(sink);
        return window == null ? 0 : window.size();
    }

    /**
     * Whether {@code sink}'s lag has stayed above its value of more than five minutes ago ever since: the sink
     * never caught back down in the whole window, so the backlog is growing rather than breathing.
     */
    boolean lagGrowing(String sink) {
        Deque<Sample<Long>> history = lagHistory.get(sink);
        if (history == null || history.size() < 2) {
            return false;
        }
        Sample<Long> baseline = history.peekFirst();
        if (Duration.between(baseline.at(), last.at()).compareTo(LAG_GROWTH_ALERT) < 0) {
            return false;
        }
        return history.stream().skip(1).allMatch(s -> s.value() > baseline.value());
    }

    /** Every threshold crossed right now, as sentences for the status view; empty when healthy. */
    List<String> alerts() {
        List<String> alerts = new ArrayList<>();
        if (last == null) {
            return alerts;
        }
        if (last.sourceLag() instanceof SourceLag.Slot slot && slot.bytes() != null && slot.bytes() > SLOT_LAG_ALERT_BYTES) {
            alerts.add("replication slot lag " + StatusView.bytes(slot.bytes()) + " > 1 GiB");
        }
        if (last.sourceLag() instanceof SourceLag.Binlog binlog && binlog.debeziumGap() != null
                && binlog.debeziumGap().files() > BINLOG_FILES_ALERT) {
            alerts.add("binlog lag of Debezium " + StatusView.gap(binlog.debeziumGap()) + " > 1 file");
        }
        last.consumerLag().keySet().forEach(sink -> {
            if (lagGrowing(sink)) {
                alerts.add("consumer lag of " + sink + " growing for more than 5 min");
            }
        });
        for (String sink : sinks()) {
            Duration p99 = latencyPercentile(sink, 99);
            if (p99 != null && p99.compareTo(LATENCY_ALERT) > 0) {
                alerts.add("commit-to-apply latency p99 of " + sink + " " + StatusView.seconds(p99) + " > 30 s");
            }
        }
        if (last.outboxBacklog() != null && last.outboxBacklog() > OUTBOX_BACKLOG_ALERT) {
            alerts.add("outbox backlog " + last.outboxBacklog() + " rows > 1000");
        }
        return alerts;
    }
}
