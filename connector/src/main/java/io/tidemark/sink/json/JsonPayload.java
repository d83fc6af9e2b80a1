package io.tidemark.sink.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code payload} of a JSON envelope and its Connect value, both ways, with the rules of Kafka's
 * {@code JsonConverter} (4.1). Reading: a missing or null value becomes the schema's default when
 * {@code replace.null.with.default} is on, else null if the schema is optional; the four Connect logical types are
 * read from their JSON forms (a decimal as a number or as base64 bytes); other values with Jackson's lenient
 * accessors, as {@code JsonConverter} reads them ({@link #toConnect}), or straight from the parser when they are
 * in their plain form ({@link #fromParser}). Writing ({@link #write}): token for token what {@code JsonConverter}
 * writes. {@code CachedSchemaJsonConverterTest} compares both directions with {@code JsonConverter} on every type.
 */
final class JsonPayload {

    /** What {@link #fromParser} returns when a value is not in its plain form, or not valid for its schema. */
    static final Object NOT_PLAIN = new Object();

    private JsonPayload() {
    }

    /**
     * Reads the value at the parser's current token without building a tree, for values in the plain form a
     * converter writes: a struct as an object, strings as strings, booleans as {@code true}/{@code false},
     * integers within their type, dates and times as integers, decimals as base64 text or numbers. Returns
     * {@link #NOT_PLAIN} for anything else (arrays, maps, a string where a number is expected, a value the
     * schema refuses); the caller then reads the payload with {@link #toConnect}, whose lenient rules and errors
     * apply. Where both read a value, they read it the same way. {@code names} holds the field names of
     * {@code schema}'s structs.
     */
    static Object fromParser(JsonParser parser, Schema schema, FieldNames names, boolean replaceNullWithDefault)
            throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            if (schema.defaultValue() != null && replaceNullWithDefault) {
                return schema.defaultValue();
            }
            return schema.isOptional() ? null : NOT_PLAIN;
        }
        if (schema.name() != null) {
            switch (schema.name()) {
                case Decimal.LOGICAL_NAME:
                    if (token == JsonToken.VALUE_STRING) {
                        return Decimal.toLogical(schema, parser.getBinaryValue());
                    }
                    return token.isNumeric() ? parser.getDecimalValue() : NOT_PLAIN;
                case Date.LOGICAL_NAME:
                    return isInt(parser, token) ? Date.toLogical(schema, parser.getIntValue()) : NOT_PLAIN;
                case Time.LOGICAL_NAME:
                    return isInt(parser, token) ? Time.toLogical(schema, parser.getIntValue()) : NOT_PLAIN;
                case Timestamp.LOGICAL_NAME:
                    return isLong(parser, token) ? Timestamp.toLogical(schema, parser.getLongValue()) : NOT_PLAIN;
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN -> token == JsonToken.VALUE_TRUE ? Boolean.TRUE : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : NOT_PLAIN;
            case INT8 -> isInt(parser, token) ? (Object) (byte) parser.getIntValue() : NOT_PLAIN;
            case INT16 -> isInt(parser, token) ? (Object) (short) parser.getIntValue() : NOT_PLAIN;
            case INT32 -> isInt(parser, token) ? (Object) parser.getIntValue() : NOT_PLAIN;
            case INT64 -> isLong(parser, token) ? (Object) parser.getLongValue() : NOT_PLAIN;
            case FLOAT32 -> token == JsonToken.VALUE_NUMBER_FLOAT ? (Object) parser.getDecimalValue().floatValue()
                    : isLong(parser, token) ? (Object) (float) parser.getLongValue() : NOT_PLAIN;
            case FLOAT64 -> token == JsonToken.VALUE_NUMBER_FLOAT ? (Object) parser.getDecimalValue().doubleValue()
                    : isLong(parser, token) ? (Object) (double) parser.getLongValue() : NOT_PLAIN;
            case STRING -> token == JsonToken.VALUE_STRING ? parser.getText() : NOT_PLAIN;
            case BYTES -> token == JsonToken.VALUE_STRING ? parser.getBinaryValue() : NOT_PLAIN;
            case STRUCT -> token == JsonToken.START_OBJECT ? structFromParser(parser, schema, names, replaceNullWithDefault)
                    : NOT_PLAIN;
            case ARRAY, MAP -> NOT_PLAIN;
        };
    }

    /**
     * Writes {@code value} as {@code JsonConverter} (4.1) writes a payload with a schema, token for token: a null
     * becomes the schema's default when {@code replace.null.with.default} is on, else JSON null if the schema is
     * optional; decimals as base64 bytes or as a number, per {@code decimal.format}; dates, times and timestamps as
     * integers; maps with string keys as objects, others as arrays of {@code [key, value]} pairs.
     *
     * @throws DataException or ClassCastException when the value does not fit its schema; the caller lets
     *                       {@code JsonConverter} report it
     */
    static void write(JsonGenerator out, Schema schema, Object value, boolean replaceNullWithDefault,
                      boolean decimalsAsNumbers) throws IOException {
        if (value == null) {
            if (schema.defaultValue() != null && replaceNullWithDefault) {
                write(out, schema, schema.defaultValue(), replaceNullWithDefault, decimalsAsNumbers);
            } else if (schema.isOptional()) {
                out.writeNull();
            } else {
                throw new DataException("null for a required " + schema.type() + " value without a default");
            }
            return;
        }
        if (schema.name() != null) {
            switch (schema.name()) {
                case Decimal.LOGICAL_NAME -> {
                    BigDecimal decimal = (BigDecimal) value;
                    if (decimalsAsNumbers) {
                        out.writeNumber(decimal);
                    } else {
                        out.writeBinary(Decimal.fromLogical(schema, decimal));
                    }
                    return;
                }
                case Date.LOGICAL_NAME -> {
                    out.writeNumber(Date.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                case Time.LOGICAL_NAME -> {
                    out.writeNumber(Time.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                case Timestamp.LOGICAL_NAME -> {
                    out.writeNumber(Timestamp.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                default -> {
                }
            }
        }
        switch (schema.type()) {
            case INT8 -> out.writeNumber((int) (Byte) value);
            case INT16 -> out.writeNumber((Short) value);
            case INT32 -> out.writeNumber((Integer) value);
            case INT64 -> out.writeNumber((Long) value);
            case FLOAT32 -> out.writeNumber((Float) value);
            case FLOAT64 -> out.writeNumber((Double) value);
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case STRING -> out.writeString(((CharSequence) value).toString());
            case BYTES -> out.writeBinary(value instanceof ByteBuffer buffer ? buffer.array() : (byte[]) value);
            case ARRAY -> {
                out.writeStartArray();
                for (Object element : (Collection<?>) value) {
                    write(out, schema.valueSchema(), element, replaceNullWithDefault, decimalsAsNumbers);
                }
                out.writeEndArray();
            }
            case MAP -> writeMap(out, schema, (Map<?, ?>) value, replaceNullWithDefault, decimalsAsNumbers);
            case STRUCT -> {
                Struct struct = (Struct) value;
                if (struct.schema() != schema && !struct.schema().equals(schema)) {
                    throw new DataException("a struct of schema " + struct.schema().name() + " where " + schema.name()
                            + " is expected");
                }
                out.writeStartObject();
                for (Field field : schema.fields()) {
                    out.writeFieldName(field.name());
                    write(out, field.schema(), struct.getWithoutDefault(field.name()), replaceNullWithDefault,
                            decimalsAsNumbers);
                }
                out.writeEndObject();
            }
        }
    }

    private static void writeMap(JsonGenerator out, Schema schema, Map<?, ?> map, boolean replaceNullWithDefault,
                                 boolean decimalsAsNumbers) throws IOException {
        if (schema.keySchema().type() == Schema.Type.STRING) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName((String) Objects.requireNonNull(entry.getKey()));
                write(out, schema.valueSchema(), entry.getValue(), replaceNullWithDefault, decimalsAsNumbers);
            }
            out.writeEndObject();
            return;
        }
        out.writeStartArray();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            out.writeStartArray();
            write(out, schema.keySchema(), entry.getKey(), replaceNullWithDefault, decimalsAsNumbers);
            write(out, schema.valueSchema(), entry.getValue(), replaceNullWithDefault, decimalsAsNumbers);
            out.writeEndArray();
        }
        out.writeEndArray();
    }

    private static boolean isInt(JsonParser parser, JsonToken token) throws IOException {
        return token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT;
    }

    private static boolean isLong(JsonParser parser, JsonToken token) throws IOException {
        return token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
    }

    private static Object structFromParser(JsonParser parser, Schema schema, FieldNames names,
                                           boolean replaceNullWithDefault) throws IOException {
        Struct result = new Struct(schema.schema());
        List<Field> fields = schema.fields();
        SerializableString[] expected = names.of(schema);
        boolean[] seen = new boolean[fields.size()];
        int next = 0;
        while (true) {
            // Fields nearly always come in schema order: match the next one's bytes before decoding a name.
            boolean guess = expected != null && next < expected.length;
            Field field;
            if (guess && parser.nextFieldName(expected[next])) {
                field = fields.get(next);
            } else {
                JsonToken token = guess ? parser.currentToken() : parser.nextToken();
                if (token != JsonToken.FIELD_NAME) {
                    break;
                }
                field = schema.field(parser.currentName());
            }
            parser.nextToken();
            if (field == null) {
                parser.skipChildren();
                continue;
            }
            Object value = fromParser(parser, field.schema(), names, replaceNullWithDefault);
            if (value == NOT_PLAIN) {
                return NOT_PLAIN;
            }
            result.put(field, value);
            seen[field.index()] = true;
            next = field.index() + 1;
        }
        for (Field field : fields) {
            if (!seen[field.index()]) {
                Schema missing = field.schema();
                if (missing.defaultValue() != null && replaceNullWithDefault) {
                    result.put(field, missing.defaultValue());
                } else if (!missing.isOptional()) {
                    return NOT_PLAIN;
                }
            }
        }
        return result;
    }

    static Object toConnect(Schema schema, JsonNode value, boolean replaceNullWithDefault) {
        if (value == null || value.isNull()) {
            if (schema.defaultValue() != null && replaceNullWithDefault) {
                return schema.defaultValue();
            }
            if (schema.isOptional()) {
                return null;
            }
            throw new DataException("null for a required " + schema.type() + " value");
        }
        if (schema.name() != null) {
            switch (schema.name()) {
                case Decimal.LOGICAL_NAME:
                    return decimal(schema, value);
                case Date.LOGICAL_NAME:
                    if (!value.isInt()) {
                        throw new DataException("a " + Date.LOGICAL_NAME + " value must be a JSON integer (days), not "
                                + value.getNodeType());
                    }
                    return Date.toLogical(schema, value.intValue());
                case Time.LOGICAL_NAME:
                    if (!value.isInt()) {
                        throw new DataException("a " + Time.LOGICAL_NAME + " value must be a JSON integer (milliseconds of the day), not "
                                + value.getNodeType());
                    }
                    return Time.toLogical(schema, value.intValue());
                case Timestamp.LOGICAL_NAME:
                    if (!value.isIntegralNumber()) {
                        throw new DataException("a " + Timestamp.LOGICAL_NAME + " value must be a JSON integer (epoch milliseconds), not "
                                + value.getNodeType());
                    }
                    return Timestamp.toLogical(schema, value.longValue());
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN -> value.booleanValue();
            case INT8 -> (byte) value.intValue();
            case INT16 -> (short) value.intValue();
            case INT32 -> value.intValue();
            case INT64 -> value.longValue();
            case FLOAT32 -> value.floatValue();
            case FLOAT64 -> value.doubleValue();
            case BYTES -> bytes(value);
            case STRING -> value.textValue();
            case ARRAY -> array(schema, value, replaceNullWithDefault);
            case MAP -> map(schema, value, replaceNullWithDefault);
            case STRUCT -> struct(schema, value, replaceNullWithDefault);
        };
    }

    private static Object decimal(Schema schema, JsonNode value) {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isBinary() || value.isTextual()) {
            try {
                return Decimal.toLogical(schema, value.binaryValue());
            } catch (Exception e) {
                throw new DataException("a " + Decimal.LOGICAL_NAME + " value could not be read from its base64 bytes", e);
            }
        }
        throw new DataException("a " + Decimal.LOGICAL_NAME + " value must be a JSON number or base64 text, not "
                + value.getNodeType());
    }

    private static byte[] bytes(JsonNode value) {
        try {
            return value.binaryValue();
        } catch (IOException e) {
            throw new DataException("a bytes value is not valid base64", e);
        }
    }

    private static List<Object> array(Schema schema, JsonNode value, boolean replaceNullWithDefault) {
        List<Object> result = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            result.add(toConnect(schema.valueSchema(), element, replaceNullWithDefault));
        }
        return result;
    }

    private static Map<Object, Object> map(Schema schema, JsonNode value, boolean replaceNullWithDefault) {
        Map<Object, Object> result = new HashMap<>();
        if (schema.keySchema().type() == Schema.Type.STRING) {
            if (!value.isObject()) {
                throw new DataException("a map with string keys must be a JSON object, not " + value.getNodeType());
            }
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                result.put(entry.getKey(), toConnect(schema.valueSchema(), entry.getValue(), replaceNullWithDefault));
            }
            return result;
        }
        if (!value.isArray()) {
            throw new DataException("a map with " + schema.keySchema().type() + " keys must be a JSON array of [key, value] pairs, not "
                    + value.getNodeType());
        }
        for (JsonNode entry : value) {
            if (!entry.isArray()) {
                throw new DataException("a map entry must be a [key, value] array, not " + entry.getNodeType());
            }
            if (entry.size() != 2) {
                throw new DataException("a map entry must be a [key, value] array, not one of " + entry.size() + " elements");
            }
            result.put(toConnect(schema.keySchema(), entry.get(0), replaceNullWithDefault),
                    toConnect(schema.valueSchema(), entry.get(1), replaceNullWithDefault));
        }
        return result;
    }

    private static Struct struct(Schema schema, JsonNode value, boolean replaceNullWithDefault) {
        if (!value.isObject()) {
            throw new DataException("a struct must be a JSON object, not " + value.getNodeType());
        }
        Struct result = new Struct(schema.schema());
        for (Field field : schema.fields()) {
            result.put(field, toConnect(field.schema(), value.get(field.name()), replaceNullWithDefault));
        }
        return result;
    }
}
