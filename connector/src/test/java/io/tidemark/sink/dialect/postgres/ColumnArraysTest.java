package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.postgres.ParameterType;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.event.TableId;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tidemark.sink.dialect.postgres.ParameterType.BOOL;
import static io.tidemark.sink.dialect.postgres.ParameterType.EPOCH_DAYS;
import static io.tidemark.sink.dialect.postgres.ParameterType.FLOAT8;
import static io.tidemark.sink.dialect.postgres.ParameterType.INT2;
import static io.tidemark.sink.dialect.postgres.ParameterType.INT4;
import static io.tidemark.sink.dialect.postgres.ParameterType.INT8;
import static io.tidemark.sink.dialect.postgres.ParameterType.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

class ColumnArraysTest {

    private static final Schema ROW = SchemaBuilder.struct()
            .field("id", Schema.INT64_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
            .field("small", Schema.OPTIONAL_INT16_SCHEMA)
            .field("active", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .field("born", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
            .field("label", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final List<String> COLUMNS = List.of("id", "qty", "small", "active", "score", "price", "born", "label");

    private static TableDefinition table(String qtyType) {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "bigint");
        columns.put("qty", qtyType);
        columns.put("small", "smallint");
        columns.put("active", "boolean");
        columns.put("score", "double precision");
        columns.put("price", "numeric(12,2)");
        columns.put("born", "date");
        columns.put("label", "text");
        return new TableDefinition(new TableId(null, "t"), columns, List.of("id"));
    }

    private static Struct row(long id, Integer qty) {
        return new Struct(ROW).put("id", id).put("qty", qty).put("small", (short) 7).put("active", true)
                .put("score", 0.1).put("price", new BigDecimal("12.50")).put("born", 19000).put("label", "a,\"b\"");
    }

    @Test
    void plainNumbersBooleansAndDatesAreTypedWhenTheColumnHasTheSameTypeEverythingElseIsText() {
        ColumnArrays arrays = ColumnArrays.of(table("integer"), COLUMNS, List.of(row(1, 5), row(2, null)));

        assertThat(arrays.types()).containsExactly(INT8, INT4, INT2, BOOL, FLOAT8, TEXT, EPOCH_DAYS, TEXT);
        assertThat(arrays.arrays().get(0)).isInstanceOf(Long[].class).containsExactly(1L, 2L);
        assertThat(arrays.arrays().get(1)).isInstanceOf(Integer[].class).containsExactly(5, null);
        assertThat(arrays.arrays().get(2)).containsExactly((short) 7, (short) 7);
        assertThat(arrays.arrays().get(3)).containsExactly(true, true);
        assertThat(arrays.arrays().get(4)).containsExactly(0.1, 0.1);
        assertThat(arrays.arrays().get(5)).isInstanceOf(String[].class).containsExactly("12.50", "12.50");
        assertThat(arrays.arrays().get(6)).isInstanceOf(Integer[].class).containsExactly(19000, 19000);
        assertThat(arrays.arrays().get(7)).containsExactly("a,\"b\"", "a,\"b\"");
    }

    @Test
    void aColumnOfAnotherTypeThanTheFieldGoesAsTextForTheServerToCast() {
        ColumnArrays arrays = ColumnArrays.of(table("numeric"), COLUMNS, List.of(row(1, 5)));

        assertThat(arrays.types().get(1)).isEqualTo(TEXT);
        assertThat(arrays.arrays().get(1)).containsExactly("5");
    }

    @Test
    void rowsOfSchemasThatDisagreeOnAColumnSendItAsText() {
        Schema older = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("qty", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct old = new Struct(older).put("id", 3L).put("qty", "4");
        ColumnArrays arrays = ColumnArrays.of(table("integer"), List.of("id", "qty"), List.of(row(1, 5), old));

        assertThat(arrays.types()).containsExactly(INT8, TEXT);
        assertThat(arrays.arrays().get(0)).containsExactly(1L, 3L);
        assertThat(arrays.arrays().get(1)).containsExactly("5", "4");
    }

    @Test
    void typesListsWhatWasAddedSoFar() {
        ColumnArrays arrays = ColumnArrays.of(table("integer"), List.of("id"), List.of(row(1, 5)));
        List<ParameterType> before = arrays.types();
        arrays.add(INT8, new Long[] {9L});

        assertThat(before).containsExactly(INT8);
        assertThat(arrays.types()).containsExactly(INT8, INT8);
    }
}
