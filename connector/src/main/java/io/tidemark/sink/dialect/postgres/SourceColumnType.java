package io.tidemark.sink.dialect.postgres;

import org.apache.kafka.connect.data.Schema;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The exact source column type, when Debezium's {@code column.propagate.source.type} put it into the
 * field schema's parameters. Only PostgreSQL's built-in type names are trusted (the parameter is data
 * from a topic and becomes DDL); enums, domains and other user types fall back to the Connect mapping.
 */
final class SourceColumnType {

    static final String TYPE = "__debezium.source.column.type";
    static final String LENGTH = "__debezium.source.column.length";
    static final String SCALE = "__debezium.source.column.scale";

    /** Debezium's upper-case type names to PostgreSQL DDL names. */
    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("INT2", "smallint"), Map.entry("INT4", "integer"), Map.entry("INT8", "bigint"),
            Map.entry("SERIAL", "integer"), Map.entry("BIGSERIAL", "bigint"), Map.entry("SMALLSERIAL", "smallint"),
            Map.entry("FLOAT4", "real"), Map.entry("FLOAT8", "double precision"), Map.entry("NUMERIC", "numeric"),
            Map.entry("BOOL", "boolean"), Map.entry("TEXT", "text"), Map.entry("VARCHAR", "varchar"),
            Map.entry("BPCHAR", "char"), Map.entry("NAME", "name"), Map.entry("BYTEA", "bytea"),
            Map.entry("DATE", "date"), Map.entry("TIME", "time"), Map.entry("TIMETZ", "time with time zone"),
            Map.entry("TIMESTAMP", "timestamp"), Map.entry("TIMESTAMPTZ", "timestamp with time zone"),
            Map.entry("INTERVAL", "interval"), Map.entry("UUID", "uuid"), Map.entry("JSON", "json"),
            Map.entry("JSONB", "jsonb"), Map.entry("XML", "xml"), Map.entry("INET", "inet"), Map.entry("CIDR", "cidr"),
            Map.entry("MACADDR", "macaddr"), Map.entry("MACADDR8", "macaddr8"), Map.entry("MONEY", "money"),
            Map.entry("BIT", "bit"), Map.entry("VARBIT", "bit varying"), Map.entry("OID", "oid"),
            Map.entry("LTREE", "text"), Map.entry("CITEXT", "text"), Map.entry("TSVECTOR", "tsvector"),
            Map.entry("INT4RANGE", "int4range"), Map.entry("INT8RANGE", "int8range"), Map.entry("NUMRANGE", "numrange"),
            Map.entry("TSRANGE", "tsrange"), Map.entry("TSTZRANGE", "tstzrange"), Map.entry("DATERANGE", "daterange"));
    /** Types whose length (and scale) the DDL carries as a modifier. */
    private static final Set<String> WITH_LENGTH = Set.of("VARCHAR", "BPCHAR", "BIT", "VARBIT");
    /** PostgreSQL's largest type modifier for character types; Debezium reports unbounded ones as larger. */
    private static final long MAX_LENGTH = 10_485_760;
    private static final int MAX_NUMERIC_PRECISION = 1000;

    private SourceColumnType() {
    }

    /** The DDL type for the propagated source type, or null when absent or not a built-in type. */
    static String of(Schema schema) {
        Map<String, String> params = schema.parameters();
        if (params == null || params.get(TYPE) == null) {
            return null;
        }
        String type = params.get(TYPE).toUpperCase(Locale.ROOT);
        boolean array = type.startsWith("_");
        String base = array ? type.substring(1) : type;
        String ddl = BUILT_IN.get(base);
        if (ddl == null) {
            return null;
        }
        Long length = number(params.get(LENGTH));
        Long scale = number(params.get(SCALE));
        if (WITH_LENGTH.contains(base) && length != null && length > 0 && length <= MAX_LENGTH) {
            ddl = ddl + "(" + length + ")";
        } else if (base.equals("NUMERIC") && length != null && length > 0 && length <= MAX_NUMERIC_PRECISION) {
            ddl = "numeric(" + length + "," + (scale == null ? 0 : scale) + ")";
        }
        return array ? ddl + "[]" : ddl;
    }

    private static Long number(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
