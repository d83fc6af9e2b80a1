package io.tidemark.deploy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineHealthTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String MERGE = StackSettings.MERGE_SINK;
    private static final String APPEND = StackSettings.APPEND_SINK;

    @Test
    void latencyPercentilesCoverTheLastFiveMinutesOnly() {
        PipelineHealth health = new PipelineHealth();
        health.record(look(T0, 0, List.of(Duration.ofSeconds(40))));
        List<Duration> fast = IntStream.rangeClosed(1, 100).mapToObj(Duration::ofMillis).toList();
        health.record(look(T0.plus(Duration.ofMinutes(6)), 0, fast));

        assertThat(health.latencySamples("sink")).isEqualTo(100);
        assertThat(health.latencyPercentile("sink", 50)).isEqualTo(Duration.ofMillis(50));
        assertThat(health.latencyPercentile("sink", 99)).isEqualTo(Duration.ofMillis(99));
        assertThat(health.alerts()).isEmpty();
    }

    @Test
    void latencyAboveThirtySecondsAlerts() {
        PipelineHealth health = new PipelineHealth();
        health.record(look(T0, 0, List.of(Duration.ofSeconds(1), Duration.ofSeconds(31))));
        assertThat(health.alerts()).singleElement().asString().contains("latency p99 of sink 31.00 s > 30 s");
    }

    @Test
    void latenciesAreKeptAndJudgedPerSink() {
        PipelineHealth health = new PipelineHealth();
        health.record(snapshot(T0, ordered(MERGE, 0L, APPEND, 0L), Map.of(), Map.of(
                MERGE, List.of(Duration.ofMillis(200), Duration.ofMillis(400)),
                APPEND, List.of(Duration.ofSeconds(45)))));

        assertThat(health.sinks()).containsExactly(MERGE, APPEND);
        assertThat(health.latencyPercentile(MERGE, 99)).isEqualTo(Duration.ofMillis(400));
        assertThat(health.latencyPercentile(APPEND, 50)).isEqualTo(Duration.ofSeconds(45));
        assertThat(health.alerts()).containsExactly("commit-to-apply latency p99 of " + APPEND + " 45.00 s > 30 s");
    }

    @Test
    void aSinkWithLatenciesInTheWindowStaysListedWhenKafkaIsOutOfReach() {
        PipelineHealth health = new PipelineHealth();
        health.record(snapshot(T0, Map.of(MERGE, 3L), Map.of(), Map.of(MERGE, List.of(Duration.ofMillis(300)))));
        health.record(snapshot(T0.plusSeconds(2), Map.of(), Map.of(), Map.of()));

        assertThat(health.sinks()).containsExactly(MERGE);
        assertThat(String.join("\n", StatusView.table(health, "headline")))
                .contains("consumer lag   " + MERGE + " - msgs", "apply latency  " + MERGE + " p50 0.30 s");
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
        health.record(new PipelineSnapshot(T0, 10L, 10L, new SourceLag.Slot((1L << 30) + 1, true), Map.of(), Map.of(),
                Map.of(), 5L, 1001L, Map.of(), List.of()));
        assertThat(health.alerts()).containsExactly("replication slot lag 1.0 GiB > 1 GiB", "outbox backlog 1001 rows > 1000");
        health.record(new PipelineSnapshot(T0, 10L, 10L, new SourceLag.Slot(1L << 30, true), Map.of(), Map.of(),
                Map.of(), 5L, 1000L, Map.of(), List.of()));
        assertThat(health.alerts()).isEmpty();
    }

    @Test
    void aMariaDbSourceShowsBinlogLagInBytesInTheSameFileAndInFilesOtherwise() {
        PipelineHealth health = new PipelineHealth();
        health.record(binlog(new BinlogPosition("mysql-bin.000002", 40_213), new BinlogPosition("mysql-bin.000002", 39_863),
                new BinlogPosition("mysql-bin.000001", 1_200)));

        List<String> table = StatusView.table(health, "headline");
        assertThat(table).noneMatch(row -> row.contains("slot lag"));
        assertThat(table).anySatisfy(row -> assertThat(row)
                .startsWith("  binlog lag     mysql-bin.000002:40213  Debezium 350 B, applied 1 file behind")
                .endsWith("alert > 1 file").satisfies(r -> assertThat(r.indexOf("alert")).isEqualTo(80)));
        assertThat(StatusView.line(health, "[00:00:10]")).contains("| binlog lag Debezium 350 B, applied 1 file |");
        assertThat(health.alerts()).isEmpty();
    }

    @Test
    void binlogPositionsNotKnownYetShowAsDashes() {
        PipelineHealth health = new PipelineHealth();
        health.record(binlog(new BinlogPosition("mysql-bin.000001", 328), null, null));
        assertThat(StatusView.table(health, "headline"))
                .anySatisfy(row -> assertThat(row).startsWith("  binlog lag     mysql-bin.000001:328  Debezium -, applied - behind"));

        health.record(binlog(null, null, new BinlogPosition("mysql-bin.000001", 4)));
        assertThat(StatusView.table(health, "headline"))
                .anySatisfy(row -> assertThat(row).startsWith("  binlog lag     -  Debezium -, applied - behind"));
    }

    @Test
    void debeziumMoreThanOneBinlogFileBehindAlerts() {
        PipelineHealth health = new PipelineHealth();
        BinlogPosition server = new BinlogPosition("mysql-bin.000005", 4);
        health.record(binlog(server, new BinlogPosition("mysql-bin.000004", 1_000), null));
        assertThat(health.alerts()).as("one file: the server rotated, Debezium reads on").isEmpty();

        health.record(binlog(server, new BinlogPosition("mysql-bin.000003", 1_000), server));
        assertThat(health.alerts()).containsExactly("binlog lag of Debezium 2 files > 1 file");
    }

    @Test
    void statusTableShowsEveryMetricWithItsThreshold() {
        PipelineHealth health = new PipelineHealth();
        health.record(new PipelineSnapshot(T0, 178L, 170L, new SourceLag.Slot(2048L, true),
                ordered(MERGE, 12L, APPEND, 1_530L), ordered(MERGE, 3L, APPEND, 0L),
                Map.of(MERGE, List.of(Duration.ofMillis(300))), 196L, 14L, Map.of(MERGE, "RUNNING"), List.of()));
        String table = String.join("\n", StatusView.table(health, "headline"));
        assertThat(table).contains("source 178   target 170   catching up (8)", "tidemark_shop 2.0 KiB", "alert > 1 GiB",
                "consumer lag   shop-orders-merge 12 msgs, 3 not applied", "shop-orders-append 1,530 msgs, 0 not applied",
                "alert: growing > 5 min", "apply latency  shop-orders-merge p50 0.30 s  p99 0.30 s  (1 in 5 min)",
                "apply latency  shop-orders-append - (no apply seen yet)", "alert > 30 s",
                "196 events published   backlog 14 rows", "alert > 1000", "shop-orders-merge RUNNING", "no alerts");
    }

    @Test
    void everyThresholdStartsInOneColumnWithTheLongestSinkName() {
        PipelineHealth health = new PipelineHealth();
        health.record(snapshot(T0, ordered(MERGE, 1_234_567L, APPEND, 12L), ordered(MERGE, 1_234_000L, APPEND, 9L),
                Map.of(APPEND, IntStream.range(0, 1000).mapToObj(i -> Duration.ofMillis(29_990)).toList())));
        List<String> rows = StatusView.table(health, "headline").stream()
                .filter(l -> l.contains("alert >") || l.contains("alert:")).toList();
        assertThat(rows).hasSize(6).allSatisfy(row -> assertThat(row.indexOf("alert")).as(row).isEqualTo(80));
    }

    @Test
    void withoutAWatermarkTableTheLagIsTheConsumerGroupsAlone() {
        PipelineHealth health = new PipelineHealth();
        health.record(snapshot(T0, Map.of(MERGE, 12L), Map.of(), Map.of()));
        assertThat(StatusView.table(health, "headline")).anySatisfy(row -> assertThat(row)
                .contains("consumer lag   shop-orders-merge 12 msgs").doesNotContain("not applied"));
        assertThat(StatusView.line(health, "[00:00:10]")).contains("| consumer lag 12 |");
    }

    @Test
    void theLogLineSumsTheLagsAndNamesEachSinksLatency() {
        PipelineHealth health = new PipelineHealth();
        health.record(snapshot(T0, ordered(MERGE, 12L, APPEND, 5L), ordered(MERGE, 3L, APPEND, 1L),
                Map.of(MERGE, List.of(Duration.ofMillis(300)))));
        assertThat(StatusView.line(health, "[00:00:10]")).contains("| consumer lag 17 (4 not applied) |",
                "| latency shop-orders-merge p50 0.30 s p99 0.30 s (1 in 5 min), shop-orders-append - (no apply seen yet) |");
    }

    private static PipelineSnapshot look(Instant at, long lag, List<Duration> latencies) {
        return snapshot(at, Map.of("sink", lag), Map.of(), latencies.isEmpty() ? Map.of() : Map.of("sink", latencies));
    }

    private static PipelineSnapshot snapshot(Instant at, Map<String, Long> consumerLag, Map<String, Long> unapplied,
                                             Map<String, List<Duration>> latencies) {
        return new PipelineSnapshot(at, 1L, 1L, new SourceLag.Slot(0L, true), consumerLag, unapplied, latencies, 0L, 0L,
                Map.of(), List.of());
    }

    private static PipelineSnapshot binlog(BinlogPosition server, BinlogPosition debezium, BinlogPosition applied) {
        return new PipelineSnapshot(T0, 1L, 1L, new SourceLag.Binlog(server, debezium, applied), Map.of(MERGE, 0L),
                Map.of(), Map.of(), 0L, 0L, Map.of(), List.of());
    }

    private static Map<String, Long> ordered(String first, long firstValue, String second, long secondValue) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put(first, firstValue);
        values.put(second, secondValue);
        return values;
    }
}
