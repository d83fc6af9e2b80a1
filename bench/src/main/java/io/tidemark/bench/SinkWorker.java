package io.tidemark.bench;

import java.util.Map;

/** The Connect worker a sink contender runs in: connectors are posted to it and removed over its REST API. */
interface SinkWorker {

    void postConnector(String name, Map<String, String> config);

    void deleteConnector(String name);

    /** A description of the connector's failure, or null while neither it nor any of its tasks is FAILED. */
    String failure(String name);

    /** Starts measuring the heap of the JVM the sinks run in. */
    HeapMeter measureHeap();

    /** The consumer offsets the sink connector {@code name} has committed, by partition of the benchmark topic. */
    default Map<Integer, Long> committedOffsets(String name) {
        return ConsumerOffsets.committed(bootstrapServers(), "connect-" + name);
    }

    /** The broker the worker reads from. */
    String bootstrapServers();

    /** Starts measuring the CPU of the sink's worker and of the broker. */
    CpuMeter measureCpu();

    /** A running CPU measurement. */
    interface CpuMeter {
        /** Stops measuring; returns the ticks of sink, broker and shared JVM, the database's not measured. */
        CpuUse stop(String what);
    }

    /** A running heap measurement. */
    interface HeapMeter {
        /** Stops measuring; returns the largest heap occupancy left after a garbage collection, in megabytes. */
        long stop() throws Exception;
    }
}
