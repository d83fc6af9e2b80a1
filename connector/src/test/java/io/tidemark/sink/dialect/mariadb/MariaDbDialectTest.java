package io.tidemark.sink.dialect.mariadb;

import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TargetDialects;
import io.tidemark.sink.event.TableId;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MariaDbDialectTest {

    private final MariaDbDialect dialect = new MariaDbDialect();

    private static Schema named(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    @Test
    void aMariadbUrlChoosesThisDialect() {
        assertThat(TargetDialects.forUrl("connection.url", "jdbc:mariadb://db:3306/analytics").name())
                .isEqualTo("mariadb");
        assertThat(dialect.accepts("jdbc:postgresql://db/x")).isFalse();
    }

    @Test
    void hostileNamesStayOneBacktickQuotedIdentifier() {
        assertThat(dialect.quote("we`ird; DROP TABLE x")).isEqualTo("`we``ird; DROP TABLE x`");
        assertThat(dialect.quote(new TableId("shop", "orders"))).isEqualTo("`shop`.`orders`");
        assertThatThrownBy(() -> dialect.quote("a\u0000b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyColumnsGetBoundedTypesAndDebeziumTypesTheirMariadbTypes() {
        assertThat(dialect.columnType(Schema.STRING_SCHEMA, true)).isEqualTo("VARCHAR(255)");
        assertThat(dialect.columnType(Schema.OPTIONAL_STRING_SCHEMA, false)).isEqualTo("LONGTEXT");
        assertThat(dialect.columnType(Schema.BYTES_SCHEMA, true)).isEqualTo("VARBINARY(255)");
        assertThat(dialect.columnType(named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"), false))
                .isEqualTo("DATETIME(6)");
        assertThat(dialect.columnType(named(Schema.Type.STRING, "io.debezium.data.Uuid"), false)).isEqualTo("CHAR(36)");
        assertThat(dialect.columnType(Decimal.builder(2).parameter("connect.decimal.precision", "12").build(), false))
                .isEqualTo("DECIMAL(12,2)");
        assertThat(dialect.columnType(Decimal.builder(40).parameter("connect.decimal.precision", "80").build(), false))
                .isEqualTo("DECIMAL(65,30)");
        assertThat(dialect.hiddenColumnType(HiddenColumns.Type.VERSION)).isEqualTo("DECIMAL(38,0)");
    }

    @Test
    void valuesBindAsTheJavaTypesTheDriverWritesExactly() {
        assertThat(MariaDbTypes.binder(named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"))
                .apply(1_700_000_000_123_456L)).isEqualTo(LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_456_000));
        assertThat(MariaDbTypes.binder(named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp"))
                .apply("2024-01-01T10:00:00.5+02:00")).isEqualTo(LocalDateTime.of(2024, 1, 1, 8, 0, 0, 500_000_000));
        assertThat(MariaDbTypes.binder(Schema.BYTES_SCHEMA).apply(ByteBuffer.wrap(new byte[] {1, 2})))
                .isEqualTo(new byte[] {1, 2});
        assertThat(MariaDbTypes.binder(Decimal.schema(2)).apply(new BigDecimal("1.25"))).isEqualTo(new BigDecimal("1.25"));
        assertThat(MariaDbTypes.binder(SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .apply(List.of("a\"b", "c"))).isEqualTo("[\"a\\\"b\",\"c\"]");
    }

    @Test
    void zonedTimestampsReadDirectlyGiveTheUtcDateTimeOffsetDateTimeParseGives() {
        for (String text : List.of("2026-11-01T10:20:30Z", "2026-11-01T10:20:30.1Z", "2026-11-01T10:20:30.123456Z",
                "2026-11-01T10:20:30.123456789Z", "2024-01-01T01:00:00.5+02:00", "2024-02-29T23:30:00-05:30",
                "1999-12-31T23:59:59.999999-00:00", "2024-03-01T00:00:00+14:00", "2024-01-01T00:00:00+05:30:15",
                "+12024-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2024-01-01t00:00:00z", "2024-01-01T00:00:00.Z",
                "2024-01-01T00:00:00+02")) {
            assertThat(MariaDbTypes.utcDateTime(text)).as(text)
                    .isEqualTo(OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        }
    }

    @Test
    void invalidZonedTimestampsFailAsOffsetDateTimeParseDoes() {
        for (String text : List.of("2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z",
                "2024-01-01T00:00:00+19:00", "2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00",
                "2024-01-01 00:00:00Z", "2024-01-01T00:00:00+0200", "2024-01-01T00:00:00+02:00:5")) {
            assertThatThrownBy(() -> OffsetDateTime.parse(text)).as(text).isInstanceOf(DateTimeException.class);
            assertThatThrownBy(() -> MariaDbTypes.utcDateTime(text)).as(text).isInstanceOf(DateTimeException.class);
        }
    }

    @Test
    void createdTablesCompareKeysAsTheSourceDoes() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "VARCHAR(255) NOT NULL");
        assertThat(dialect.createTable(new TableId(null, "t"), columns, List.of("id")))
                .containsExactly("CREATE TABLE IF NOT EXISTS `t` (`id` VARCHAR(255) NOT NULL, PRIMARY KEY (`id`))"
                        + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    }

    @Test
    void lostConnectionsDeadlocksAndLockTimeoutsPassWithTimeAndDataErrorsDoNot() {
        assertThat(dialect.isTransient(new SQLException("gone", "08S01", 2013))).isTrue();
        assertThat(dialect.isTransient(new SQLException("deadlock", "40001", 1213))).isTrue();
        assertThat(dialect.isTransient(new SQLException("lock wait timeout", "HY000", 1205))).isTrue();
        assertThat(dialect.isTransient(new SQLException("duplicate", "23000", 1062))).isFalse();
        assertThat(dialect.isTransient(new SQLException("data too long", "22001", 1406))).isFalse();
    }

    @Test
    void ddlInsideATransactionKeptOpenIsRefusedAsNonTransient() {
        assertThatThrownBy(() -> dialect.runDdlInTransaction(null, List.of("ALTER TABLE t ADD COLUMN c INT")))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(dialect.isTransient((SQLException) e)).isFalse());
    }
}
