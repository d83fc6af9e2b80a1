package io.tidemark.sink;

import org.apache.kafka.connect.sink.SinkRecord;

import java.util.List;

/**
 * How many records one target transaction takes, and whether records that arrive while one is being applied are
 * gathered for the next instead of making the worker wait (correctness.md §4.3). Caught up, a transaction takes at
 * most {@code batch.size} records; behind, with {@code batch.adaptive=true}, up to the adaptive limit: the records
 * that fit {@code batch.max.bytes} and the number the target applied in {@code batch.max.duration.ms} on the last
 * commit, never fewer than {@code batch.size}.
 *
 * <p>{@link #committed} runs on the apply thread, the rest on the task thread.
 */
final class TransactionSizer {

    private final boolean adaptive;
    private final int batchSize;
    private final long maxBytes;
    private final long maxDurationNanos;
    /** Records per nanosecond of the last committed transaction; 0 before the first. */
    private volatile double recordsPerNano;

    TransactionSizer(boolean adaptive, int batchSize, long maxBytes, long maxDurationMs) {
        this.adaptive = adaptive;
        this.batchSize = batchSize;
        this.maxBytes = maxBytes;
        this.maxDurationNanos = maxDurationMs * 1_000_000;
    }

    /** Whether more records join gathered records of {@code bytes}. */
    boolean gathers(long bytes) {
        return adaptive && bytes < maxBytes;
    }

    /**
     * Where the transaction that starts at {@code from} in {@code records} ends (exclusive), before it is extended to
     * a commit point.
     */
    int end(List<SinkRecord> records, int from) {
        int size = records.size();
        int byCount = (int) Math.min(size, (long) from + batchSize);
        if (!adaptive || byCount == size) {
            return byCount;
        }
        long most = recordsWithinDuration();
        long bytes = 0;
        int to = from;
        while (to < byCount) {
            bytes += RecordBytes.of(records.get(to++));
        }
        while (to < size && to - from < most && bytes < maxBytes) {
            bytes += RecordBytes.of(records.get(to++));
        }
        return to;
    }

    /** A transaction of {@code records} committed {@code nanos} after it began. */
    void committed(int records, long nanos) {
        if (records > 0 && nanos > 0) {
            recordsPerNano = (double) records / nanos;
        }
    }

    /** The records the target is expected to apply within batch.max.duration.ms; at least batch.size. */
    private long recordsWithinDuration() {
        double rate = recordsPerNano;
        if (rate == 0) {
            return batchSize;
        }
        return Math.max(batchSize, (long) Math.min(Integer.MAX_VALUE, rate * maxDurationNanos));
    }
}
