package io.tidemark.sink.dialect;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ValueTextTest {

    private static Schema named(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    @Test
    void debeziumTemporalTypesBecomePostgresLiterals() {
        assertThat(ValueText.render(named(Schema.Type.INT32, "io.debezium.time.Date"), 19_723)).isEqualTo("2024-01-01");
        assertThat(ValueText.render(named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"), 1_704_067_200_123_456L))
                .isEqualTo("2024-01-01T00:00:00.123456");
        assertThat(ValueText.render(named(Schema.Type.INT64, "io.debezium.time.Timestamp"), 1_704_067_200_000L))
                .isEqualTo("2024-01-01T00:00");
        assertThat(ValueText.render(named(Schema.Type.INT64, "io.debezium.time.MicroTime"), 3_723_000_001L))
                .isEqualTo("01:02:03.000001");
        assertThat(ValueText.render(named(Schema.Type.INT64, "io.debezium.time.MicroTime"), 86_400_000_000L))
                .isEqualTo("24:00:00");
        assertThat(ValueText.render(named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"), -1L))
                .isEqualTo("1969-12-31T23:59:59.999999");
        assertThat(ValueText.render(named(Schema.Type.INT64, "io.debezium.time.MicroDuration"), 1_500_000L))
                .isEqualTo("1500000 microseconds");
    }

    @Test
    void decimalsKeepEveryDigit() {
        assertThat(ValueText.render(Decimal.schema(2), new BigDecimal("12345678901234567890.05")))
                .isEqualTo("12345678901234567890.05");
        Schema variable = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();
        Struct v = new Struct(variable).put("scale", 3).put("value", BigInteger.valueOf(-12345).toByteArray());
        assertThat(ValueText.render(variable, v)).isEqualTo("-12.345");
    }

    @Test
    void bytesFromJsonOrAvroRenderAsHex() {
        assertThat(ValueText.render(Schema.BYTES_SCHEMA, new byte[]{0, (byte) 0xff})).isEqualTo("\\x00ff");
        assertThat(ValueText.render(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[]{1, 2}))).isEqualTo("\\x0102");
    }

    @Test
    void arraysQuoteEveryElement() {
        Schema texts = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build();
        assertThat(ValueText.render(texts, Arrays.asList("a,b", "q\"uote", null, "back\\slash")))
                .isEqualTo("{\"a,b\",\"q\\\"uote\",NULL,\"back\\\\slash\"}");
        Schema ints = SchemaBuilder.array(Schema.INT32_SCHEMA).build();
        assertThat(ValueText.render(ints, List.of(1, 2))).isEqualTo("{\"1\",\"2\"}");
    }

    @Test
    void specialFloatsUsePostgresSpelling() {
        assertThat(ValueText.render(Schema.FLOAT64_SCHEMA, Double.NaN)).isEqualTo("NaN");
        assertThat(ValueText.render(Schema.FLOAT64_SCHEMA, Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    }

    @Test
    void nullStaysNull() {
        assertThat(ValueText.render(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    }

    @Test
    void mysqlTimesBeyondADayOrNegativeRenderAsDurations() {
        Schema microTime = named(Schema.Type.INT64, "io.debezium.time.MicroTime");
        assertThat(ValueText.render(microTime, 36_000_500_000L)).isEqualTo("10:00:00.500");
        assertThat(ValueText.render(microTime, 360_000_500_000L)).isEqualTo("100:00:00.500000");
        assertThat(ValueText.render(microTime, -5_400_000_000L)).isEqualTo("-1:30:00.000000");
        assertThat(ValueText.render(microTime, 86_400_000_000L)).isEqualTo("24:00:00");
    }
}
