package io.tidemark.sink.json;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the {@code payload} of a JSON envelope into a Connect value of a known schema, with the rules of
 * Kafka's {@code JsonConverter} (4.1): a missing or null value becomes the schema's default when
 * {@code replace.null.with.default} is on, else null if the schema is optional; the four Connect logical types
 * are read from their JSON forms (a decimal as a number or as base64 bytes); other values are read with
 * Jackson's lenient accessors, exactly as {@code JsonConverter} reads them. {@code CachedSchemaJsonConverterTest}
 * compares the two on every type.
 */
final class JsonPayload {

    private JsonPayload() {
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
