package io.tidemark.sink;

import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Collection;

/**
 * How many records one target transaction takes, and whether records that arrive while one is being applied are
 * gathered for the next instead of making the worker wait (correctness.md §4.3). Caught up, a transaction takes at
 * most {@code batch.size} records; behind, with {@code batch.adaptive=true}, up to the adaptive limit: the records
 * that fit {@code batch.max.bytes} and the number the target applied in {@code batch.max.duration.ms} on the last
 * commit, never fewer than {@code batch.size}.
 *
 * <p>Records are weighed where they arrive, on the task thread, while the converter has just written them: walking
 * records that have gone cold in memory costs more than applying them. One record in {@value #SAMPLE_EVERY} is
 * weighed ({@link RecordBytes}) and stands for the records around it.
 *
 * <p>{@link #committed} and {@link #end} run on the apply thread, the rest on the task thread.
 */
final class TransactionSizer {

    static final int SAMPLE_EVERY = 16;

    private final boolean adaptive;
    private final int batchSize;
    private final long maxBytes;
    private final long maxDurationNanos;
    /** Records per nanosecond of the last committed transaction; 0 before the first. */
    private volatile double recordsPerNano;
    /** The estimated bytes of a record, as weighed in the last put() that had records; 0 before the first. */
    private volatile double bytesPerRecord;

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

    /** The estimated bytes of {@code records}, which have just arrived; they are what the next estimates go by. */
    long weigh(Collection<SinkRecord> records) {
        if (!adaptive || records.isEmpty()) {
            return 0;
        }
        long sampled = 0;
        int samples = 0;
        int i = 0;
        for (SinkRecord record : records) {
            if (i++ % SAMPLE_EVERY == 0) {
                sampled += RecordBytes.of(record);
                samples++;
            }
        }
        double each = (double) sampled / samples;
        bytesPerRecord = each;
        return (long) (each * records.size());
    }

    /**
     * Where the transaction that starts at {@code from} in {@code size} records ends (exclusive), before it is
     * extended to a commit point.
     */
    int end(int size, int from) {
        long most = batchSize;
        if (adaptive) {
            double each = bytesPerRecord;
            long byBytes = each > 0 ? (long) (maxBytes / each) : batchSize;
            most = Math.max(batchSize, Math.min(byBytes, recordsWithinDuration()));
        }
        return (int) Math.min(size, from + most);
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
