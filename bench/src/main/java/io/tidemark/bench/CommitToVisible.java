package io.tidemark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches source changes with the target writes that made them visible and summarises the delays.
 * A change is visible once the target holds it or something newer of its row: the sink folds several
 * changes of a row in one batch into the last, so an insert followed by an update becomes visible with
 * the update's write.
 */
final class CommitToVisible {

    /** A source change: {@code version} is its sequence number (the row's {@code version} column after it). */
    record Committed(long id, long version, boolean delete, long committedMicros) {
    }

    /** A row write in the target, when its transaction committed; {@code version} is null for a delete marker. */
    record Visible(long id, Long version, boolean deleted, long visibleMicros) {
    }

    /** Latency percentiles in microseconds, nearest-rank. */
    record Summary(int changes, long p50, long p95, long p99, long max) {
    }

    private CommitToVisible() {
    }

    /**
     * The commit-to-visible delay of every change, in microseconds, in the order given.
     *
     * @throws IllegalStateException when a change never became visible
     */
    static long[] latencies(List<Committed> committed, Collection<Visible> visible) {
        Map<Long, List<Visible>> byRow = new HashMap<>();
        for (Visible v : visible) {
            byRow.computeIfAbsent(v.id(), id -> new ArrayList<>()).add(v);
        }
        byRow.values().forEach(writes -> writes.sort(Comparator.comparingLong(Visible::visibleMicros)));
        long[] latencies = new long[committed.size()];
        for (int i = 0; i < latencies.length; i++) {
            Committed change = committed.get(i);
            Visible shown = firstShowing(change, byRow.getOrDefault(change.id(), List.of()));
            if (shown == null) {
                throw new IllegalStateException("change " + change + " never became visible in the target");
            }
            latencies[i] = shown.visibleMicros() - change.committedMicros();
        }
        return latencies;
    }

    private static Visible firstShowing(Committed change, List<Visible> writes) {
        for (Visible write : writes) {
            if (write.deleted() || (!change.delete() && write.version() != null && write.version() >= change.version())) {
                return write;
            }
        }
        return null;
    }

    /**
     * The commit-to-Kafka delay of every change, in microseconds (the append times have millisecond
     * resolution), in the order given.
     *
     * @throws IllegalStateException when a change never reached Kafka
     */
    static long[] toKafka(List<Committed> committed, Map<Long, Long> upsertMillisByVersion,
                          Map<Long, Long> deleteMillisById) {
        long[] latencies = new long[committed.size()];
        for (int i = 0; i < latencies.length; i++) {
            Committed change = committed.get(i);
            Long millis = change.delete() ? deleteMillisById.get(change.id()) : upsertMillisByVersion.get(change.version());
            if (millis == null) {
                throw new IllegalStateException("change " + change + " never reached Kafka");
            }
            latencies[i] = millis * 1000 - change.committedMicros();
        }
        return latencies;
    }

    /** {@code total} minus {@code part}, element by element: the rest of each change's delay. */
    static long[] minus(long[] total, long[] part) {
        long[] rest = new long[total.length];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = total[i] - part[i];
        }
        return rest;
    }

    static Summary summarise(long[] latencies) {
        if (latencies.length == 0) {
            throw new IllegalArgumentException("no changes to summarise");
        }
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Summary(sorted.length, percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile of sorted values: the smallest value with at least p% of all at or below it. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
