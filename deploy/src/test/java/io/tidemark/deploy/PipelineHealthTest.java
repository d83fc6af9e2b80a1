package io.tidemark.deploy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineHealthTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void latencyPercentilesCoverTheLastFiveMinutesOnly() {
        PipelineHealth health = new PipelineHealth();
        health.record(look(T0, 0, List.of(Duration.ofSeconds(40))));
        List<Duration> fast = IntStream.rangeClosed(1, 100).mapToObj(Duration::ofMillis).toList();
        health.record(look(T0.plus(Duration.ofMinutes(6)), 0, fast));

        assertThat(health.latencySamples()).isEqualTo(100);
        assertThat(health.latencyPercentile(50)).isEqualTo(Duration.ofMillis(50));
        assertThat(health.latencyPercentile(99)).isEqualTo(Duration.ofMillis(99));
        assertThat(health.alerts()).isEmpty();
    }

    @Test
    void latencyAboveThirtySecondsAlerts() {
        PipelineHealth health = new PipelineHealth();
        health.record(look(T0, 0, List.of(Duration.ofSeconds(1), Duration.ofSeconds(31))));
        assertThat(health.alerts()).singleElement().asString().contains("latency p99 31.00 s > 30 s");
    }

    @Test
    void lagThatNeverFallsBackForFiveMinutesIsGrowing() {
        PipelineHealth health = new PipelineHealth();
        for (int minute = 0; minute <= 6; minute++) {
            health.record(look(T0.plus(Duration.ofMinutes(minute)), 100 + minute * 50L, List.of()));
        }
        assertThat(health.lagGrowing("sink")).isTrue();
        assertThat(health.alerts()).singleElement().asString().contains("consumer lag of sink growing");
    }

    @Test
    void lagThatBreathesIsNotGrowingEvenWhenHigh() {
        PipelineHealth health = new PipelineHealth();
        long[] lags = {500, 900, 700, 400, 800, 950, 990};
        for (int minute = 0; minute < lags.length; minute++) {
            health.record(look(T0.plus(Duration.ofMinutes(minute)), lags[minute], List.of()));
        }
        assertThat(health.lagGrowing("sink")).isFalse();
    }

    @Test
    void lagGrowingForLessThanFiveMinutesIsNotAnAlertYet() {
        PipelineHealth health = new PipelineHealth();
        for (int minute = 0; minute <= 4; minute++) {
            health.record(look(T0.plus(Duration.ofMinutes(minute)), 100 + minute * 50L, List.of()));
        }
        assertThat(health.lagGrowing("sink")).isFalse();
    }

    @Test
    void slotLagAndOutboxBacklogAlertAboveTheirThresholds() {
        PipelineHealth health = new PipelineHealth();
        health.record(new PipelineSnapshot(T0, 10L, 10L, (1L << 30) + 1, true, Map.of(), List.of(), 5L, 1001L,
                Map.of(), List.of()));
        assertThat(health.alerts()).containsExactly("replication slot lag 1.0 GiB > 1 GiB", "outbox backlog 1001 rows > 1000");
        health.record(new PipelineSnapshot(T0, 10L, 10L, 1L << 30, true, Map.of(), List.of(), 5L, 1000L, Map.of(), List.of()));
        assertThat(health.alerts()).isEmpty();
    }

    @Test
    void statusTableShowsEveryMetricWithItsThreshold() {
        PipelineHealth health = new PipelineHealth();
        health.record(new PipelineSnapshot(T0, 178L, 170L, 2048L, true, Map.of("shop-orders-merge", 12L),
                List.of(Duration.ofMillis(300)), 196L, 14L, Map.of("shop-orders-merge", "RUNNING"), List.of()));
        String table = String.join("\n", StatusView.table(health, "headline"));
        assertThat(table).contains("source 178   target 170   catching up (8)", "tidemark_shop 2.0 KiB", "alert > 1 GiB",
                "shop-orders-merge 12 msgs", "alert: growing > 5 min", "p50 0.30 s   p99 0.30 s", "alert > 30 s",
                "196 events published   backlog 14 rows", "alert > 1000", "shop-orders-merge RUNNING", "no alerts");
    }

    private static PipelineSnapshot look(Instant at, long lag, List<Duration> latencies) {
        return new PipelineSnapshot(at, 1L, 1L, 0L, true, Map.of("sink", lag), latencies, 0L, 0L, Map.of(), List.of());
    }
}
