package io.tidemark.sink.json;

import io.tidemark.sink.DebeziumEvents;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Differential: whatever {@code JsonConverter} reads, this converter must read the same, or fail the same way. */
class CachedSchemaJsonConverterTest {

    private static final Schema ALL_TYPES = SchemaBuilder.struct().name("all.Types")
            .field("b", Schema.BOOLEAN_SCHEMA)
            .field("i8", Schema.INT8_SCHEMA)
            .field("i16", Schema.OPTIONAL_INT16_SCHEMA)
            .field("i32", Schema.INT32_SCHEMA)
            .field("i64", Schema.OPTIONAL_INT64_SCHEMA)
            .field("f32", Schema.FLOAT32_SCHEMA)
            .field("f64", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("s", Schema.OPTIONAL_STRING_SCHEMA)
            .field("bytes", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("dec", Decimal.builder(3).optional().build())
            .field("date", Date.builder().optional().build())
            .field("time", Time.builder().optional().build())
            .field("ts", Timestamp.builder().optional().build())
            .field("defaulted", SchemaBuilder.int32().optional().defaultValue(42).build())
            .field("list", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).optional().build())
            .field("intMap", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("nested", SchemaBuilder.struct().name("all.Nested").optional()
                    .field("x", Schema.OPTIONAL_STRING_SCHEMA).build())
            .build();

    private static Struct fullRow(int i) {
        return new Struct(ALL_TYPES)
                .put("b", i % 2 == 0).put("i8", (byte) i).put("i16", (short) (i * 3)).put("i32", i * 1000)
                .put("i64", (long) i << 40).put("f32", i / 3f).put("f64", i / 7d).put("s", "tëxt \"" + i + "\"\n")
                .put("bytes", new byte[]{1, (byte) i, -3})
                .put("dec", new BigDecimal("-12345.678").add(BigDecimal.valueOf(i)))
                .put("date", new java.util.Date(86_400_000L * (19_000 + i)))
                .put("time", new java.util.Date(3_600_000L + i))
                .put("ts", new java.util.Date(1_700_000_000_000L + i))
                .put("defaulted", i % 3 == 0 ? null : i)
                .put("list", java.util.Arrays.asList("a", null, "c" + i))
                .put("map", Map.of("k" + i, (long) i))
                .put("intMap", Map.of(i, "v"))
                .put("nested", new Struct(ALL_TYPES.field("nested").schema()).put("x", "n" + i));
    }

    private static Struct sparseRow(int i) {
        return new Struct(ALL_TYPES).put("b", false).put("i8", (byte) 0).put("i32", i).put("f32", 0f);
    }

    private static Map<String, Object> config(String... pairs) {
        Map<String, Object> config = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            config.put(pairs[i], pairs[i + 1]);
        }
        return config;
    }

    private static JsonConverter jsonConverter(Map<String, Object> config, boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(config, isKey);
        return converter;
    }

    private static CachedSchemaJsonConverter cached(Map<String, Object> config, boolean isKey) {
        CachedSchemaJsonConverter converter = new CachedSchemaJsonConverter();
        converter.configure(config, isKey);
        return converter;
    }

    /** Reads {@code message} with both converters and requires equal results or a DataException from both. */
    private static SchemaAndValue assertReadsAlike(JsonConverter expected, CachedSchemaJsonConverter actual, byte[] message) {
        SchemaAndValue want;
        try {
            want = expected.toConnectData("t", message);
        } catch (DataException e) {
            assertThatThrownBy(() -> actual.toConnectData("t", message))
                    .as("JsonConverter refused %s", text(message)).isInstanceOf(DataException.class);
            return null;
        }
        SchemaAndValue got = actual.toConnectData("t", message);
        assertThat(got).as("reading %s", text(message)).isEqualTo(want);
        return got;
    }

    private static String text(byte[] message) {
        return message == null ? "null" : new String(message, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "decimal.format={0}")
    @ValueSource(strings = {"BASE64", "NUMERIC"})
    void readsEveryConnectTypeAsJsonConverterDoes(String decimalFormat) {
        Map<String, Object> config = config("decimal.format", decimalFormat);
        JsonConverter json = jsonConverter(config, false);
        CachedSchemaJsonConverter cached = cached(config, false);
        for (int i = 0; i < 50; i++) {
            assertReadsAlike(json, cached, json.fromConnectData("t", ALL_TYPES, fullRow(i)));
            assertReadsAlike(json, cached, json.fromConnectData("t", ALL_TYPES, sparseRow(i)));
        }
    }

    /** {@link #ALL_TYPES} without its arrays and maps: every value has a plain form, read as it streams past. */
    private static final Schema PLAIN = withoutContainers(ALL_TYPES);

    private static Schema withoutContainers(Schema schema) {
        SchemaBuilder plain = SchemaBuilder.struct().name("plain.Row");
        schema.fields().stream()
                .filter(field -> field.schema().type() != Schema.Type.ARRAY && field.schema().type() != Schema.Type.MAP)
                .forEach(field -> plain.field(field.name(), field.schema()));
        return plain.build();
    }

    private static Struct randomPlainRow(Random random) {
        float[] floats = {0.1f, Float.MAX_VALUE, Float.MIN_VALUE, 16_777_217f, (float) random.nextGaussian()};
        Struct row = new Struct(PLAIN).put("b", random.nextBoolean()).put("i8", (byte) random.nextInt())
                .put("i32", random.nextInt()).put("f32", floats[random.nextInt(floats.length)]);
        if (random.nextInt(4) == 0) {
            return row;
        }
        double[] doubles = {0.1, -0.0, 1e-300, Double.MAX_VALUE, Double.MIN_VALUE, random.nextGaussian() * 1e6, 3};
        String[] texts = {"", "plain", "quote \" backslash \\ tab \t", "ünïcødé ✓ 😀", "\u0000 control"};
        return row.put("i16", (short) random.nextInt()).put("i64", random.nextLong())
                .put("f64", doubles[random.nextInt(doubles.length)]).put("s", texts[random.nextInt(texts.length)])
                .put("bytes", new byte[random.nextInt(5)])
                .put("dec", BigDecimal.valueOf(random.nextLong(), 3))
                .put("date", new java.util.Date(86_400_000L * random.nextInt(100_000)))
                .put("time", new java.util.Date(random.nextInt(86_400_000)))
                .put("ts", new java.util.Date(random.nextLong() >> 20))
                .put("defaulted", random.nextBoolean() ? null : random.nextInt())
                .put("nested", random.nextBoolean() ? null
                        : new Struct(PLAIN.field("nested").schema()).put("x", "n" + random.nextInt()));
    }

    @ParameterizedTest(name = "decimal.format={0}")
    @ValueSource(strings = {"BASE64", "NUMERIC"})
    void readsPlainRowsAsTheyStreamPastToWhatJsonConverterReads(String decimalFormat) {
        Map<String, Object> config = config("decimal.format", decimalFormat);
        JsonConverter json = jsonConverter(config, false);
        CachedSchemaJsonConverter cached = cached(config, false);
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            assertReadsAlike(json, cached, json.fromConnectData("t", PLAIN, randomPlainRow(random)));
        }
        assertThat(cached.treeReads).as("payloads read through a tree").isEqualTo(1);
    }

    @Test
    void nullOfADefaultedFieldStaysNullWhenReplaceNullWithDefaultIsOff() {
        Map<String, Object> config = config("replace.null.with.default", "false");
        JsonConverter json = jsonConverter(config, false);
        CachedSchemaJsonConverter cached = cached(config, false);
        SchemaAndValue read = assertReadsAlike(json, cached, json.fromConnectData("t", ALL_TYPES, sparseRow(1)));
        assertThat(((Struct) read.value()).getWithoutDefault("defaulted")).isNull();

        JsonConverter replacing = jsonConverter(config(), false);
        SchemaAndValue replaced = assertReadsAlike(replacing, cached(config(), false),
                replacing.fromConnectData("t", ALL_TYPES, sparseRow(1)));
        assertThat(((Struct) replaced.value()).getWithoutDefault("defaulted")).isEqualTo(42);
    }

    @Test
    void readsDebeziumChangeEventsKeysAndValuesAsJsonConverterDoes() {
        JsonConverter keys = jsonConverter(config(), true);
        JsonConverter values = jsonConverter(config(), false);
        CachedSchemaJsonConverter cachedKeys = cached(config(), true);
        CachedSchemaJsonConverter cachedValues = cached(config(), false);
        List<SinkRecord> stream = new DebeziumEvents().randomStream(new Random(7), 500, 40);
        for (SinkRecord record : stream) {
            assertReadsAlike(keys, cachedKeys, keys.fromConnectData("t", record.keySchema(), record.key()));
            assertReadsAlike(values, cachedValues, values.fromConnectData("t", record.valueSchema(), record.value()));
        }
        // Only the first message of each schema needed a tree; none needed JsonConverter.
        assertThat(cachedValues.treeReads + cachedKeys.treeReads).isLessThanOrEqualTo(4);
        assertThat(cachedValues.delegatedReads + cachedKeys.delegatedReads).isZero();
    }

    @Test
    void handsOutOneSchemaInstancePerDistinctSchemaAsRecordsAlternate() {
        JsonConverter json = jsonConverter(config(), false);
        CachedSchemaJsonConverter cached = cached(config(), false);
        Schema other = SchemaBuilder.struct().name("other").field("id", Schema.INT64_SCHEMA).build();
        byte[] first = json.fromConnectData("t", ALL_TYPES, sparseRow(1));
        byte[] second = json.fromConnectData("t", other, new Struct(other).put("id", 5L));

        Schema a = cached.toConnectData("t", first).schema();
        Schema b = cached.toConnectData("t", second).schema();
        assertThat(cached.toConnectData("t", first).schema()).isSameAs(a);
        assertThat(cached.toConnectData("t", second).schema()).isSameAs(b);
        assertThat(cached.toConnectData("t", json.fromConnectData("t", ALL_TYPES, fullRow(3))).schema()).isSameAs(a);
        assertThat(a).isEqualTo(ALL_TYPES);
        assertThat(b).isEqualTo(other);
    }

    @Test
    void forgetsTheLeastRecentlyUsedSchemaBeyondTheCacheSize() {
        Map<String, Object> config = config("schemas.cache.size", "2");
        JsonConverter json = jsonConverter(config, false);
        CachedSchemaJsonConverter cached = cached(config, false);
        for (int i = 0; i < 5; i++) {
            Schema schema = SchemaBuilder.struct().name("s" + i).field("id", Schema.INT32_SCHEMA).build();
            assertReadsAlike(json, cached, json.fromConnectData("t", schema, new Struct(schema).put("id", i)));
        }
        assertThat(cached.cachedSchemas()).isEqualTo(2);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            // formatting and order JsonConverter accepts
            "{ \"schema\" : {\"type\":\"int32\",\"optional\":false}, \"payload\" : 7 }",
            "{\"payload\":7,\"schema\":{\"type\":\"int32\",\"optional\":false}}",
            "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":007}",
            "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":7}  trailing",
            "{\"schema\":{\"type\":\"int32\",\"optional\":true},\"payload\":null}",
            "{\"schema\":null,\"payload\":{\"a\":[1,2.5,\"x\"]}}",
            "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":7,\"payload\":8}",
            // struct fields out of schema order, unknown, repeated, missing, or named like an expected one
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":true},{\"field\":\"b\",\"type\":\"string\",\"optional\":true}],\"optional\":false},\"payload\":{\"b\":\"x\",\"a\":1}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":true},{\"field\":\"b\",\"type\":\"string\",\"optional\":true}],\"optional\":false},\"payload\":{\"a\":1,\"zz\":{\"q\":[1,{\"a\":2}]},\"b\":\"x\"}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":true},{\"field\":\"b\",\"type\":\"string\",\"optional\":true}],\"optional\":false},\"payload\":{\"a\":1,\"a\":2,\"b\":\"x\"}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":true},{\"field\":\"b\",\"type\":\"string\",\"optional\":true}],\"optional\":false},\"payload\":{\"b\":\"x\"}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":true},{\"field\":\"b\",\"type\":\"string\",\"optional\":true}],\"optional\":false},\"payload\":{\"ab\":1,\"b\":\"x\"}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":true},{\"field\":\"b\",\"type\":\"string\",\"optional\":true}],\"optional\":false},\"payload\":{\"a\" : 1 ,\n \"b\" :\"x\" }}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":true},{\"field\":\"b\",\"type\":\"string\",\"optional\":true}],\"optional\":false},\"payload\":{\"\\u0061\":1,\"b\":\"x\"}}",
            // lenient readings of mismatched JSON types
            "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":\"12\"}",
            "{\"schema\":{\"type\":\"boolean\",\"optional\":false},\"payload\":1}",
            "{\"schema\":{\"type\":\"int64\",\"optional\":false},\"payload\":1.9}",
            "{\"schema\":{\"type\":\"string\",\"optional\":true},\"payload\":5}",
            "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"int32\",\"optional\":false},\"optional\":false},\"payload\":{\"a\":1}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":true}],\"optional\":false},\"payload\":{}}",
            "{\"schema\":{\"type\":\"float\",\"optional\":false},\"payload\":1e39}",
            "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"},\"optional\":false},\"payload\":12.345}",
            // what JsonConverter refuses
            "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":null}",
            "{\"schema\":{\"type\":\"int32\",\"optional\":false}}",
            "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":1,\"extra\":2}",
            "{\"schema\":{\"type\":\"nope\"},\"payload\":1}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"a\",\"type\":\"int32\",\"optional\":false}],\"optional\":false},\"payload\":{}}",
            "{\"schema\":{\"type\":\"struct\",\"fields\":[],\"optional\":false},\"payload\":[1]}",
            "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"not base64!\"}",
            "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Date\",\"optional\":false},\"payload\":\"x\"}",
            "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":false},\"values\":{\"type\":\"int32\",\"optional\":false},\"optional\":false},\"payload\":[[1]]}",
            "[1,2]",
            "\"text\"",
            "not json",
            "",
            "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":",
    })
    void readsOddAndBrokenMessagesAsJsonConverterDoes(String message) {
        JsonConverter json = jsonConverter(config(), false);
        CachedSchemaJsonConverter cached = cached(config(), false);
        // Twice: the second time the schema is cached, and the compact path is tried first.
        assertReadsAlike(json, cached, bytes(message));
        assertReadsAlike(json, cached, bytes(message));
    }

    @Test
    void aCachedSchemaFollowedByAnotherEnvelopeShapeIsNotMistakenForTheCompactForm() {
        JsonConverter json = jsonConverter(config(), false);
        CachedSchemaJsonConverter cached = cached(config(), false);
        String schema = "{\"type\":\"int32\",\"optional\":false}";
        assertReadsAlike(json, cached, bytes("{\"schema\":" + schema + ",\"payload\":1}"));
        assertReadsAlike(json, cached, bytes("{\"schema\":" + schema + ",\"payload\":1,\"payload\":2}"));
        assertReadsAlike(json, cached, bytes("{\"schema\":" + schema + ",\"payload\":1} "));
        assertReadsAlike(json, cached, bytes("{\"schema\":" + schema + ",\"payload\":1,\"x\":{}}"));
        assertReadsAlike(json, cached, bytes("{\"schema\":" + schema + ",\"payload\":}"));
    }

    @Test
    void readsTombstonesAndSchemalessJsonAsJsonConverterDoes() {
        assertThat(cached(config(), false).toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
        Map<String, Object> schemaless = config("schemas.enable", "false");
        JsonConverter json = jsonConverter(schemaless, false);
        CachedSchemaJsonConverter cached = cached(schemaless, false);
        assertReadsAlike(json, cached, bytes("{\"a\":1,\"b\":[true,null]}"));
        assertReadsAlike(json, cached, bytes("{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":7}"));
    }

    /** Writes {@code value} with both converters and requires the same bytes, or a DataException from both. */
    private static void assertWritesAlike(JsonConverter expected, CachedSchemaJsonConverter actual, Schema schema, Object value) {
        byte[] want;
        try {
            want = expected.fromConnectData("t", schema, value);
        } catch (DataException e) {
            assertThatThrownBy(() -> actual.fromConnectData("t", schema, value))
                    .as("JsonConverter refused %s", value).isInstanceOf(DataException.class);
            return;
        }
        assertThat(text(actual.fromConnectData("t", schema, value))).as("writing %s", value).isEqualTo(text(want));
    }

    @ParameterizedTest(name = "decimal.format={0}")
    @ValueSource(strings = {"BASE64", "NUMERIC"})
    void writesTheBytesJsonConverterWritesForEveryType(String decimalFormat) {
        Map<String, Object> config = config("decimal.format", decimalFormat);
        JsonConverter json = jsonConverter(config, false);
        CachedSchemaJsonConverter cached = cached(config, false);
        Random random = new Random(5);
        for (int i = 0; i < 1_000; i++) {
            assertWritesAlike(json, cached, ALL_TYPES, fullRow(i));
            assertWritesAlike(json, cached, ALL_TYPES, sparseRow(i));
            assertWritesAlike(json, cached, PLAIN, randomPlainRow(random));
        }
        assertThat(cached.delegatedWrites).isZero();
    }

    @Test
    void writesTheBytesJsonConverterWritesForDebeziumChangeEvents() {
        JsonConverter keys = jsonConverter(config(), true);
        JsonConverter values = jsonConverter(config(), false);
        CachedSchemaJsonConverter cachedKeys = cached(config(), true);
        CachedSchemaJsonConverter cachedValues = cached(config(), false);
        for (SinkRecord record : new DebeziumEvents().randomStream(new Random(3), 500, 40)) {
            assertWritesAlike(keys, cachedKeys, record.keySchema(), record.key());
            assertWritesAlike(values, cachedValues, record.valueSchema(), record.value());
        }
        assertThat(cachedKeys.delegatedWrites + cachedValues.delegatedWrites).isZero();
    }

    @Test
    void writesNullsAndDefaultsAsJsonConverterDoesWithEitherReplaceNullWithDefault() {
        for (String replace : List.of("true", "false")) {
            Map<String, Object> config = config("replace.null.with.default", replace);
            JsonConverter json = jsonConverter(config, false);
            CachedSchemaJsonConverter cached = cached(config, false);
            assertWritesAlike(json, cached, ALL_TYPES, sparseRow(3));
            assertWritesAlike(json, cached, SchemaBuilder.int32().optional().defaultValue(7).build(), null);
            assertWritesAlike(json, cached, Schema.OPTIONAL_STRING_SCHEMA, null);
        }
    }

    @Test
    void writesOddValuesAsJsonConverterDoesAndLeavesItsErrorsToIt() {
        JsonConverter json = jsonConverter(config(), false);
        CachedSchemaJsonConverter cached = cached(config(), false);
        assertWritesAlike(json, cached, Schema.FLOAT64_SCHEMA, Double.NaN);
        assertWritesAlike(json, cached, Schema.FLOAT32_SCHEMA, Float.NEGATIVE_INFINITY);
        assertWritesAlike(json, cached, Schema.BYTES_SCHEMA, java.nio.ByteBuffer.wrap(new byte[]{1, 2, 3}));
        assertWritesAlike(json, cached, Schema.STRING_SCHEMA, new StringBuilder("built"));
        assertWritesAlike(json, cached, SchemaBuilder.map(Schema.OPTIONAL_STRING_SCHEMA, Schema.INT32_SCHEMA).build(),
                new HashMap<>(Map.of("a", 1)));
        Map<String, Integer> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        assertWritesAlike(json, cached, SchemaBuilder.map(Schema.OPTIONAL_STRING_SCHEMA, Schema.INT32_SCHEMA).build(), nullKey);
        // Refused by JsonConverter, so refused here too.
        assertWritesAlike(json, cached, Schema.INT32_SCHEMA, "not a number");
        assertWritesAlike(json, cached, Schema.INT32_SCHEMA, null);
        assertWritesAlike(json, cached, Decimal.schema(2), 12.5);
        assertWritesAlike(json, cached, PLAIN, new Struct(ALL_TYPES));
        // Without a schema JsonConverter infers one; this converter hands such values to it.
        assertWritesAlike(json, cached, null, Map.of("k", List.of(1L, 2L)));
        assertWritesAlike(json, cached, null, null);
        assertThat(cached.delegatedWrites).isPositive();
    }

    @Test
    void writesWithoutSchemasExactlyAsJsonConverterDoes() {
        Map<String, Object> schemaless = config("schemas.enable", "false");
        assertWritesAlike(jsonConverter(schemaless, false), cached(schemaless, false), ALL_TYPES, fullRow(2));
        assertThat(cached(config(), false).config().names()).isEqualTo(jsonConverter(config(), false).config().names());
    }
}
