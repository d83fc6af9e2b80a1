package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GcLogTest {

    @Test
    void peakIsTheLargestHeapLeftAfterAnyPause() {
        List<String> lines = List.of(
                "[0.012s][info][gc] Using G1",
                "[1.234s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->6M(256M) 4.021ms",
                "[5.678s][info][gc] GC(1) Pause Young (Concurrent Start) (G1 Evacuation Pause) 180M->97M(256M) 9.5ms",
                "[5.690s][info][gc] GC(2) Concurrent Mark Cycle",
                "[5.801s][info][gc] GC(2) Pause Remark 120M->118M(256M) 2.1ms",
                "[6.000s][info][gc] GC(3) Pause Full (G1 Compaction Pause) 250M->60M(256M) 80.0ms",
                "[7.000s][info][gc] GC(4) Pause Young (Normal) (G1 Evacuation Pause) 1G->102400K(2G) 12.0ms");

        assertThat(GcLog.peakAfterGcMegabytes(lines)).isEqualTo(118);
    }

    @Test
    void noCollectionMeansNoPeak() {
        assertThat(GcLog.peakAfterGcMegabytes(List.of("[0.012s][info][gc] Using G1"))).isZero();
    }
}
