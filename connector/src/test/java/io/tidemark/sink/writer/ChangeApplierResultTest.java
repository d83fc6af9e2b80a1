package io.tidemark.sink.writer;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeApplierResultTest {

    private static ChangeApplier.Result result(long offset, Long sourceTs) {
        return new ChangeApplier.Result(Map.of(new TopicPartition("t", 0), offset), Map.of(), 1, 1, 0, 0, 0, 0, 0, sourceTs);
    }

    @Test
    void resultsAddUpAndKeepTheNewestSourceTimeWhicheverSideLacksOne() {
        assertThat(result(5, 100L).plus(result(6, null)).lastSourceTsMs()).isEqualTo(100L);
        assertThat(result(5, null).plus(result(6, 200L)).lastSourceTsMs()).isEqualTo(200L);
        assertThat(result(5, 300L).plus(result(6, 200L)).lastSourceTsMs()).isEqualTo(300L);
        assertThat(result(5, null).plus(result(6, null)).lastSourceTsMs()).isNull();
        ChangeApplier.Result both = result(5, 1L).plus(result(6, 2L));
        assertThat(both.nextOffsets()).containsEntry(new TopicPartition("t", 0), 6L);
        assertThat(both.records()).isEqualTo(2);
    }
}
