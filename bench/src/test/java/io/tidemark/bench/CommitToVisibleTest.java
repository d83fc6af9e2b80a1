package io.tidemark.bench;

import io.tidemark.bench.CommitToVisible.Committed;
import io.tidemark.bench.CommitToVisible.Visible;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommitToVisibleTest {

    @Test
    void aChangeIsVisibleAtTheFirstWriteOfItsVersionOrANewerOne() {
        List<Committed> committed = List.of(
                new Committed(1, 1, false, 1_000),
                new Committed(1, 2, false, 1_100),
                new Committed(2, 3, false, 1_200),
                new Committed(1, 4, false, 1_300));
        List<Visible> visible = List.of(
                new Visible(1, 4L, false, 9_000),
                new Visible(2, 3L, false, 5_000),
                // Folded by the sink: versions 1 and 2 of row 1 first show with version 2.
                new Visible(1, 2L, false, 3_000));

        assertThat(CommitToVisible.latencies(committed, visible)).containsExactly(2_000, 1_900, 3_800, 7_700);
    }

    @Test
    void aDeleteIsVisibleAtTheDeleteMarkerAndSoIsAnyEarlierChangeFoldedIntoIt() {
        List<Committed> committed = List.of(
                new Committed(7, 10, false, 100),
                new Committed(7, 11, true, 200));
        List<Visible> visible = List.of(new Visible(7, null, true, 700));

        assertThat(CommitToVisible.latencies(committed, visible)).containsExactly(600, 500);
    }

    @Test
    void aWriteOfAnOlderVersionDoesNotShowANewerChange() {
        List<Committed> committed = List.of(new Committed(3, 5, false, 0));
        List<Visible> visible = List.of(new Visible(3, 4L, false, 10));

        assertThatThrownBy(() -> CommitToVisible.latencies(committed, visible))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("never became visible");
    }

    @Test
    void theDelayToKafkaIsMatchedByVersionForUpsertsAndByRowForDeletes() {
        List<Committed> committed = List.of(
                new Committed(1, 1, false, 1_000_500),
                new Committed(1, 2, true, 1_000_900));

        long[] toKafka = CommitToVisible.toKafka(committed, Map.of(1L, 1_003L), Map.of(1L, 1_010L));

        assertThat(toKafka).containsExactly(2_500, 9_100);
        assertThat(CommitToVisible.minus(new long[] {10_000, 20_000}, toKafka)).containsExactly(7_500, 10_900);
        assertThatThrownBy(() -> CommitToVisible.toKafka(committed, Map.of(), Map.of(1L, 1_010L)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("never reached Kafka");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i;
        }
        CommitToVisible.Summary summary = CommitToVisible.summarise(values);

        assertThat(summary).isEqualTo(new CommitToVisible.Summary(100, 50, 95, 99, 100));
        assertThat(CommitToVisible.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(CommitToVisible.percentile(new long[] {1, 2, 3}, 50)).isEqualTo(2);
    }
}
