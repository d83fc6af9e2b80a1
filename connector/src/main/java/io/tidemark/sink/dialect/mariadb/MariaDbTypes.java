package io.tidemark.sink.dialect.mariadb;

import io.tidemark.sink.dialect.ValueText;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

/**
 * Connect schemas as MariaDB column types, and Connect values as the JDBC parameters MariaDB Connector/J binds
 * for them. Debezium's semantic types map to the MariaDB type closest to the source type: timestamps with
 * microseconds, zoned timestamps as UTC {@code DATETIME(6)}, UUIDs as {@code CHAR(36)}, JSON as {@code JSON}.
 * MariaDB indexes only bounded types, so text and bytes of a primary key are {@code VARCHAR(255)} and
 * {@code VARBINARY(255)}; tables are {@code utf8mb4} with a binary collation, so keys compare as the source
 * compares them (case matters).
 */
final class MariaDbTypes {

    /** Decimals without a declared precision (Debezium's variable-scale decimal): the widest MariaDB has. */
    private static final String UNBOUNDED_DECIMAL = "DECIMAL(65,30)";

    private MariaDbTypes() {
    }

    static String columnType(Schema schema, boolean key) {
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
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case STRING -> key ? "VARCHAR(255)" : "LONGTEXT";
            case BYTES -> key ? "VARBINARY(255)" : "LONGBLOB";
            case ARRAY -> "JSON";
            case MAP, STRUCT -> throw new DataException("no MariaDB column type for a " + schema.type() + " field"
                    + (logical == null ? "" : " (" + logical + ")"));
        };
    }

    private static String logicalType(Schema schema, String logical) {
        return switch (logical) {
            case Decimal.LOGICAL_NAME -> decimalType(schema);
            case "io.debezium.data.VariableScaleDecimal" -> UNBOUNDED_DECIMAL;
            case org.apache.kafka.connect.data.Date.LOGICAL_NAME, "io.debezium.time.Date" -> "DATE";
            case org.apache.kafka.connect.data.Time.LOGICAL_NAME, "io.debezium.time.Time",
                 "io.debezium.time.MicroTime", "io.debezium.time.NanoTime" -> "TIME(6)";
            case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME, "io.debezium.time.Timestamp",
                 "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp",
                 "io.debezium.time.ZonedTimestamp" -> "DATETIME(6)";
            case "io.debezium.time.MicroDuration" -> "BIGINT";
            case "io.debezium.data.Uuid" -> "CHAR(36)";
            case "io.debezium.data.Json" -> "JSON";
            default -> null;
        };
    }

    private static String decimalType(Schema schema) {
        String scale = schema.parameters() == null ? null : schema.parameters().get(Decimal.SCALE_FIELD);
        String precision = schema.parameters() == null ? null : schema.parameters().get("connect.decimal.precision");
        if (precision == null || scale == null) {
            return UNBOUNDED_DECIMAL;
        }
        int p = Integer.parseInt(precision);
        int s = Integer.parseInt(scale);
        return p <= 65 && s <= 30 ? "DECIMAL(" + p + "," + s + ")" : UNBOUNDED_DECIMAL;
    }

    /** The JDBC parameter for non-null values of {@code schema}, resolved once per column. */
    static Function<Object, Object> binder(Schema schema) {
        String logical = schema.name();
        if (logical != null) {
            Function<Object, Object> binder = logicalBinder(logical);
            if (binder != null) {
                return binder;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN, INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, STRING -> value -> value;
            case BYTES -> ValueText::bytes;
            case ARRAY -> value -> jsonArray(schema.valueSchema(), (List<?>) value);
            case MAP, STRUCT -> value -> {
                throw new DataException("cannot write a " + schema.type() + " value to a column");
            };
        };
    }

    private static Function<Object, Object> logicalBinder(String logical) {
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
            case Decimal.LOGICAL_NAME -> value -> value;
            case "io.debezium.data.VariableScaleDecimal" -> value -> {
                Struct decimal = (Struct) value;
                return new BigDecimal(new BigInteger(ValueText.bytes(decimal.get("value"))), decimal.getInt32("scale"));
            };
            case org.apache.kafka.connect.data.Time.LOGICAL_NAME ->
                    value -> LocalTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
            // A MySQL TIME is a duration; MariaDB's TIME column takes one as text, beyond a day or negative too.
            case "io.debezium.time.Time" -> value -> ValueText.timeOfDay(((Number) value).longValue() * 1_000);
            case "io.debezium.time.MicroTime" -> value -> ValueText.timeOfDay(((Number) value).longValue());
            case "io.debezium.time.NanoTime" -> value -> ValueText.timeOfDay(((Number) value).longValue() / 1_000);
            case "io.debezium.time.ZonedTimestamp" -> value -> utcDateTime((String) value);
            default -> null;
        };
    }

    /**
     * Debezium's zoned timestamp text (ISO-8601 with an offset, e.g. {@code 2026-11-01T10:20:30.123456Z}) as the UTC
     * date-time a {@code DATETIME(6)} column holds. The shape Debezium writes (a four-digit year, up to nine fraction
     * digits, {@code Z} or {@code ±HH:MM[:SS]}) is read directly: {@code OffsetDateTime.parse} was a fifth of the apply
     * thread's time on a MariaDB target. Any other text goes through {@code OffsetDateTime.parse}; invalid fields fail
     * with a {@code DateTimeException} either way.
     */
    static LocalDateTime utcDateTime(String text) {
        int n = text.length();
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (n < 20 || year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return parsed(text);
        }
        int i = 19;
        int nanos = 0;
        if (text.charAt(i) == '.') {
            int end = i + 1;
            while (end < n && end - i <= 9 && Character.isDigit(text.charAt(end))) {
                end++;
            }
            int fraction = digits(text, i + 1, end);
            if (end == i + 1 || fraction < 0 || (end < n && Character.isDigit(text.charAt(end)))) {
                return parsed(text);
            }
            nanos = fraction;
            for (int scale = end - i - 1; scale < 9; scale++) {
                nanos *= 10;
            }
            i = end;
        }
        ZoneOffset offset = offset(text, i);
        if (offset == null) {
            return parsed(text);
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos).minusSeconds(offset.getTotalSeconds());
    }

    /** The offset {@code Z}, {@code ±HH:MM} or {@code ±HH:MM:SS} that ends {@code text} at {@code from}, or null. */
    private static ZoneOffset offset(String text, int from) {
        int length = text.length() - from;
        if (length == 1 && text.charAt(from) == 'Z') {
            return ZoneOffset.UTC;
        }
        char sign = length == 6 || length == 9 ? text.charAt(from) : '?';
        int hours = digits(text, from + 1, from + 3);
        int minutes = digits(text, from + 4, from + 6);
        int seconds = length == 9 ? digits(text, from + 7, from + 9) : 0;
        if ((sign != '+' && sign != '-') || hours < 0 || minutes < 0 || seconds < 0 || text.charAt(from + 3) != ':'
                || (length == 9 && text.charAt(from + 6) != ':')) {
            return null;
        }
        int direction = sign == '+' ? 1 : -1;
        return ZoneOffset.ofHoursMinutesSeconds(direction * hours, direction * minutes, direction * seconds);
    }

    /** The decimal number of ASCII digits {@code text[from, to)}, or -1 if that is not all digits (or not there). */
    private static int digits(String text, int from, int to) {
        if (to > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static LocalDateTime parsed(String text) {
        return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }

    /** An array as JSON text: numbers and booleans bare, everything else a JSON string of its text rendering. */
    private static String jsonArray(Schema elementSchema, List<?> values) {
        StringBuilder out = new StringBuilder("[");
        Function<Object, String> render = ValueText.renderer(elementSchema);
        for (int i = 0; i < values.size(); i++) {
            Object element = values.get(i);
            out.append(i == 0 ? "" : ",");
            if (element == null) {
                out.append("null");
            } else if (elementSchema.type() == Schema.Type.ARRAY) {
                out.append(jsonArray(elementSchema.valueSchema(), (List<?>) element));
            } else if (element instanceof Number || element instanceof Boolean) {
                out.append(element);
            } else {
                out.append('"');
                for (char c : render.apply(element).toCharArray()) {
                    switch (c) {
                        case '"' -> out.append("\\\"");
                        case '\\' -> out.append("\\\\");
                        default -> {
                            if (c < 0x20) {
                                out.append(String.format("\\u%04x", (int) c));
                            } else {
                                out.append(c);
                            }
                        }
                    }
                }
                out.append('"');
            }
        }
        return out.append(']').toString();
    }
}
