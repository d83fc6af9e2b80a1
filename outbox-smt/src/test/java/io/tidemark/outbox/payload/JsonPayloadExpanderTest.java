package io.tidemark.outbox.payload;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonPayloadExpanderTest {

    private final JsonPayloadExpander expander = new JsonPayloadExpander(NullFieldBehavior.IGNORE, 16);

    private Struct expandStruct(String json) {
        return (Struct) expander.expand(json).value();
    }

    private static List<String> fieldNames(Schema schema) {
        return schema.fields().stream().map(f -> f.name()).toList();
    }

    @Test
    void fieldOrderOfTheDocumentDoesNotChangeTheSchema() {
        SchemaAndValue ab = expander.expand("{\"a\":1,\"b\":{\"x\":\"s\",\"y\":true}}");
        SchemaAndValue ba = expander.expand("{\"b\":{\"y\":false,\"x\":\"t\"},\"a\":2}");

        assertThat(fieldNames(ab.schema())).containsExactly("a", "b");
        assertThat(ba.schema()).isSameAs(ab.schema());
        assertThat(expander.cachedShapes()).isEqualTo(2);
    }

    @Test
    void equalDocumentsInFreshExpandersInferEqualSchemas() {
        String json = "{\"z\":[1,2.5],\"m\":{\"k\":null,\"j\":[]},\"a\":\"x\"}";

        Schema first = new JsonPayloadExpander(NullFieldBehavior.IGNORE, 4).expand(json).schema();
        Schema second = new JsonPayloadExpander(NullFieldBehavior.IGNORE, 4).expand(json).schema();

        assertThat(second).isEqualTo(first);
        assertThat(second.hashCode()).isEqualTo(first.hashCode());
    }

    @Test
    void scalarsMapToConnectTypes() {
        Struct value = expandStruct("{\"s\":\"text\",\"i\":9007199254740993,\"f\":1.5,\"b\":true,\"big\":123456789012345678901234}");

        assertThat(value.schema().field("s").schema().type()).isEqualTo(Schema.Type.STRING);
        assertThat(value.getInt64("i")).isEqualTo(9007199254740993L);
        assertThat(value.getFloat64("f")).isEqualTo(1.5);
        assertThat(value.getBoolean("b")).isTrue();
        assertThat(value.getFloat64("big")).isEqualTo(1.2345678901234568E23);
    }

    @Test
    void nestedFieldsAreOptionalAndTheRootIsRequired() {
        Schema schema = expander.expand("{\"a\":{\"b\":[1]}}").schema();

        assertThat(schema.isOptional()).isFalse();
        assertThat(schema.field("a").schema().isOptional()).isTrue();
        assertThat(schema.field("a").schema().field("b").schema().isOptional()).isTrue();
        assertThat(schema.field("a").schema().field("b").schema().valueSchema().isOptional()).isTrue();
    }

    @Test
    void nullFieldIsLeftOutWithIgnore() {
        Struct value = expandStruct("{\"a\":null,\"b\":1}");

        assertThat(fieldNames(value.schema())).containsExactly("b");
    }

    @Test
    void nullFieldIsOptionalBytesOrStringWhenAsked() {
        Schema bytes = new JsonPayloadExpander(NullFieldBehavior.OPTIONAL_BYTES, 4).expand("{\"a\":null}").schema();
        Schema string = new JsonPayloadExpander(NullFieldBehavior.OPTIONAL_STRING, 4).expand("{\"a\":null}").schema();

        assertThat(bytes.field("a").schema()).isEqualTo(Schema.OPTIONAL_BYTES_SCHEMA);
        assertThat(string.field("a").schema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(string).isEqualTo(new JsonPayloadExpander(NullFieldBehavior.OPTIONAL_STRING, 4)
                .expand("{\"a\":\"now a string\"}").schema());
    }

    @Test
    void emptyArrayIsAnArrayOfOptionalStrings() {
        Struct value = expandStruct("{\"tags\":[]}");

        assertThat(value.schema().field("tags").schema().valueSchema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(value.getArray("tags")).isEmpty();
    }

    @Test
    void nullsInArraysTakeTheTypeOfTheirSiblings() {
        Struct value = expandStruct("{\"a\":[null,1,null]}");

        assertThat(value.schema().field("a").schema().valueSchema()).isEqualTo(Schema.OPTIONAL_INT64_SCHEMA);
        assertThat(value.getArray("a")).containsExactly(null, 1L, null);
    }

    @Test
    void integersAndFloatsInOneArrayWidenToFloat() {
        Struct value = expandStruct("{\"a\":[1,2.5]}");

        assertThat(value.getArray("a")).containsExactly(1.0, 2.5);
    }

    @Test
    void objectsInOneArrayMergeIntoTheUnionOfTheirFields() {
        Struct value = expandStruct("{\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"note\":\"gift\"},{\"qty\":2.5}]}");

        Schema line = value.schema().field("lines").schema().valueSchema();
        assertThat(fieldNames(line)).containsExactly("note", "qty", "sku");
        assertThat(line.field("qty").schema().type()).isEqualTo(Schema.Type.FLOAT64);
        List<Struct> lines = value.getArray("lines");
        assertThat(lines.get(0).getFloat64("qty")).isEqualTo(1.0);
        assertThat(lines.get(1).getString("note")).isEqualTo("gift");
        assertThat(lines.get(1).get("qty")).isNull();
    }

    @Test
    void emptyArrayBesideAFilledOneTakesItsElementType() {
        Struct value = expandStruct("{\"m\":[[],[{\"x\":1}]]}");

        Schema inner = value.schema().field("m").schema().valueSchema().valueSchema();
        assertThat(inner.type()).isEqualTo(Schema.Type.STRUCT);
        assertThat(fieldNames(inner)).containsExactly("x");
    }

    @Test
    void kindsThatCannotMergeBecomeTheirJsonText() {
        Struct value = expandStruct("{\"mixed\":[1,\"two\",{\"three\":3},[4],true,null]}");

        assertThat(value.schema().field("mixed").schema().valueSchema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(value.getArray("mixed")).containsExactly("1", "two", "{\"three\":3}", "[4]", "true", null);
    }

    @Test
    void deeplyNestedDocumentIsExpanded() {
        Struct value = expandStruct("{\"a\":{\"b\":{\"c\":{\"d\":[{\"e\":[1]}]}}}}");

        Struct d0 = (Struct) value.getStruct("a").getStruct("b").getStruct("c").getArray("d").get(0);
        assertThat(d0.getArray("e")).containsExactly(1L);
    }

    @Test
    void nonObjectRootsAreExpandedToo() {
        assertThat(expander.expand("[1,2]").schema()).isEqualTo(SchemaBuilder.array(Schema.OPTIONAL_INT64_SCHEMA).build());
        assertThat(expander.expand("\"text\"").value()).isEqualTo("text");
        assertThat(expander.expand("null")).isEqualTo(SchemaAndValue.NULL);
    }

    @Test
    void textThatIsNotOneJsonDocumentIsRejected() {
        assertThat(expander.expand("hello")).isNull();
        assertThat(expander.expand("{\"a\":1")).isNull();
        assertThat(expander.expand("{\"a\":1} trailing")).isNull();
        assertThat(expander.expand("")).isNull();
        assertThat(expander.expand("[".repeat(300) + "]".repeat(300))).isNull();
    }

    @Test
    void utf8BytesAndByteBuffersAreRead() {
        byte[] bytes = "{\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(((Struct) expander.expand(bytes).value()).getString("name")).isEqualTo("Zoë");
        ByteBuffer sliced = ByteBuffer.wrap(("xx" + "{\"name\":\"Zoë\"}").getBytes(StandardCharsets.UTF_8));
        sliced.position(2);
        assertThat(((Struct) expander.expand(sliced.slice()).value()).getString("name")).isEqualTo("Zoë");
    }

    @Test
    void fieldNamesThatLookLikeShapeSyntaxDoNotCollide() {
        Schema one = expander.expand("{\"a1:bs\":1}").schema();
        Schema two = expander.expand("{\"a\":1,\"b\":\"s\"}").schema();

        assertThat(fieldNames(one)).containsExactly("a1:bs");
        assertThat(fieldNames(two)).containsExactly("a", "b");
    }

    @Test
    void duplicateMemberNamesKeepTheLastOneLikeAMap() {
        Struct value = expandStruct("{\"a\":1,\"b\":true,\"a\":\"x\"}");

        assertThat(fieldNames(value.schema())).containsExactly("a", "b");
        assertThat(value.getString("a")).isEqualTo("x");
    }

    @Test
    void schemaCacheStaysWithinItsBound() {
        JsonPayloadExpander small = new JsonPayloadExpander(NullFieldBehavior.IGNORE, 3);
        for (int i = 0; i < 50; i++) {
            small.expand("{\"field" + i + "\":" + i + "}");
        }

        assertThat(small.cachedShapes()).isEqualTo(3);
        assertThat(((Struct) small.expand("{\"field0\":0}").value()).getInt64("field0")).isZero();
    }

    @Test
    void repeatedArrayElementsKeepTheShapeKeyShort() {
        String longArray = "{\"a\":[" + "{\"x\":1},".repeat(999) + "{\"x\":1}]}";

        assertThat(new JsonReader().read(longArray).shapeKey()).isEqualTo("{1:a[{1:xi}]}");
    }
}
