package io.tidemark.sink.dialect.duckdb;

import io.tidemark.sink.dialect.ValueText;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Connect schemas as DuckDB column types, and Connect values as the Java values DuckDB's appender writes into the
 * staging table ({@link StagingTable}). Debezium's semantic types map to the DuckDB type closest to the source type:
 * timestamps with microseconds, zoned timestamps as {@code TIMESTAMPTZ}, UUIDs as {@code UUID}, JSON as {@code JSON},
 * arrays as lists. A value is staged in the column's own type, except where DuckDB's cast from text is the check a
 * value needs (a time of day beyond a day, JSON that does not parse): those are staged as {@code VARCHAR}, and the
 * cast into the target column refuses a bad value as a database error of its record.
 */
final class DuckDbTypes {

    /** DuckDB's widest decimal: {@code DECIMAL(38,s)}. Wider ones, and decimals of variable scale, are kept as text. */
    private static final int MAX_DECIMAL_PRECISION = 38;
    private static final String TEXT = "VARCHAR";

    private DuckDbTypes() {
    }

    static String columnType(Schema schema) {
        String logical = schema.name();
        if (logical != null) {
            String type = logicalType(schema, logical);
            if (type != null) {
                return type;
            }
        }
        return switch (schema.type()) {
            case INT8 -> "TINYINT";
            case INT16 -> "SMALLINT";
            case INT32 -> "INTEGER";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case STRING -> TEXT;
            case BYTES -> "BLOB";
            case ARRAY -> columnType(schema.valueSchema()) + "[]";
            case MAP, STRUCT -> throw new DataException("no DuckDB column type for a " + schema.type() + " field"
                    + (logical == null ? "" : " (" + logical + ")"));
        };
    }

    private static String logicalType(Schema schema, String logical) {
        return switch (logical) {
            case Decimal.LOGICAL_NAME -> decimalType(schema);
            case "io.debezium.data.VariableScaleDecimal" -> TEXT;
            case org.apache.kafka.connect.data.Date.LOGICAL_NAME, "io.debezium.time.Date" -> "DATE";
            case org.apache.kafka.connect.data.Time.LOGICAL_NAME, "io.debezium.time.Time",
                 "io.debezium.time.MicroTime", "io.debezium.time.NanoTime" -> "TIME";
            case "io.debezium.time.ZonedTime" -> "TIMETZ";
            case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME, "io.debezium.time.Timestamp",
                 "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp" -> "TIMESTAMP";
            case "io.debezium.time.ZonedTimestamp" -> "TIMESTAMPTZ";
            case "io.debezium.time.MicroDuration" -> "INTERVAL";
            case "io.debezium.data.Uuid" -> "UUID";
            case "io.debezium.data.Json" -> "JSON";
            default -> null;
        };
    }

    /**
     * {@code DECIMAL(p,s)} up to DuckDB's 38 digits ({@code DECIMAL(38,s)} when the precision is not given); beyond,
     * the exact decimal text, which no DuckDB number holds.
     */
    private static String decimalType(Schema schema) {
        int scale = scale(schema);
        String precision = schema.parameters() == null ? null : schema.parameters().get("connect.decimal.precision");
        int p = precision == null ? MAX_DECIMAL_PRECISION : Integer.parseInt(precision);
        return p <= MAX_DECIMAL_PRECISION && scale <= p && scale >= 0 ? "DECIMAL(" + p + "," + scale + ")" : TEXT;
    }

    private static int scale(Schema schema) {
        return Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
    }

    /** The type of the staging column that carries values of {@code schema} to a column of its {@link #columnType}. */
    static String stagingType(Schema schema) {
        if (schema.type() == Schema.Type.ARRAY) {
            return stagingType(schema.valueSchema()) + "[]";
        }
        return switch (columnType(schema)) {
            case "TIME", "INTERVAL", "JSON" -> TEXT;
            default -> columnType(schema);
        };
    }

    /** The staged Java value of non-null values of {@code schema}, resolved once per column. */
    static Function<Object, Object> stagedValue(Schema schema) {
        String logical = schema.name();
        if (logical != null) {
            Function<Object, Object> value = logicalValue(schema, logical);
            if (value != null) {
                return value;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN, INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, STRING -> value -> value;
            case BYTES -> ValueText::bytes;
            case ARRAY -> {
                Function<Object, Object> element = stagedValue(schema.valueSchema());
                yield value -> {
                    List<Object> list = new ArrayList<>();
                    for (Object e : (List<?>) value) {
                        list.add(e == null ? null : element.apply(e));
                    }
                    return list;
                };
            }
            case MAP, STRUCT -> value -> {
                throw new DataException("cannot write a " + schema.type() + " value to a column");
            };
        };
    }

    private static Function<Object, Object> logicalValue(Schema schema, String logical) {
        Function<Object, Long> micros = ValueText.epochMicros(logical);
        if (micros != null) {
            return value -> {
                long m = micros.apply(value);
                return LocalDateTime.ofEpochSecond(Math.floorDiv(m, 1_000_000L),
                        (int) Math.floorMod(m, 1_000_000L) * 1_000, ZoneOffset.UTC);
            };
        }
        Function<Object, Integer> days = ValueText.epochDays(logical);
        if (days != null) {
            return value -> LocalDate.ofEpochDay(days.apply(value));
        }
        return switch (logical) {
            case Decimal.LOGICAL_NAME -> decimalType(schema).equals(TEXT)
                    ? value -> ((BigDecimal) value).toPlainString()
                    : value -> ((BigDecimal) value).setScale(scale(schema));
            case "io.debezium.data.VariableScaleDecimal" -> value -> {
                Struct decimal = (Struct) value;
                return new BigDecimal(new BigInteger(ValueText.bytes(decimal.get("value"))), decimal.getInt32("scale"))
                        .toPlainString();
            };
            // A MySQL TIME is a duration: beyond a day or negative, DuckDB's cast refuses it for a TIME column and an
            // INTERVAL column takes it.
            case org.apache.kafka.connect.data.Time.LOGICAL_NAME ->
                    value -> ValueText.timeOfDay(((java.util.Date) value).getTime() * 1_000);
            case "io.debezium.time.Time" -> value -> ValueText.timeOfDay(((Number) value).longValue() * 1_000);
            case "io.debezium.time.MicroTime" -> value -> ValueText.timeOfDay(((Number) value).longValue());
            case "io.debezium.time.NanoTime" -> value -> ValueText.timeOfDay(((Number) value).longValue() / 1_000);
            case "io.debezium.time.ZonedTime" -> value -> OffsetTime.parse((String) value);
            case "io.debezium.time.ZonedTimestamp" -> value -> OffsetDateTime.parse((String) value);
            case "io.debezium.time.MicroDuration" -> value -> ((Number) value).longValue() + " microseconds";
            case "io.debezium.data.Uuid" -> value -> UUID.fromString((String) value);
            default -> null;
        };
    }
}
