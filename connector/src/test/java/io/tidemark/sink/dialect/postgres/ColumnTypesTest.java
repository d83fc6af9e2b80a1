package io.tidemark.sink.dialect.postgres;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnTypesTest {

    private static Schema named(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    @Test
    void columnTypesFollowTheSourceType() {
        assertThat(ColumnTypes.sqlType(named(Schema.Type.STRING, "io.debezium.data.Json"))).isEqualTo("jsonb");
        assertThat(ColumnTypes.sqlType(named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp"))).isEqualTo("timestamp with time zone");
        assertThat(ColumnTypes.sqlType(named(Schema.Type.STRING, "io.debezium.data.Uuid"))).isEqualTo("uuid");
        assertThat(ColumnTypes.sqlType(Decimal.builder(2).parameter("connect.decimal.precision", "10").build())).isEqualTo("numeric(10,2)");
        assertThat(ColumnTypes.sqlType(SchemaBuilder.array(Schema.INT32_SCHEMA).build())).isEqualTo("integer[]");
        assertThat(ColumnTypes.sqlType(Schema.INT16_SCHEMA)).isEqualTo("smallint");
        assertThat(ColumnTypes.sqlType(Schema.FLOAT64_SCHEMA)).isEqualTo("double precision");
    }

    private static Schema propagated(Schema.Type type, String sourceType, String length, String scale) {
        SchemaBuilder b = new SchemaBuilder(type).optional().parameter("__debezium.source.column.type", sourceType);
        if (length != null) {
            b.parameter("__debezium.source.column.length", length);
        }
        if (scale != null) {
            b.parameter("__debezium.source.column.scale", scale);
        }
        return b.build();
    }

    @Test
    void propagatedSourceTypesGiveExactColumnTypes() {
        assertThat(ColumnTypes.sqlType(propagated(Schema.Type.STRING, "VARCHAR", "40", null))).isEqualTo("varchar(40)");
        assertThat(ColumnTypes.sqlType(propagated(Schema.Type.STRING, "BPCHAR", "5", null))).isEqualTo("char(5)");
        assertThat(ColumnTypes.sqlType(propagated(Schema.Type.STRING, "NUMERIC", "12", "3"))).isEqualTo("numeric(12,3)");
        assertThat(ColumnTypes.sqlType(propagated(Schema.Type.STRING, "JSON", null, null))).isEqualTo("json");
        assertThat(ColumnTypes.sqlType(propagated(Schema.Type.STRING, "_INT4", null, null)))
                .isEqualTo("integer[]");
        assertThat(ColumnTypes.sqlType(propagated(Schema.Type.STRING, "VARCHAR", "2147483647", null))).isEqualTo("varchar");
    }

    @Test
    void propagatedUserTypesFallBackToTheConnectMapping() {
        assertThat(ColumnTypes.sqlType(propagated(Schema.Type.STRING, "MOOD", null, null))).isEqualTo("text");
        assertThat(ColumnTypes.sqlType(propagated(Schema.Type.STRING, "text); DROP TABLE x; --", null, null))).isEqualTo("text");
    }
}
