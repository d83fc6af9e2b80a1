package io.tidemark.bench;

/**
 * The timed stretch of one contender run: its wall time, with the CPU meters started right before the clock starts
 * and stopped right after it stops, so both cover the same work.
 */
final class Stretch {

    private final Runnable atStart;
    private final Runnable atEnd;
    private long start;
    private long nanos = -1;

    Stretch(Runnable atStart, Runnable atEnd) {
        this.atStart = atStart;
        this.atEnd = atEnd;
    }

    /** A stretch with nothing measured besides its time. */
    static Stretch untimed() {
        return new Stretch(() -> { }, () -> { });
    }

    void start() {
        atStart.run();
        start = System.nanoTime();
    }

    void end() {
        nanos = System.nanoTime() - start;
        atEnd.run();
    }

    /** The elapsed nanoseconds between {@link #start()} and {@link #end()}. */
    long nanos() {
        if (nanos < 0) {
            throw new IllegalStateException("the stretch has not ended");
        }
        return nanos;
    }
}
