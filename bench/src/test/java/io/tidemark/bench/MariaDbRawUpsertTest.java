package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MariaDbRawUpsertTest {

    @Test
    void aLiveRowIsItsColumnsInLoadDataTextWithTimestampsInUtcAndBooleansAsDigits() {
        Workload.Row row = new Workload.Row(7, 3, new BigDecimal("12.50"), new BigDecimal("37.50"), "paid", null,
                LocalDateTime.parse("2026-11-01T00:00:05.005"), Instant.parse("2026-11-01T10:20:30.123456Z"),
                "{\"channel\": \"web\"}", true, 4);
        Workload.Change change = new Workload.Change(Workload.Op.UPDATE, 5, Workload.FIRST_LSN, 0, row);

        assertThat(MariaDbRawUpsert.loadText(List.of(change))).isEqualTo("5\t7\t3\t12.50\t37.50\tpaid\t\\N"
                + "\t2026-11-01 00:00:05.005000\t2026-11-01 10:20:30.123456\t{\"channel\": \"web\"}\t1\t4\t0\n");
    }

    @Test
    void aDeletedKeyIsItsIdNullsAndTheDeleteMarker() {
        Workload.Change change = new Workload.Change(Workload.Op.DELETE, 9, Workload.FIRST_LSN, 0, null);

        assertThat(MariaDbRawUpsert.loadText(List.of(change)))
                .isEqualTo("9" + "\t\\N".repeat(11) + "\t1\n");
    }
}
