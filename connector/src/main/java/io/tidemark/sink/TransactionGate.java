package io.tidemark.sink;

import io.tidemark.sink.event.SourceTransactions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Decides, {@code put()} by {@code put()}, what the task applies and how, so that target transactions end only at
 * source-transaction boundaries (correctness.md §4.1): it holds back each partition's possibly unfinished last
 * source transaction, streams one too large to hold into a target transaction kept open across calls, and after
 * such a transaction failed, seeks back and drops the copies of what it lost until they come again.
 *
 * <p>Plain and used by the task thread only; it reaches the worker through {@link Worker}.
 */
final class TransactionGate {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionGate.class);

    /** What the gate asks of the Connect worker. */
    interface Worker {
        /** Deliver {@code tp} again from {@code offset} ({@code SinkTaskContext.offset}). */
        void seek(TopicPartition tp, long offset);

        /** Call {@code put()} again within {@code ms}, with or without records ({@code SinkTaskContext.timeout}). */
        void callAgainWithin(long ms);
    }

    /** What the task does with the records of a {@code put()}. */
    sealed interface Step {
        /** Apply {@code records} in transactions the task sizes, extended to commit points if {@code atomic}. */
        record Apply(List<SinkRecord> records, boolean atomic) implements Step {
        }

        /** Write {@code records} into the open {@code transaction}, then commit it if {@code commit}. */
        record Write(OpenTransaction transaction, List<SinkRecord> records, boolean commit) implements Step {
        }
    }

    private final Predicate<Throwable> isTransient;
    private final SourceTransactions transactions;
    private final boolean atomicConfigured;
    private final int maxHeldRecords;
    private final SourceTransactions.Waits waits;
    private final LongFunction<OpenTransaction> opener;
    private final SinkTaskMetrics metrics;
    private final Worker worker;

    /** Records of source transactions whose end has not arrived yet; past every durable offset. */
    private List<SinkRecord> held = List.of();
    /** When a record of each partition last arrived, for the time bounds. */
    private final Map<TopicPartition, Long> lastArrivalNanos = new HashMap<>();
    /** The target transaction kept open across put() calls, or null; while it is open nothing is held. */
    private OpenTransaction open;
    private SourceTransactions.Open unfinished = SourceTransactions.Open.EMPTY;
    /** Per partition, the offsets of the first and the last record handed out to be written into {@link #open}. */
    private final Map<TopicPartition, Long> firstWritten = new HashMap<>();
    private final Map<TopicPartition, Long> lastWritten = new HashMap<>();
    /**
     * Partitions sought back after the open transaction failed, with the offset of the first record it lost: records
     * of the partition before that one comes again are copies from before the seek, and are dropped.
     */
    private final Map<TopicPartition, Long> rewoundTo = new HashMap<>();
    /**
     * Partitions whose records up to the given offset are applied as if atomic apply were off, because an open
     * transaction that reached it failed for a reason a retry will not cure: the bad record is isolated.
     */
    private final Map<TopicPartition, Long> splitUntil = new HashMap<>();

    /**
     * {@code opener} opens a target transaction at a {@link System#nanoTime()}; {@code atomic} is
     * atomic.source.transactions; {@code isTransient} tells a failure that passes with time (the target's dialect).
     */
    TransactionGate(SourceTransactions transactions, boolean atomic, int maxHeldRecords, SourceTransactions.Waits waits,
                    LongFunction<OpenTransaction> opener, SinkTaskMetrics metrics, Worker worker,
                    Predicate<Throwable> isTransient) {
        this.isTransient = isTransient;
        this.transactions = transactions;
        this.atomicConfigured = atomic;
        this.maxHeldRecords = maxHeldRecords;
        this.waits = waits;
        this.opener = opener;
        this.metrics = metrics;
        this.worker = worker;
    }

    /** Whether records are held back or written into an open transaction, so put() is to be called again soon. */
    boolean waiting() {
        return !held.isEmpty() || open != null;
    }

    /**
     * Whether a target transaction is kept open for a large source transaction: its records are written in
     * batch.size chunks as they come, so gathering them would only hold them in memory longer.
     */
    boolean streaming() {
        return open != null;
    }

    /** Whether records are applied at source-transaction boundaries now. */
    boolean atomic() {
        return atomicConfigured && splitUntil.isEmpty();
    }

    /** What to do with the records of a {@code put()} that arrived at {@code now}; null when nothing is to be done. */
    Step next(Collection<SinkRecord> records, long now) {
        forgetCommitted();
        List<SinkRecord> fresh = afterRewind(records);
        boolean atomic = atomic();
        for (SinkRecord record : fresh) {
            TopicPartition tp = partition(record);
            Long until = splitUntil.get(tp);
            if (until != null && record.kafkaOffset() >= until) {
                splitUntil.remove(tp);
            }
        }
        if (atomic) {
            for (SinkRecord record : fresh) {
                lastArrivalNanos.put(partition(record), now);
            }
        }
        if (open != null) {
            return continueOpenTransaction(fresh, now);
        }
        List<SinkRecord> all = new ArrayList<>(held.size() + fresh.size());
        all.addAll(held);
        all.addAll(fresh);
        held = List.of();
        if (!atomic) {
            return all.isEmpty() ? null : new Step.Apply(all, false);
        }
        SourceTransactions.Split split = transactions.split(all);
        if (split.held().size() > maxHeldRecords) {
            return openTransaction(all, split.held().size(), now);
        }
        transactions.forget(split.finished());
        List<SinkRecord> complete = new ArrayList<>(split.complete());
        List<SinkRecord> stillHeld = new ArrayList<>(split.held().size());
        long nextRelease = Long.MAX_VALUE;
        for (SinkRecord record : split.held()) {
            TopicPartition tp = partition(record);
            long since = lastArrivalNanos.get(tp);
            long wait = split.awaitingEnd().contains(tp) ? waits.endNanos() : waits.idleNanos();
            if (now - since >= wait) {
                complete.add(record);
            } else {
                stillHeld.add(record);
                nextRelease = Math.min(nextRelease, since + wait - now);
            }
        }
        held = stillHeld;
        lastArrivalNanos.keySet().retainAll(partitions(held));
        if (!held.isEmpty()) {
            worker.callAgainWithin(Math.max(1, nextRelease / 1_000_000));
        }
        return complete.isEmpty() ? null : new Step.Apply(complete, true);
    }

    /** The held records outgrew atomic.max.held.records: they and the rest of {@code all} go into a new transaction. */
    private Step openTransaction(List<SinkRecord> all, int heldRecords, long now) {
        metrics.recordStreamedTransaction();
        LOG.info("Unfinished source transactions hold {} records, more than atomic.max.held.records={}; writing them"
                + " into a target transaction kept open until they are complete", heldRecords, maxHeldRecords);
        open = opener.apply(now);
        SourceTransactions.Advance advance = transactions.advance(SourceTransactions.Open.EMPTY, now, all,
                lastArrivalNanos, now, waits);
        unfinished = advance.open();
        wakeFor(advance);
        return write(all, false);
    }

    /**
     * The records go into the open transaction, which commits at the last point where every source transaction in it
     * is complete; the records after that point are held for the next put(), which handles them as usual.
     */
    private Step continueOpenTransaction(List<SinkRecord> records, long now) {
        SourceTransactions.Advance advance = transactions.advance(unfinished, open.openedNanos(), records,
                lastArrivalNanos, now, waits);
        if (advance.commitAfter() < 0) {
            unfinished = advance.open();
            wakeFor(advance);
            return records.isEmpty() ? null : write(records, false);
        }
        held = new ArrayList<>(records.subList(advance.commitAfter(), records.size()));
        if (!held.isEmpty()) {
            worker.callAgainWithin(1);
        }
        return write(records.subList(0, advance.commitAfter()), true);
    }

    private void wakeFor(SourceTransactions.Advance advance) {
        if (advance.wakeNanos() != Long.MAX_VALUE) {
            worker.callAgainWithin(Math.max(1, advance.wakeNanos() / 1_000_000));
        }
    }

    private Step write(List<SinkRecord> records, boolean commit) {
        for (SinkRecord record : records) {
            TopicPartition tp = partition(record);
            firstWritten.putIfAbsent(tp, record.kafkaOffset());
            lastWritten.put(tp, record.kafkaOffset());
        }
        return new Step.Write(open, List.copyOf(records), commit);
    }

    /** Once the task has seen the open transaction commit, it is done with. */
    private void forgetCommitted() {
        if (open != null && open.committed()) {
            open = null;
            unfinished = SourceTransactions.Open.EMPTY;
            firstWritten.clear();
            lastWritten.clear();
        }
    }

    /**
     * {@code records} less those of partitions sought back that come before the first record the failed transaction
     * lost: copies from before the seek (a batch Connect delivers again after a retriable error, or one polled before
     * the seek took effect).
     */
    private List<SinkRecord> afterRewind(Collection<SinkRecord> records) {
        if (rewoundTo.isEmpty()) {
            return records instanceof List<SinkRecord> list ? list : new ArrayList<>(records);
        }
        List<SinkRecord> fresh = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            TopicPartition tp = partition(record);
            Long first = rewoundTo.get(tp);
            if (first != null && record.kafkaOffset() == first) {
                rewoundTo.remove(tp);
                first = null;
            }
            if (first == null) {
                fresh.add(record);
            }
        }
        return fresh;
    }

    /**
     * The open transaction failed and is rolled back: each partition it, or the records held after it, had records of
     * seeks back to the first of them, and what is held is dropped. Unless the failure is transient, the records up to
     * the last one it reached are then applied as if atomic apply were off, so that the bad record is isolated.
     */
    void failed(Throwable failure) {
        abandon(failure, Set.of());
    }

    /** Partitions are revoked: an open transaction with records of them is rolled back, the others seek back. */
    void revoked(Collection<TopicPartition> partitions) {
        forgetCommitted();
        held = held.stream().filter(r -> !partitions.contains(partition(r))).toList();
        if (open != null && firstWritten.keySet().stream().anyMatch(partitions::contains)) {
            open.abandon();
            abandon(null, partitions);
        }
        partitions.forEach(lastArrivalNanos::remove);
        partitions.forEach(rewoundTo::remove);
        partitions.forEach(splitUntil::remove);
    }

    /** The task stops: an open transaction is rolled back; its records come again from the watermark. */
    void stop() {
        if (open != null && !open.committed()) {
            open.abandon();
        }
        open = null;
    }

    private void abandon(Throwable failure, Collection<TopicPartition> revoked) {
        Map<TopicPartition, Long> first = new HashMap<>(firstWritten);
        Map<TopicPartition, Long> last = new HashMap<>(lastWritten);
        for (SinkRecord record : held) {
            first.merge(partition(record), record.kafkaOffset(), Math::min);
            last.merge(partition(record), record.kafkaOffset(), Math::max);
        }
        open = null;
        unfinished = SourceTransactions.Open.EMPTY;
        firstWritten.clear();
        lastWritten.clear();
        held = List.of();
        first.keySet().removeAll(revoked);
        last.keySet().removeAll(revoked);
        first.forEach(worker::seek);
        rewoundTo.putAll(first);
        boolean transientFailure = failure == null || isTransient.test(failure);
        if (!transientFailure) {
            splitUntil.putAll(last);
            metrics.recordSplitTransaction();
        }
        LOG.warn("The target transaction kept open for a large source transaction was rolled back ({}); reading its"
                        + " records again from {}{}", failure == null ? "partitions revoked" : failure.toString(), first,
                transientFailure ? "" : ", applying them in several target transactions to isolate the record that causes it");
    }

    private static TopicPartition partition(SinkRecord record) {
        return new TopicPartition(record.topic(), record.kafkaPartition());
    }

    private static Set<TopicPartition> partitions(List<SinkRecord> records) {
        Set<TopicPartition> partitions = new HashSet<>();
        records.forEach(r -> partitions.add(partition(r)));
        return partitions;
    }
}
