package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.ValueText;
import org.apache.kafka.connect.data.Schema;

import java.util.function.Function;

/**
 * How one column's values travel in the sink's one-array-per-column statements. Text is the general way:
 * each value rendered as PostgreSQL text input ({@link ValueText}) and cast by the server. Where the Connect
 * type and the column type are the same plain integer, boolean or floating-point type, the values go as a
 * typed array instead, which pgjdbc sends in binary: nothing to render here and nothing to parse there.
 * Timestamps and dates bound for a {@code timestamp without time zone} or {@code date} column go the same way,
 * as microseconds or days since the epoch that the statement adds to the epoch: exact, and far cheaper for
 * both sides than rendering and parsing text.
 */
public enum ParameterType {
    TEXT("text"),
    INT2("int2"),
    INT4("int4"),
    INT8("int8"),
    BOOL("bool"),
    FLOAT4("float4"),
    FLOAT8("float8"),
    /** Microseconds since 1970-01-01T00:00, for a {@code timestamp without time zone} column. */
    EPOCH_MICROS("int8"),
    /** Days since 1970-01-01, for a {@code date} column. */
    EPOCH_DAYS("int4");

    private final String elementType;

    ParameterType(String elementType) {
        this.elementType = elementType;
    }

    /** The array element type, for {@code createArrayOf} and the parameter's cast ({@code ?::int8[]}). */
    public String elementType() {
        return elementType;
    }

    /**
     * The expression that turns the unnested parameter {@code ref} into a value of {@code columnType}.
     */
    public String cast(String ref, String columnType) {
        return switch (this) {
            // interval * number multiplies in double precision, exact only below 2^53: whole days and the
            // microseconds of the day stay far below it, however far from 1970 the timestamp is.
            case EPOCH_MICROS -> "(timestamp 'epoch' + (" + ref + " / 86400000000) * interval '1 day' + (" + ref
                    + " % 86400000000) * interval '1 microsecond')::" + columnType;
            case EPOCH_DAYS -> "(date 'epoch' + " + ref + ")::" + columnType;
            default -> ref + "::" + columnType;
        };
    }

    /**
     * The parameter type for values of {@code schema} written to a column whose type {@code format_type}
     * prints as {@code columnType}. Other logical types (decimals, times, zoned timestamps, ...) go as text.
     */
    public static ParameterType of(Schema schema, String columnType) {
        if (schema.name() != null) {
            if (ValueText.epochMicros(schema.name()) != null && columnType.startsWith("timestamp")
                    && columnType.endsWith("without time zone")) {
                return EPOCH_MICROS;
            }
            return ValueText.epochDays(schema.name()) != null && "date".equals(columnType) ? EPOCH_DAYS : TEXT;
        }
        return switch (schema.type()) {
            case INT8, INT16 -> "smallint".equals(columnType) ? INT2 : TEXT;
            case INT32 -> "integer".equals(columnType) ? INT4 : TEXT;
            case INT64 -> "bigint".equals(columnType) ? INT8 : TEXT;
            case BOOLEAN -> "boolean".equals(columnType) ? BOOL : TEXT;
            case FLOAT32 -> "real".equals(columnType) ? FLOAT4 : TEXT;
            case FLOAT64 -> "double precision".equals(columnType) ? FLOAT8 : TEXT;
            default -> TEXT;
        };
    }

    /** An empty array of this type's Java element class, which pgjdbc maps to the element type. */
    public Object[] newArray(int size) {
        return switch (this) {
            case TEXT -> new String[size];
            case INT2 -> new Short[size];
            case INT4, EPOCH_DAYS -> new Integer[size];
            case INT8, EPOCH_MICROS -> new Long[size];
            case BOOL -> new Boolean[size];
            case FLOAT4 -> new Float[size];
            case FLOAT8 -> new Double[size];
        };
    }

    /**
     * Turns non-null values of Connect schema {@code schema} into elements of this type's array; resolved once
     * per column and schema, applied to every row.
     */
    public Function<Object, ?> encoder(Schema schema) {
        return switch (this) {
            case TEXT -> ValueText.renderer(schema);
            case INT2 -> value -> ((Number) value).shortValue();
            case INT4 -> value -> ((Number) value).intValue();
            case INT8 -> value -> ((Number) value).longValue();
            case BOOL -> value -> (Boolean) value;
            case FLOAT4 -> value -> ((Number) value).floatValue();
            case FLOAT8 -> value -> ((Number) value).doubleValue();
            case EPOCH_MICROS -> ValueText.epochMicros(schema.name());
            case EPOCH_DAYS -> ValueText.epochDays(schema.name());
        };
    }
}
