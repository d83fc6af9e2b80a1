package io.tidemark.outbox;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;

/**
 * Reads a record timestamp (epoch milliseconds) from an outbox column, whatever temporal encoding
 * Debezium chose for it: PostgreSQL {@code timestamp} arrives as {@code io.debezium.time.MicroTimestamp},
 * {@code timestamptz} as an ISO-8601 {@code io.debezium.time.ZonedTimestamp} string.
 */
final class EventTimestamps {

    private EventTimestamps() {
    }

    static long epochMillis(String column, Schema schema, Object value) {
        if (value instanceof Date date) {
            return date.getTime();
        }
        String name = schema.name() == null ? "" : schema.name();
        if (value instanceof Long number) {
            switch (name) {
                case "io.debezium.time.MicroTimestamp":
                    return Math.floorDiv(number, 1_000L);
                case "io.debezium.time.NanoTimestamp":
                    return Math.floorDiv(number, 1_000_000L);
                case "io.debezium.time.Timestamp":
                case "":
                    return number;
                default:
                    break;
            }
        }
        if (value instanceof String text) {
            try {
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new DataException("timestamp column '" + column + "' holds '" + text
                        + "', which is not an ISO-8601 date-time with offset", e);
            }
        }
        throw new DataException("timestamp column '" + column + "' has schema " + schema.type()
                + (name.isEmpty() ? "" : " (" + name + ")") + ", which is not a timestamp;"
                + " use a timestamp, timestamptz or epoch-millisecond column");
    }
}
