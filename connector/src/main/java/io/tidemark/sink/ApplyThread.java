package io.tidemark.sink;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A thread of its own that runs one batch at a time, so the worker's task thread can poll and convert the next
 * batch while the database applies this one. The caller starts a batch only after {@link #await()} has seen the
 * previous one finish, which keeps batches in order and never two at once.
 */
final class ApplyThread {

    /** The work of one batch. */
    @FunctionalInterface
    interface Batch {
        void apply() throws Exception;
    }

    private final ExecutorService executor;
    private Future<?> inFlight;

    ApplyThread(String name) {
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts {@code batch} on the thread. */
    void start(Batch batch) {
        if (inFlight != null) {
            throw new IllegalStateException("a batch is still in flight; await() it first");
        }
        inFlight = executor.submit(() -> {
            batch.apply();
            return null;
        });
    }

    /** Whether a batch was started and has not been awaited yet. */
    boolean started() {
        return inFlight != null;
    }

    /** Whether a batch was started and is still running. */
    boolean busy() {
        return inFlight != null && !inFlight.isDone();
    }

    /**
     * Waits for the batch started last, if it has not been awaited yet. Returns null when it completed (or there
     * was none), otherwise what it threw.
     *
     * @throws InterruptedException if the caller is interrupted while waiting; the batch stays in flight
     */
    Throwable await() throws InterruptedException {
        if (inFlight == null) {
            return null;
        }
        try {
            inFlight.get();
            inFlight = null;
            return null;
        } catch (ExecutionException e) {
            inFlight = null;
            return e.getCause();
        }
    }

    /**
     * Lets the batch in flight finish for up to {@code timeoutMs}, then stops the thread; returns whether the
     * batch finished in time.
     */
    boolean close(long timeoutMs) {
        executor.shutdown();
        try {
            return executor.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            executor.shutdownNow();
        }
    }
}
