package io.tidemark.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GcLogTest {

    private static final List<String> LOG = List.of(
            "[0.012s] Using Serial",
            "[1.503s] GC(0) Pause Young (Allocation Failure) 34M->6M(123M) 9.871ms",
            "[12.250s] GC(1) Pause Young (Allocation Failure) 40M->71M(123M) 20.101ms",
            "[30.001s] GC(2) Pause Full (Allocation Failure) 240M->52M(247M) 120.5ms",
            "[31,500s] GC(3) Pause Young (Allocation Failure) 1G->512K(2G) 1.0ms");

    @Test
    void readsEveryPauseWithItsUptimeKindAndOccupancy() {
        GcLog log = GcLog.parse(LOG);

        assertThat(log.pauses()).hasSize(4);
        assertThat(log.pauses().get(0)).isEqualTo(new GcLog.Pause(1.503, "Pause Young", 34L << 20, 6L << 20, 123L << 20));
        assertThat(log.pauses().get(3).uptimeSeconds()).isEqualTo(31.5);
        assertThat(log.pauses().get(3).beforeBytes()).isEqualTo(1L << 30);
        assertThat(log.pauses().get(3).afterBytes()).isEqualTo(512L << 10);
    }

    @Test
    void peaksAfterCollectionCountOnlyThePausesSinceTheGivenUptime() {
        GcLog log = GcLog.parse(LOG);

        assertThat(log.maxAfterBytes()).isEqualTo(71L << 20);
        assertThat(log.since(13).maxAfterBytes()).isEqualTo(52L << 20);
        assertThat(log.before(12.25).maxAfterBytes()).isEqualTo(6L << 20);
        assertThat(log.maxAfterFullBytes()).isEqualTo(52L << 20);
        assertThat(log.since(31).maxAfterFullBytes()).isZero();
        assertThat(GcLog.parse(List.of()).maxAfterBytes()).isZero();
    }
}
