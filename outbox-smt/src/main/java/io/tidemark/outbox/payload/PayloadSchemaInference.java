package io.tidemark.outbox.payload;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Infers a Connect schema from a parsed JSON value. The result depends only on the document's
 * shape, never on field order or on which array element came first:
 * <ul>
 *   <li>object fields are sorted by name, so {@code {"a":1,"b":2}} and {@code {"b":2,"a":1}} agree;</li>
 *   <li>array elements are merged: integers with floats widen to float64, objects with different
 *       fields become one struct with the union of the fields, {@code null}s and empty arrays take
 *       the type of their siblings; kinds that cannot merge (a string and an object, say) fall back
 *       to a string holding each element's JSON text instead of failing the event;</li>
 *   <li>every nested field is optional, so adding or dropping a field is a compatible schema change
 *       for a registry, and the root is required so an event is never an Avro union.</li>
 * </ul>
 */
public final class PayloadSchemaInference {

    private final NullFieldBehavior nullFieldBehavior;

    public PayloadSchemaInference(NullFieldBehavior nullFieldBehavior) {
        this.nullFieldBehavior = nullFieldBehavior;
    }

    /** The schema of {@code root}; {@code null} when the document is JSON {@code null} and has no type. */
    public Schema infer(Object root) {
        JsonType type = typeOf(root);
        if (type == JsonType.NULL) {
            return null;
        }
        return toSchema(type, false);
    }

    private static JsonType typeOf(Object value) {
        if (value == null) {
            return JsonType.NULL;
        }
        if (value instanceof String) {
            return JsonType.STRING;
        }
        if (value instanceof Long) {
            return JsonType.INTEGER;
        }
        if (value instanceof Double) {
            return JsonType.FLOAT;
        }
        if (value instanceof Boolean) {
            return JsonType.BOOLEAN;
        }
        if (value instanceof JsonObject object) {
            TreeMap<String, JsonType> fields = new TreeMap<>();
            for (int i = 0; i < object.size(); i++) {
                fields.put(object.name(i), typeOf(object.value(i)));
            }
            return new JsonType.Struct(fields);
        }
        if (value instanceof List<?> array) {
            JsonType element = JsonType.NULL;
            for (Object item : array) {
                element = join(element, typeOf(item));
            }
            return new JsonType.Array(element);
        }
        throw new IllegalArgumentException("not a parsed JSON value: " + value.getClass().getName());
    }

    /** The least type that holds values of both {@code a} and {@code b}. */
    static JsonType join(JsonType a, JsonType b) {
        if (a == JsonType.NULL || a.equals(b)) {
            return b;
        }
        if (b == JsonType.NULL) {
            return a;
        }
        if (isNumber(a) && isNumber(b)) {
            return JsonType.FLOAT;
        }
        if (a instanceof JsonType.Struct sa && b instanceof JsonType.Struct sb) {
            TreeMap<String, JsonType> fields = new TreeMap<>(sa.fields());
            sb.fields().forEach((name, type) -> fields.merge(name, type, PayloadSchemaInference::join));
            return new JsonType.Struct(fields);
        }
        if (a instanceof JsonType.Array aa && b instanceof JsonType.Array ab) {
            return new JsonType.Array(join(aa.element(), ab.element()));
        }
        return JsonType.JSON_TEXT;
    }

    private static boolean isNumber(JsonType type) {
        return type == JsonType.INTEGER || type == JsonType.FLOAT;
    }

    private Schema toSchema(JsonType type, boolean optional) {
        SchemaBuilder builder;
        if (type == JsonType.STRING || type == JsonType.JSON_TEXT) {
            builder = SchemaBuilder.string();
        } else if (type == JsonType.INTEGER) {
            builder = SchemaBuilder.int64();
        } else if (type == JsonType.FLOAT) {
            builder = SchemaBuilder.float64();
        } else if (type == JsonType.BOOLEAN) {
            builder = SchemaBuilder.bool();
        } else if (type == JsonType.NULL) {
            builder = nullFieldBehavior == NullFieldBehavior.OPTIONAL_BYTES ? SchemaBuilder.bytes() : SchemaBuilder.string();
        } else if (type instanceof JsonType.Array array) {
            builder = SchemaBuilder.array(toSchema(array.element(), true));
        } else {
            builder = SchemaBuilder.struct();
            for (Map.Entry<String, JsonType> field : ((JsonType.Struct) type).fields().entrySet()) {
                if (field.getValue() == JsonType.NULL && nullFieldBehavior == NullFieldBehavior.IGNORE) {
                    continue;
                }
                builder.field(field.getKey(), toSchema(field.getValue(), true));
            }
        }
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    /** The lattice of JSON value kinds that inference works in. */
    sealed interface JsonType {
        JsonType NULL = new Scalar("null");
        JsonType STRING = new Scalar("string");
        JsonType INTEGER = new Scalar("integer");
        JsonType FLOAT = new Scalar("float");
        JsonType BOOLEAN = new Scalar("boolean");
        /** The top of the lattice: kinds that do not merge are carried as their JSON text. */
        JsonType JSON_TEXT = new Scalar("json text");

        record Scalar(String kind) implements JsonType {
        }

        record Struct(TreeMap<String, JsonType> fields) implements JsonType {
        }

        record Array(JsonType element) implements JsonType {
        }
    }
}
