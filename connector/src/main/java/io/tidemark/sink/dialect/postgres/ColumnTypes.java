package io.tidemark.sink.dialect.postgres;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * The PostgreSQL column type for a Connect field schema, used when the sink creates or extends a
 * table. Debezium's semantic types ({@code io.debezium.time.*}, {@code io.debezium.data.*}) map to
 * the PostgreSQL type they came from, so a round trip keeps the column type.
 */
public final class ColumnTypes {

    private ColumnTypes() {
    }

    public static String sqlType(Schema schema) {
        String propagated = SourceColumnType.of(schema);
        if (propagated != null) {
            return propagated;
        }
        String logical = schema.name();
        if (logical != null) {
            String type = logicalType(schema, logical);
            if (type != null) {
                return type;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case BOOLEAN -> "boolean";
            case STRING -> "text";
            case BYTES -> "bytea";
            case ARRAY -> arrayType(schema);
            case MAP, STRUCT -> throw new DataException("no PostgreSQL column type for a " + schema.type()
                    + " field" + (logical == null ? "" : " (" + logical + ")"));
        };
    }

    private static String arrayType(Schema schema) {
        Schema element = schema.valueSchema();
        if (element.type() == Schema.Type.ARRAY) {
            return sqlType(element);
        }
        return sqlType(element) + "[]";
    }

    private static String logicalType(Schema schema, String logical) {
        return switch (logical) {
            case Decimal.LOGICAL_NAME -> decimalType(schema);
            case "io.debezium.data.VariableScaleDecimal" -> "numeric";
            case org.apache.kafka.connect.data.Date.LOGICAL_NAME, "io.debezium.time.Date" -> "date";
            case org.apache.kafka.connect.data.Time.LOGICAL_NAME, "io.debezium.time.Time",
                 "io.debezium.time.MicroTime", "io.debezium.time.NanoTime" -> "time";
            case "io.debezium.time.ZonedTime" -> "time with time zone";
            case org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME, "io.debezium.time.Timestamp",
                 "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp" -> "timestamp";
            case "io.debezium.time.ZonedTimestamp" -> "timestamp with time zone";
            case "io.debezium.time.MicroDuration", "io.debezium.time.Interval" -> "interval";
            case "io.debezium.data.Uuid" -> "uuid";
            case "io.debezium.data.Json" -> "jsonb";
            case "io.debezium.data.Xml" -> "xml";
            default -> null;
        };
    }

    private static String decimalType(Schema schema) {
        String scale = schema.parameters() == null ? null : schema.parameters().get(Decimal.SCALE_FIELD);
        String precision = schema.parameters() == null ? null : schema.parameters().get("connect.decimal.precision");
        if (precision != null && scale != null) {
            return "numeric(" + Integer.parseInt(precision) + "," + Integer.parseInt(scale) + ")";
        }
        return "numeric";
    }
}
