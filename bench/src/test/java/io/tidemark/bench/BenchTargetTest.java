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
        assertThat(BenchTarget.named("postgresql").contenders()).containsExactly("tidemark", "debezium", "raw", "raw-window");
        assertThat(BenchTarget.named("mariadb")).isInstanceOf(MariaDbTarget.class);
        assertThat(BenchTarget.named("mariadb").contenders()).containsExactly("tidemark", "debezium", "raw", "raw-window");
    }

    @Test
    void duckdbComparesTidemarkWithTheRawLimitOnlyForDebeziumHasNoDuckDbDialect() {
        assertThat(BenchTarget.named("duckdb")).isInstanceOf(DuckDbTarget.class);
        assertThat(BenchTarget.named("duckdb").contenders()).containsExactly("tidemark", "raw", "raw-window");
        assertThatThrownBy(() -> BenchTarget.named("duckdb").debezium()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no DuckDB dialect");
    }

    @Test
    void postgresqlAndMariadbRunOneDebeziumSinkFromThePluginFolderOnTheWorkersPluginPath() {
        String before = System.getProperty("debezium.jdbc.plugins");
        System.setProperty("debezium.jdbc.plugins", "/plugins/debezium");
        try {
            for (String name : List.of("postgresql", "mariadb")) {
                BenchTarget target = BenchTarget.named(name);
                assertThat(target.workerConfig()).as(name).containsEntry("plugin.path", "/plugins/debezium");
                assertThat(target.debezium()).as(name).isEqualTo(ConnectContender.debezium());
            }
            assertThat(BenchTarget.named("duckdb").workerConfig()).doesNotContainKey("plugin.path");
        } finally {
            if (before == null) {
                System.clearProperty("debezium.jdbc.plugins");
            } else {
                System.setProperty("debezium.jdbc.plugins", before);
            }
        }
        assertThat(ConnectContender.debezium().label()).isEqualTo("Debezium JDBC sink "
                + DebeziumReleases.shortName(DebeziumReleases.JDBC_SINK));
        assertThat(ConnectContender.debezium().config()).doesNotContainKey("connector.plugin.version");
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
