package io.tidemark.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The worker's side of a sink task, recording what the task asks of it: seeks, timeouts, pauses and resumes, commit
 * requests and the records it reports as errant (the dead-letter queue with {@code errors.tolerance=all}, or a refusal
 * as with {@code errors.tolerance=none}). Connect serves a task on the thread that calls it; a call from any other
 * thread is recorded in {@link #callsOffTaskThread}.
 */
public final class FakeSinkTaskContext implements SinkTaskContext {

    /** A record the task reported, with the error it gave. */
    record Reported(SinkRecord record, Throwable error) {
    }

    private final Thread taskThread = Thread.currentThread();
    private boolean tolerateErrors = true;

    /** The latest seek of each partition. */
    final Map<TopicPartition, Long> seeks = new LinkedHashMap<>();
    final List<Long> timeouts = new ArrayList<>();
    /** "pause" or "resume" and the partition, in order. */
    final List<String> pausesAndResumes = new ArrayList<>();
    int commitRequests;
    final List<Reported> reported = new ArrayList<>();
    /** What was asked of the worker from a thread other than the one that made this context. */
    final List<String> callsOffTaskThread = Collections.synchronizedList(new ArrayList<>());

    /** From now on, reports of errant records are refused, as Connect refuses them with errors.tolerance=none. */
    void refuseErrantRecords() {
        tolerateErrors = false;
    }

    @Override
    public Map<String, String> configs() {
        throw new UnsupportedOperationException("the task reads its configuration in start()");
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        onTaskThread("offset");
        seeks.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        onTaskThread("offset");
        seeks.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        onTaskThread("timeout");
        timeouts.add(timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
        throw new UnsupportedOperationException("the task does not ask for its assignment");
    }

    @Override
    public void pause(TopicPartition... partitions) {
        onTaskThread("pause");
        for (TopicPartition tp : partitions) {
            pausesAndResumes.add("pause " + tp);
        }
    }

    @Override
    public void resume(TopicPartition... partitions) {
        onTaskThread("resume");
        for (TopicPartition tp : partitions) {
            pausesAndResumes.add("resume " + tp);
        }
    }

    @Override
    public void requestCommit() {
        onTaskThread("requestCommit");
        commitRequests++;
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        return (record, error) -> {
            onTaskThread("report");
            if (!tolerateErrors) {
                throw new ConnectException("Tolerance exceeded in error handler", error);
            }
            reported.add(new Reported(record, error));
            return CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        throw new UnsupportedOperationException("the task registers no plugin metrics");
    }

    private void onTaskThread(String call) {
        if (Thread.currentThread() != taskThread) {
            callsOffTaskThread.add(call + " from " + Thread.currentThread().getName());
        }
    }
}
