package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.ValueText;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.tidemark.sink.dialect.postgres.ParameterType.EPOCH_DAYS;
import static io.tidemark.sink.dialect.postgres.ParameterType.EPOCH_MICROS;
import static io.tidemark.sink.dialect.postgres.ParameterType.INT8;
import static io.tidemark.sink.dialect.postgres.ParameterType.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

class ParameterTypeTest {

    private static final Schema MILLIS = SchemaBuilder.int64().name("io.debezium.time.Timestamp").build();
    private static final Schema MICROS = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build();
    private static final Schema NANOS = SchemaBuilder.int64().name("io.debezium.time.NanoTimestamp").build();
    private static final Schema ZONED = SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build();
    private static final Schema DAYS = SchemaBuilder.int32().name("io.debezium.time.Date").build();
    private static final String TIMESTAMP = "timestamp without time zone";

    @Test
    void timestampsBoundForATimestampColumnGoAsEpochMicrosAndStayTextForAnyOtherColumn() {
        for (Schema schema : List.of(MILLIS, MICROS, NANOS, Timestamp.SCHEMA)) {
            assertThat(ParameterType.of(schema, TIMESTAMP)).as(schema.name()).isEqualTo(EPOCH_MICROS);
            assertThat(ParameterType.of(schema, "timestamp(3) without time zone")).isEqualTo(EPOCH_MICROS);
            // A timestamptz column reads text without an offset in the session's time zone; that stays as it was.
            assertThat(ParameterType.of(schema, "timestamp with time zone")).isEqualTo(TEXT);
            assertThat(ParameterType.of(schema, "text")).isEqualTo(TEXT);
        }
        assertThat(ParameterType.of(ZONED, "timestamp with time zone")).isEqualTo(TEXT);
        assertThat(ParameterType.of(MICROS, "bigint")).isEqualTo(TEXT);
        assertThat(ParameterType.of(Schema.INT64_SCHEMA, TIMESTAMP)).isEqualTo(TEXT);
    }

    @Test
    void datesBoundForADateColumnGoAsEpochDays() {
        assertThat(ParameterType.of(DAYS, "date")).isEqualTo(EPOCH_DAYS);
        assertThat(ParameterType.of(Date.SCHEMA, "date")).isEqualTo(EPOCH_DAYS);
        assertThat(ParameterType.of(DAYS, TIMESTAMP)).isEqualTo(TEXT);
        assertThat(ParameterType.of(Decimal.schema(2), "numeric(12,2)")).isEqualTo(TEXT);
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, -1L, 1_787_000_123_456_789L, -2_208_988_800_000_001L, 999_999L, -999_999L})
    void epochMicrosNameTheInstantTheTextRenderingNames(long micros) {
        LocalDateTime epoch = LocalDateTime.of(1970, 1, 1, 0, 0);
        assertSameInstant(MICROS, micros, epoch, micros);
        assertSameInstant(MILLIS, micros / 1_000, epoch, micros / 1_000 * 1_000);
        assertSameInstant(NANOS, micros * 1_000 + 999, epoch, micros);
        assertSameInstant(NANOS, micros * 1_000 - 1, epoch, micros - 1);
        java.util.Date date = new java.util.Date(micros / 1_000);
        assertSameInstant(Timestamp.SCHEMA, date, epoch, micros / 1_000 * 1_000);
    }

    private static void assertSameInstant(Schema schema, Object value, LocalDateTime epoch, long expectedMicros) {
        Object encoded = EPOCH_MICROS.encoder(schema).apply(value);
        assertThat(encoded).as(schema.name() + " " + value).isEqualTo(expectedMicros);
        LocalDateTime rendered = LocalDateTime.parse(ValueText.render(schema, value));
        assertThat(epoch.plus(expectedMicros, ChronoUnit.MICROS)).isEqualTo(rendered);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1, 19_000, -719_162, 2_932_896})
    void epochDaysNameTheDayTheTextRenderingNames(int days) {
        assertThat(EPOCH_DAYS.encoder(DAYS).apply(days)).isEqualTo(days);
        assertThat(LocalDate.parse(ValueText.render(DAYS, days))).isEqualTo(LocalDate.ofEpochDay(days));
        java.util.Date midnight = new java.util.Date(days * 86_400_000L);
        assertThat(EPOCH_DAYS.encoder(Date.SCHEMA).apply(midnight)).isEqualTo(days);
        assertThat(LocalDate.parse(ValueText.render(Date.SCHEMA, midnight))).isEqualTo(LocalDate.ofEpochDay(days));
    }

    @Test
    void epochParametersAreAddedToTheEpochAndCastToTheColumnType() {
        assertThat(EPOCH_MICROS.cast("v.p3", "timestamp(3) without time zone"))
                .isEqualTo("(timestamp 'epoch' + (v.p3 / 86400000000) * interval '1 day' + (v.p3 % 86400000000)"
                        + " * interval '1 microsecond')::timestamp(3) without time zone");
        assertThat(EPOCH_DAYS.cast("v.p0", "date")).isEqualTo("(date 'epoch' + v.p0)::date");
        assertThat(INT8.cast("v.p1", "bigint")).isEqualTo("v.p1::bigint");
        assertThat(EPOCH_MICROS.elementType()).isEqualTo("int8");
        assertThat(EPOCH_DAYS.elementType()).isEqualTo("int4");
        assertThat(EPOCH_MICROS.newArray(2)).isInstanceOf(Long[].class);
        assertThat(EPOCH_DAYS.newArray(2)).isInstanceOf(Integer[].class);
    }
}
