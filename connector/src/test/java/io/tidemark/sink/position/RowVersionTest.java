package io.tidemark.sink.position;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowVersionTest {

    @Test
    void ordersAsUnsigned128BitNumbers() {
        assertThat(new RowVersion(0, -1L).isAfter(new RowVersion(0, Long.MAX_VALUE))).as("low word unsigned").isTrue();
        assertThat(new RowVersion(1, 0).isAfter(new RowVersion(0, -1L))).as("high word first").isTrue();
        assertThat(RowVersion.of(5).compareTo(RowVersion.of(5))).isZero();
        assertThat(RowVersion.of(4).isAfter(RowVersion.of(5))).isFalse();
    }

    @Test
    void decimalIsTheNumberTheNumericColumnStores() {
        assertThat(RowVersion.of(23803720).decimal()).isEqualTo("23803720");
        assertThat(new RowVersion(3, (4711L << 32) | 2).decimal()).as("3 × 2^64 + 4711 × 2^32 + 2")
                .isEqualTo("55340252454719586306");
        assertThat(new RowVersion(Integer.MAX_VALUE, -1L).decimal()).as("the largest binlog position fits numeric(38,0)")
                .hasSizeLessThanOrEqualTo(38);
    }

    @Test
    void onlyLsnsFitTheBigintColumnsOfTheOldLayout() {
        assertThat(RowVersion.of(Long.MAX_VALUE).fitsInt64()).isTrue();
        assertThat(new RowVersion(0, -1L).fitsInt64()).isFalse();
        assertThat(new RowVersion(1, 0).fitsInt64()).isFalse();
        assertThatThrownBy(() -> new RowVersion(1, 0).int64()).isInstanceOf(IllegalStateException.class);
    }
}
