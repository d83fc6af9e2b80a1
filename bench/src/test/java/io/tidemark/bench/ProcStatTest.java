package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcStatTest {

    /** A real line's shape: pid, (comm), state, ppid, ..., utime (14), stime (15), cutime (16), cstime (17), .... */
    private static String line(String comm) {
        return "4242 (" + comm + ") S 17 4242 17 0 -1 4194560 1530 0 0 0 311 42 7 3 20 0 51 0 2210 4087259136"
                + " 58613 18446744073709551615 1 1 0 0 0 0 0 4096 17610 0 0 0 17 1 0 0 0 0 0";
    }

    @Test
    void readsTheTimesAndTheParentAfterTheName() {
        ProcStat stat = ProcStat.parse(line("postgres"));

        assertThat(stat).isEqualTo(new ProcStat(4242, "postgres", 17, 311, 42, 7, 3));
        assertThat(stat.ownTicks()).isEqualTo(353);
        assertThat(stat.withReapedChildren()).isEqualTo(363);
    }

    @Test
    void aNameWithSpacesAndParenthesesEndsAtTheLastParenthesis() {
        ProcStat stat = ProcStat.parse(line("KafkaBasedLog W"));
        assertThat(stat.comm()).isEqualTo("KafkaBasedLog W");
        assertThat(stat.utime()).isEqualTo(311);

        ProcStat tricky = ProcStat.parse(line("a) S 1 (b) 9 9"));
        assertThat(tricky.comm()).isEqualTo("a) S 1 (b) 9 9");
        assertThat(tricky.ppid()).isEqualTo(17);
        assertThat(tricky.cstime()).isEqualTo(3);
    }

    @Test
    void aLineThatIsNoStatLineFails() {
        assertThatThrownBy(() -> ProcStat.parse("4242 postgres S 17")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.parse("4242 (postgres) S 17 1 2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thisProcessHasCpuTimeAndThreads() {
        assertThat(ProcCpu.TICKS_PER_SECOND).isPositive();
        assertThat(ProcCpu.thisProcessTicks()).isNotNegative();
        assertThat(ProcCpu.threadsOfThisProcess()).isNotEmpty();
        assertThat(ProcCpu.microsPerEvent(-1, 10)).isNaN();
        assertThat(ProcCpu.microsPerEvent(ProcCpu.TICKS_PER_SECOND, 1_000_000)).isEqualTo(1.0);
    }

    @Test
    void threadNamesTellWorkerJvmAndBrokerApart() {
        assertThat(ThreadCpu.classify("task-thread-ben")).isEqualTo(ThreadCpu.Share.WORKER);
        assertThat(ThreadCpu.classify("tidemark-apply-")).isEqualTo(ThreadCpu.Share.WORKER);
        assertThat(ThreadCpu.classify("kafka-coordinat")).isEqualTo(ThreadCpu.Share.WORKER);
        assertThat(ThreadCpu.classify("GC Thread#0")).isEqualTo(ThreadCpu.Share.JVM);
        assertThat(ThreadCpu.classify("C2 CompilerThre")).isEqualTo(ThreadCpu.Share.JVM);
        assertThat(ThreadCpu.classify("data-plane-kafk")).isEqualTo(ThreadCpu.Share.BROKER);
        assertThat(ThreadCpu.classify("main")).isEqualTo(ThreadCpu.Share.BROKER);
    }
}
