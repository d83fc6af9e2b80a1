package io.tidemark.sink.dialect;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Renders a Connect value as PostgreSQL text input. The sink ships a column as a {@code text[]} and
 * lets PostgreSQL cast it to the column type unless a typed array fits ({@link ParameterType}), which
 * keeps one uniform, array-based statement shape for every type and lets PostgreSQL do the parsing it
 * already does for COPY.
 */
public final class ValueText {

    private static final HexFormat HEX = HexFormat.of();
    private static final long MICROS_PER_DAY = TimeUnit.DAYS.toMicros(1);
    private static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);

    private ValueText() {
    }

    public static String render(Schema schema, Object value) {
        return value == null ? null : renderer(schema).apply(value);
    }

    /**
     * The rendering of values of {@code schema}, resolved once: a column of many rows pays for the type
     * dispatch once, not per value. The function takes non-null values.
     */
    public static Function<Object, String> renderer(Schema schema) {
        String logical = schema.name();
        if (logical != null) {
            Function<Object, String> renderer = logicalRenderer(logical);
            if (renderer != null) {
                return renderer;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN, INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, STRING -> Object::toString;
            case BYTES -> value -> "\\x" + HEX.formatHex(bytes(value));
            case ARRAY -> {
                Schema elementSchema = schema.valueSchema();
                yield value -> arrayLiteral(elementSchema, (List<?>) value);
            }
            case MAP, STRUCT -> value -> {
                throw new DataException("cannot write a " + schema.type() + " value to a column");
            };
        };
    }

    private static Function<Object, String> logicalRenderer(String logical) {
        return switch (logical) {
            case Decimal.LOGICAL_NAME -> value -> ((BigDecimal) value).toPlainString();
            case "io.debezium.data.VariableScaleDecimal" -> value -> variableScaleDecimal((Struct) value);
            case org.apache.kafka.connect.data.Date.LOGICAL_NAME ->
                    value -> LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC).toString();
            case org.apache.kafka.connect.data.Time.LOGICAL_NAME ->
                    value -> LocalTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC).toString();
            case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME ->
                    value -> LocalDateTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC).toString();
            case "io.debezium.time.Date" -> {
                Function<Object, Integer> days = epochDays(logical);
                yield value -> LocalDate.ofEpochDay(days.apply(value)).toString();
            }
            case "io.debezium.time.Time" -> value -> timeOfDay(((Number) value).longValue() * 1_000);
            case "io.debezium.time.MicroTime" -> value -> timeOfDay(((Number) value).longValue());
            case "io.debezium.time.NanoTime" -> value -> timeOfDay(((Number) value).longValue() / 1_000);
            case "io.debezium.time.Timestamp", "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp" -> {
                Function<Object, Long> micros = epochMicros(logical);
                yield value -> timestamp(micros.apply(value));
            }
            case "io.debezium.time.MicroDuration" -> value -> ((Number) value).longValue() + " microseconds";
            default -> null;
        };
    }

    /**
     * Microseconds since 1970-01-01T00:00 of values of the timestamp logical type {@code logical} (milliseconds
     * scaled up, nanoseconds rounded down), or null for any other type.
     */
    public static Function<Object, Long> epochMicros(String logical) {
        return switch (logical) {
            case "io.debezium.time.Timestamp" -> value -> ((Number) value).longValue() * 1_000;
            case "io.debezium.time.MicroTimestamp" -> value -> ((Number) value).longValue();
            case "io.debezium.time.NanoTimestamp" -> value -> Math.floorDiv(((Number) value).longValue(), 1_000L);
            case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME -> value -> ((java.util.Date) value).getTime() * 1_000;
            default -> null;
        };
    }

    /** Days since 1970-01-01 of values of the date logical type {@code logical}, or null for any other type. */
    public static Function<Object, Integer> epochDays(String logical) {
        return switch (logical) {
            case "io.debezium.time.Date" -> value -> ((Number) value).intValue();
            case org.apache.kafka.connect.data.Date.LOGICAL_NAME ->
                    value -> Math.toIntExact(Math.floorDiv(((java.util.Date) value).getTime(), MILLIS_PER_DAY));
            default -> null;
        };
    }

    /**
     * A time of day, {@code HH:MM:SS[.ffffff]}; PostgreSQL's {@code time} allows 24:00:00, which {@link LocalTime}
     * does not. A MySQL {@code TIME} is a duration (-838:59:59 to 838:59:59), which Debezium sends as the same
     * type: beyond a day or negative it is written as {@code [-]H:MM:SS.ffffff}, which an {@code interval} (or
     * MariaDB {@code TIME}) column takes and a {@code time} column refuses for that record alone.
     */
    public static String timeOfDay(long micros) {
        if (micros >= 0 && micros < MICROS_PER_DAY) {
            return LocalTime.ofNanoOfDay(micros * 1_000).toString();
        }
        if (micros == MICROS_PER_DAY) {
            return "24:00:00";
        }
        long abs = Math.abs(micros);
        return String.format("%s%d:%02d:%02d.%06d", micros < 0 ? "-" : "", abs / 3_600_000_000L,
                abs / 60_000_000L % 60, abs / 1_000_000L % 60, abs % 1_000_000L);
    }

    private static String timestamp(long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        int nanos = (int) Math.floorMod(epochMicros, 1_000_000L) * 1_000;
        return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC).toString();
    }

    private static String variableScaleDecimal(Struct value) {
        int scale = value.getInt32("scale");
        byte[] unscaled = bytes(value.get("value"));
        return new BigDecimal(new BigInteger(unscaled), scale).toPlainString();
    }

    /** The bytes of a BYTES value: a {@code byte[]} (JSON) or a {@code ByteBuffer} (Avro). */
    public static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] b = new byte[copy.remaining()];
            copy.get(b);
            return b;
        }
        throw new DataException("expected bytes, got " + value.getClass().getSimpleName());
    }

    /** An array literal: {@code {"a","b",NULL}}; every element quoted so commas and braces stay data. */
    private static String arrayLiteral(Schema elementSchema, List<?> values) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object element = values.get(i);
            if (element == null) {
                out.append("NULL");
            } else if (elementSchema.type() == Schema.Type.ARRAY) {
                out.append(render(elementSchema, element));
            } else {
                String text = render(elementSchema, element);
                out.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return out.append('}').toString();
    }
}
