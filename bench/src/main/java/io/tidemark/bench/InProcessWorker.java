package io.tidemark.bench;

import io.tidemark.testkit.ConnectWorld;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;

import java.util.Map;

/**
 * The worker of the benchmark's own {@link ConnectWorld}: broker, worker and task share this JVM, so its heap
 * figure bounds the task's from above.
 */
record InProcessWorker(ConnectWorld world) implements SinkWorker {

    @Override
    public void postConnector(String name, Map<String, String> config) {
        world.postConnector(name, config);
    }

    @Override
    public String bootstrapServers() {
        return world.bootstrapServers();
    }

    @Override
    public void deleteConnector(String name) {
        world.deleteConnector(name);
    }

    @Override
    public String failure(String name) {
        ConnectorStateInfo status;
        try {
            status = world.cluster().connectorStatus(name);
        } catch (ConnectRestException e) {
            // The worker answers 404 until it has written the new connector's first status.
            return null;
        }
        if (status != null && ("FAILED".equals(status.connector().state())
                || status.tasks().stream().anyMatch(t -> "FAILED".equals(t.state())))) {
            return world.describe(name);
        }
        return null;
    }

    /** Broker, worker and task share this JVM: its threads tell them apart ({@link ThreadCpu}). */
    @Override
    public CpuMeter measureCpu() {
        ThreadCpu threads = new ThreadCpu();
        return what -> {
            var ticks = threads.stop(what);
            return new CpuUse(ticks.get(ThreadCpu.Share.WORKER), CpuUse.NOT_MEASURED, ticks.get(ThreadCpu.Share.BROKER),
                    ticks.get(ThreadCpu.Share.JVM));
        };
    }

    @Override
    public HeapMeter measureHeap() {
        return new HeapPeak()::stop;
    }
}
