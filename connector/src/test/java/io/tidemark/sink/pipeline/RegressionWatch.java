package io.tidemark.sink.pipeline;

import io.tidemark.testkit.Sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the target every 50 ms and records every row whose counter ({@code big}) is lower than a
 * value seen before: the observable form of a regressed row.
 */
final class RegressionWatch implements AutoCloseable {

    private final String database;
    private final Map<Integer, Long> highest = new HashMap<>();
    private final List<String> regressions = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int samples;

    RegressionWatch(String database) {
        this.database = database;
        this.thread = new Thread(this::run, "regression-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sample() {
        for (List<String> row : Sql.queryAsText(database, "SELECT id, big FROM customers WHERE big IS NOT NULL")) {
            int id = Integer.parseInt(row.get(0));
            long big = Long.parseLong(row.get(1));
            Long before = highest.get(id);
            if (before != null && big < before) {
                regressions.add("row " + id + " went from " + before + " back to " + big);
            }
            highest.merge(id, big, Math::max);
        }
        samples++;
    }

    synchronized List<String> regressions() {
        return List.copyOf(regressions);
    }

    synchronized int samples() {
        return samples;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
