package io.tidemark.sink.pipeline;

import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One table holding every common PostgreSQL type, captured by Debezium and applied by the sink: the
 * target equals the source value for value (as PostgreSQL prints them), with exact column types where
 * Debezium propagates them. (JsonConverter cannot carry NaN or infinite floats: JSON has no such
 * numbers and they arrive as 0, before the sink sees them; Avro carries them.)
 */
class TypesRoundTripIT {

    static final String COLUMNS = "id, c_int2, c_int4, c_int8, c_numeric, c_numeric_free, c_real, c_double, c_bool,"
            + " c_text, c_varchar, c_char, c_bytea, c_date, c_time, c_timestamp, c_timestamptz, c_interval, c_uuid,"
            + " c_json, c_jsonb, c_int_array, c_text_array, c_mood";

    static final String[] SCHEMA = {
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
            """
            CREATE TABLE every_type (
              id integer PRIMARY KEY,
              c_int2 smallint, c_int4 integer, c_int8 bigint,
              c_numeric numeric(14,4), c_numeric_free numeric,
              c_real real, c_double double precision, c_bool boolean,
              c_text text, c_varchar varchar(40), c_char char(5), c_bytea bytea,
              c_date date, c_time time, c_timestamp timestamp, c_timestamptz timestamptz, c_interval interval,
              c_uuid uuid, c_json json, c_jsonb jsonb, c_int_array integer[], c_text_array text[], c_mood mood)"""};

    static final String ROWS = """
            INSERT INTO every_type VALUES
            (1, -32768, 2147483647, -9223372036854775808, 1234567890.1234, 3.14159265358979323846264338327950288,
             1.5, 2.718281828459045, true, 'plain text', 'várchar ✓', 'ab', '\\x00ff10'::bytea,
             '2024-02-29', '23:59:59.999999', '2024-01-01 10:11:12.123456', '2024-06-30 23:00:00.5+02',
             '1 year 2 mons 3 days 04:05:06.78', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
             '{"b": 1,   "a": [1, 2]}', '{"z": {"y": null}, "a": "x"}', '{1,NULL,3}', '{"a,b","q\\"uote",NULL}', 'happy'),
            (2, 0, 0, 0, -0.0001, -12345678901234567890.123, 1e-30, -1.7976931348623157e308, false, '', '', '', ''::bytea,
             '0001-01-01', '00:00:00', '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '-1 days +00:00:01', NULL,
             '[]', '[]', '{}', '{}', 'sad'),
            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL)""";

    private static ConnectWorld connect;

    @BeforeAll
    static void start() {
        connect = ConnectWorld.start("types", 1);
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
    }

    /**
     * Runs source → sink with the given source overrides and converters (for both connectors), the
     * standard rows and {@code extraRows} (VALUES tuples, may be empty), checks target equals source
     * and returns both databases.
     */
    static Replica replicate(ConnectWorld connect, String name, Map<String, String> sourceOverrides,
                            Map<String, String> converters, String... extraRows) {
        String source = TestPostgres.createDatabase(name + "_src");
        String target = TestPostgres.createDatabase(name + "_dst");
        Sql.execute(source, SCHEMA);
        Sql.execute(source, ROWS);
        for (String row : extraRows) {
            Sql.execute(source, "INSERT INTO every_type VALUES " + row);
        }
        long rows = Sql.count(source, "SELECT count(*) FROM every_type");
        Map<String, String> sourceConfig = DebeziumPostgres.sourceConfig(source, source, "public.every_type");
        sourceConfig.put("column.propagate.source.type", ".*");
        sourceConfig.put("interval.handling.mode", "string");
        sourceConfig.putAll(sourceOverrides);
        sourceConfig.putAll(converters);
        connect.postConnector(name + "-source", sourceConfig);
        String topic = source + ".public.every_type";
        Await.until("topic " + topic, Duration.ofSeconds(60),
                () -> connect.cluster().kafka().describeTopics(topic).get(topic).isPresent());
        Map<String, String> sink = new LinkedHashMap<>(converters);
        sink.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        sink.put("topics", topic);
        sink.put("connection.url", TestPostgres.jdbcUrl(target));
        sink.put("connection.user", TestPostgres.USER);
        sink.put("connection.password", TestPostgres.PASSWORD);
        connect.postConnector(name + "-sink", sink);
        Await.until(rows + " rows in the target", Duration.ofSeconds(60), () -> {
            try {
                return Sql.count(target, "SELECT count(*) FROM every_type") == rows;
            } catch (IllegalStateException notYetCreated) {
                return false;
            }
        });
        Sql.execute(source, "UPDATE every_type SET c_text = 'streamed', c_mood = 'ok', c_int_array = '{7}' WHERE id = 2");
        Await.until("the streamed update", Duration.ofSeconds(60),
                () -> Sql.count(target, "SELECT count(*) FROM every_type WHERE c_text = 'streamed'") == 1);
        assertThat(Sql.queryAsText(target, "SELECT " + COLUMNS + " FROM every_type ORDER BY id"))
                .isEqualTo(Sql.queryAsText(source, "SELECT " + COLUMNS + " FROM every_type ORDER BY id"));
        connect.deleteConnector(name + "-sink");
        connect.deleteConnector(name + "-source");
        return new Replica(source, target);
    }

    /** The source and target database of one replication run. */
    record Replica(String source, String target) {
        String topic() {
            return source + ".public.every_type";
        }
    }

    static List<String> columnTypes(String database) {
        return Sql.queryAsText(database, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'every_type'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_\\_%'"
                + " ORDER BY attnum").stream().map(r -> r.get(0)).toList();
    }

    @Test
    void everyCommonTypeRoundTripsWithPreciseDecimals() {
        String target = replicate(connect, "precise", Map.of("decimal.handling.mode", "precise"), Map.of()).target();
        assertThat(columnTypes(target)).containsExactly("integer", "smallint", "integer", "bigint", "numeric(14,4)",
                "numeric", "real", "double precision", "boolean", "text", "character varying(40)", "character(5)",
                "bytea", "date", "time without time zone", "timestamp without time zone", "timestamp with time zone",
                "interval", "uuid", "json", "jsonb", "integer[]", "text[]", "text");
    }

    @Test
    void everyCommonTypeRoundTripsWithStringDecimals() {
        replicate(connect, "stringdec", Map.of("decimal.handling.mode", "string"), Map.of());
    }
}
