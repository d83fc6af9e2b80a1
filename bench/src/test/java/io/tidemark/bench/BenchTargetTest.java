package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchTargetTest {

    @Test
    void everyNameSelectsTheTargetOfThatName() {
        for (String name : BenchTarget.NAMES) {
            assertThat(BenchTarget.named(name).name()).isEqualTo(name);
        }
    }

    @Test
    void postgresqlAndMariadbCompareBothSinksWithTheRawLimit() {
        assertThat(BenchTarget.named("postgresql")).isInstanceOf(PostgresTarget.class);
        assertThat(BenchTarget.named("postgresql").contenders())
                .containsExactly("tidemark", "debezium-3.5.0", "debezium-3.3.1", "raw", "raw-window");
        assertThat(BenchTarget.named("mariadb")).isInstanceOf(MariaDbTarget.class);
        assertThat(BenchTarget.named("mariadb").contenders()).containsExactly("tidemark", "debezium-3.5.0", "raw", "raw-window");
    }

    @Test
    void debeziumStandsForTheTargetsDefaultReleases() {
        assertThat(SinkBenchmark.expand(BenchTarget.named("postgresql"), List.of("tidemark", "debezium", "raw")))
                .containsExactly("tidemark", "debezium-3.5.0", "debezium-3.3.1", "raw");
        assertThat(SinkBenchmark.expand(BenchTarget.named("mariadb"), List.of("debezium", "debezium-3.6.0")))
                .containsExactly("debezium-3.5.0", "debezium-3.6.0");
    }

    @Test
    void rawWindowRunsOncePerListedWindow() {
        assertThat(SinkBenchmark.expand(BenchTarget.named("duckdb"), List.of("raw-window")))
                .containsExactly("raw-window-5000");
        String before = System.getProperty("raw.window");
        System.setProperty("raw.window", "5000, 40000");
        try {
            assertThat(SinkBenchmark.expand(BenchTarget.named("postgresql"), List.of("raw", "raw-window")))
                    .containsExactly("raw", "raw-window-5000", "raw-window-40000");
        } finally {
            if (before == null) {
                System.clearProperty("raw.window");
            } else {
                System.setProperty("raw.window", before);
            }
        }
    }

    @Test
    void theDebeziumReleasesAreTheOnesBenchRunUnpacks() {
        assertThat(DebeziumReleases.JDBC_SINKS).containsExactly("3.6.0.Final", "3.5.0.Final", "3.3.1.Final");
        assertThat(DebeziumReleases.jdbcSink("3.3.1")).isEqualTo("3.3.1.Final");
        assertThatThrownBy(() -> DebeziumReleases.jdbcSink("3.4.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3.6.0, 3.5.0, 3.3.1");
    }

    @Test
    void duckdbComparesTidemarkWithTheRawLimitOnlyForDebeziumHasNoDuckDbDialect() {
        assertThat(BenchTarget.named("duckdb")).isInstanceOf(DuckDbTarget.class);
        assertThat(BenchTarget.named("duckdb").contenders()).containsExactly("tidemark", "raw", "raw-window");
        assertThatThrownBy(() -> BenchTarget.named("duckdb").debezium("3.6.0.Final")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no DuckDB dialect");
    }

    @Test
    void postgresqlAndMariadbRunEachDebeziumReleaseFromAPluginFolderOfItsOwnPickedByItsVersion() {
        String before = System.getProperty("debezium.jdbc.plugins");
        System.setProperty("debezium.jdbc.plugins", "/plugins/debezium");
        try {
            for (String name : List.of("postgresql", "mariadb")) {
                BenchTarget target = BenchTarget.named(name);
                assertThat(target.workerConfig()).as(name).containsEntry("plugin.path",
                        "/plugins/debezium/3.6.0.Final,/plugins/debezium/3.5.0.Final,/plugins/debezium/3.3.1.Final");
                assertThat(target.debezium("3.5.0.Final")).as(name).isEqualTo(ConnectContender.debezium("3.5.0.Final"));
            }
            assertThat(BenchTarget.named("duckdb").workerConfig()).doesNotContainKey("plugin.path");
        } finally {
            if (before == null) {
                System.clearProperty("debezium.jdbc.plugins");
            } else {
                System.setProperty("debezium.jdbc.plugins", before);
            }
        }
        assertThat(ConnectContender.debezium("3.5.0.Final").label()).isEqualTo("Debezium JDBC sink 3.5.0");
        assertThat(ConnectContender.debezium("3.5.0.Final").config()).containsEntry("connector.plugin.version",
                "[3.5.0.Final]");
    }

    @Test
    void withoutBenchRunThePluginFolderIsMissingAndTheErrorSaysSo() {
        String before = System.getProperty("debezium.jdbc.plugins");
        System.clearProperty("debezium.jdbc.plugins");
        try {
            assertThatThrownBy(() -> BenchTarget.named("mariadb").workerConfig())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("bench/run");
        } finally {
            if (before != null) {
                System.setProperty("debezium.jdbc.plugins", before);
            }
        }
    }

    @Test
    void eachTargetHasARawLimitOfItsOwn() {
        assertThat(BenchTarget.named("postgresql").rawLimit().label()).isEqualTo("COPY + MERGE (raw limit)");
        assertThat(BenchTarget.named("mariadb").rawLimit().label()).isEqualTo("LOAD DATA + upsert (raw limit)");
        assertThat(BenchTarget.named("duckdb").rawLimit().label()).isEqualTo("Appender + MERGE (raw limit)");
    }

    @Test
    void anUnknownNameListsTheTargets() {
        assertThatThrownBy(() -> BenchTarget.named("oracle")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("oracle").hasMessageContaining("postgresql, mariadb, duckdb");
    }
}
