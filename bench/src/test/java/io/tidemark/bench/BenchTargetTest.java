package io.tidemark.bench;

import org.junit.jupiter.api.Test;

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
        assertThat(BenchTarget.named("postgresql").contenders()).containsExactly("tidemark", "debezium", "raw");
        assertThat(BenchTarget.named("mariadb")).isInstanceOf(MariaDbTarget.class);
        assertThat(BenchTarget.named("mariadb").contenders()).containsExactly("tidemark", "debezium", "raw");
    }

    @Test
    void duckdbComparesTidemarkWithTheRawLimitOnlyForDebeziumHasNoDuckDbDialect() {
        assertThat(BenchTarget.named("duckdb")).isInstanceOf(DuckDbTarget.class);
        assertThat(BenchTarget.named("duckdb").contenders()).containsExactly("tidemark", "raw");
        assertThatThrownBy(() -> BenchTarget.named("duckdb").debezium()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no DuckDB dialect");
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
