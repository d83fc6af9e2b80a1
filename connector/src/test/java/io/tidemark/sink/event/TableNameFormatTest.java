package io.tidemark.sink.event;

import io.tidemark.sink.DebeziumEvents;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableNameFormatTest {

    private static Struct source() {
        return new Struct(DebeziumEvents.SOURCE).put("version", "3.3.1.Final").put("connector", "postgresql")
                .put("name", "shop").put("ts_ms", 1L).put("db", "shopdb").put("schema", "sales").put("table", "orders");
    }

    @Test
    void sourceTableIsTheDefaultShape() {
        assertThat(TableNameFormat.parse("${source.table}").resolve("shop.sales.orders", source()))
                .isEqualTo(new TableId(null, "orders"));
    }

    @Test
    void literalDotSeparatesSchemaFromTable() {
        assertThat(TableNameFormat.parse("${source.schema}.${source.table}").resolve("t", source()))
                .isEqualTo(new TableId("sales", "orders"));
    }

    @Test
    void dotsInsideATopicNameDoNotMakeASchema() {
        assertThat(TableNameFormat.parse("${topic}").resolve("shop.sales.orders", source()))
                .isEqualTo(new TableId(null, "shop_sales_orders"));
        assertThat(TableNameFormat.parse("replica.${source.db}_${source.table}").resolve("t", source()))
                .isEqualTo(new TableId("replica", "shopdb_orders"));
    }

    @Test
    void rejectsTwoLiteralDotsAndEmptyParts() {
        assertThatThrownBy(() -> TableNameFormat.parse("a.b.${source.table}")).hasMessageContaining("at most one literal dot");
        assertThatThrownBy(() -> TableNameFormat.parse(".${source.table}")).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> TableNameFormat.parse(" ")).hasMessageContaining("must name a table");
    }

    @Test
    void missingSourceFieldIsADataErrorNamingThePlaceholder() {
        Struct source = new Struct(DebeziumEvents.SOURCE).put("version", "x").put("connector", "postgresql")
                .put("name", "shop").put("ts_ms", 1L).put("db", "d").put("schema", "").put("table", "t");
        assertThatThrownBy(() -> TableNameFormat.parse("${source.schema}.${source.table}").resolve("t", source))
                .isInstanceOf(DataException.class).hasMessageContaining("source.schema");
    }
}
