package io.tidemark.bench;

/**
 * The CPU one contender run took, in clock ticks, from {@code /proc}; {@link #NOT_MEASURED} where a share has no
 * process or threads of its own.
 *
 * @param sink     the sink's Connect worker (its JVM, or its threads in the benchmark's JVM); for the raw limits the
 *                 benchmark's JVM, which does their Java work
 * @param database the target database server's processes
 * @param broker   the broker: the benchmark's JVM, or its threads other than the worker's and the JVM's own
 * @param jvm      the garbage collector and JIT threads of a JVM that broker and worker share
 */
record CpuUse(long sink, long database, long broker, long jvm) {

    static final long NOT_MEASURED = -1;

    CpuUse withDatabase(long ticks) {
        return new CpuUse(sink, ticks, broker, jvm);
    }

    /** The sum of the measured shares. */
    long total() {
        return Math.max(sink, 0) + Math.max(database, 0) + Math.max(broker, 0) + Math.max(jvm, 0);
    }
}
