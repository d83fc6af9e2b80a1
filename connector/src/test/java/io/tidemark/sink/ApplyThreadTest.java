package io.tidemark.sink;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplyThreadTest {

    private final ApplyThread thread = new ApplyThread("apply-test");

    @AfterEach
    void stop() {
        thread.close(1_000);
    }

    @Test
    void batchRunsOnANamedDaemonThreadWhileTheCallerGoesOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        thread.start(() -> {
            ranOn.set(Thread.currentThread());
            assertTrue(release.await(10, TimeUnit.SECONDS));
        });

        assertTrue(thread.started());
        assertTrue(thread.busy(), "the batch waits for the caller, so it is still running");
        release.countDown();
        assertNull(thread.await());
        assertFalse(thread.started());
        assertFalse(thread.busy());
        assertEquals("apply-test", ranOn.get().getName());
        assertTrue(ranOn.get().isDaemon());
        assertNotSame(Thread.currentThread(), ranOn.get());
    }

    @Test
    void awaitReturnsWhatTheBatchThrewAndTheNextBatchStillRuns() throws Exception {
        SQLTransientConnectionException down = new SQLTransientConnectionException("connection refused");
        thread.start(() -> {
            throw down;
        });
        assertSame(down, thread.await());

        List<String> done = new ArrayList<>();
        thread.start(() -> done.add("second"));
        assertNull(thread.await());
        assertEquals(List.of("second"), done);
    }

    @Test
    void awaitWithoutABatchReturnsAtOnce() throws Exception {
        assertFalse(thread.started());
        assertNull(thread.await());
    }

    @Test
    void aSecondBatchIsRefusedUntilTheFirstIsAwaited() throws Exception {
        thread.start(() -> { });
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> thread.start(() -> { }));
        assertTrue(refused.getMessage().contains("await()"), refused.getMessage());
        assertNull(thread.await());
    }

    @Test
    void batchesRunOneAtATimeInTheOrderStarted() throws Exception {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 100; i++) {
            int n = i;
            thread.start(() -> order.add(n));
            assertNull(thread.await());
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void closeLetsTheBatchInFlightFinish() {
        CountDownLatch finished = new CountDownLatch(1);
        thread.start(() -> {
            Thread.sleep(200);
            finished.countDown();
        });
        assertTrue(thread.close(10_000));
        assertEquals(0, finished.getCount());
    }

    @Test
    void closeGivesUpOnABatchThatOutlastsTheTimeoutAndInterruptsIt() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        thread.start(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        assertFalse(thread.close(100));
        assertTrue(interrupted.await(10, TimeUnit.SECONDS));
    }

    @Test
    void awaitInterruptedLeavesTheBatchInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        thread.start(() -> assertTrue(release.await(10, TimeUnit.SECONDS)));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, thread::await);
        assertTrue(thread.started(), "the batch is still the caller's to await");
        release.countDown();
        assertNull(thread.await());
    }
}
