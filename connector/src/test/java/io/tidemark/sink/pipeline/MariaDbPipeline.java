package io.tidemark.sink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumMySql;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestMariaDb;
import io.tidemark.testkit.TestPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A whole pipeline from a MariaDB source to a PostgreSQL target: a fresh MariaDB database ({@link TestMariaDb})
 * captured by Debezium's MySqlConnector, Kafka and a Connect worker shared by the test class ({@link ConnectWorld}),
 * and our sink writing into a fresh PostgreSQL database. Its connectors are named after the pipeline, so several
 * pipelines can share one worker; {@link #close()} deletes them.
 */
final class MariaDbPipeline implements AutoCloseable {

    /**
     * The columns of {@code customers}: the MariaDB type, the Connect schema Debezium's MySQL connector gives it (the
     * type as JsonConverter names it, and the semantic name if any), the PostgreSQL type the sink creates from that,
     * and how each database renders a value so that the two texts are equal when the values are.
     */
    record Column(String name, String mariaDbType, String connectSchema, String postgresType, String mariaDbText,
                  String postgresText) {
    }

    static final List<Column> COLUMNS = List.of(
            new Column("id", "int", "int32", "integer", "id", "id"),
            new Column("name", "varchar(100)", "string", "text", "name", "name"),
            new Column("balance", "decimal(12,2)", "bytes org.apache.kafka.connect.data.Decimal", "numeric(12,2)",
                    "balance", "balance"),
            new Column("active", "boolean", "int16", "smallint", "active + 0", "active"),
            new Column("born", "date", "int32 io.debezium.time.Date", "date", "born", "born"),
            new Column("updated_at", "datetime(6)", "int64 io.debezium.time.MicroTimestamp",
                    "timestamp without time zone", "date_format(updated_at, '%Y-%m-%d %H:%i:%s.%f')",
                    "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US')"),
            new Column("seen_at", "timestamp(6) NULL", "string io.debezium.time.ZonedTimestamp",
                    "timestamp with time zone", "unix_timestamp(seen_at)", "extract(epoch FROM seen_at)"),
            new Column("at_time", "time(6)", "int64 io.debezium.time.MicroTime", "time without time zone",
                    "time_format(at_time, '%H:%i:%s.%f')", "to_char(at_time, 'HH24:MI:SS.US')"),
            new Column("born_year", "year", "int32 io.debezium.time.Year", "integer", "born_year + 0", "born_year"),
            new Column("attrs", "json", "string", "text", "attrs", "attrs"),
            new Column("notes", "text", "string", "text", "notes", "notes"),
            new Column("code", "char(5)", "string", "text", "code", "code"),
            new Column("score", "double", "double", "double precision", "concat(score)", "score"),
            // MariaDB prints a FLOAT with 6 significant digits, PostgreSQL a real with as many as it takes.
            new Column("ratio", "float", "float", "real", "concat(cast(ratio AS double))", "ratio::float8"),
            new Column("tiny", "tinyint", "int16", "smallint", "tiny", "tiny"),
            new Column("small", "smallint", "int16", "smallint", "small", "small"),
            new Column("medium", "mediumint", "int32", "integer", "medium", "medium"),
            new Column("big", "bigint", "int64", "bigint", "big", "big"),
            new Column("hits", "int unsigned", "int64", "bigint", "hits", "hits"),
            new Column("kind", "enum('basic','pro')", "string io.debezium.data.Enum", "text", "kind", "kind"),
            new Column("tags", "set('a','b','c')", "string io.debezium.data.EnumSet", "text", "tags", "tags"),
            new Column("flag", "bit(1)", "boolean", "boolean", "flag + 0", "flag::int"),
            new Column("bits", "bit(12)", "bytes io.debezium.data.Bits", "bytea", "bits + 0",
                    "get_byte(bits, 0) + 256 * get_byte(bits, 1)"),
            new Column("payload", "varbinary(16)", "bytes", "bytea", "hex(payload)",
                    "upper(encode(payload, 'hex'))"));

    private static final ObjectMapper JSON = new ObjectMapper();

    final String source;
    final String target;
    final String prefix;
    final ConnectWorld connect;
    final String sourceConnector;
    final String sinkConnector;

    /** Skips the calling test where Debian's mariadb-server is not installed, unless CI (which installs it) runs it. */
    static void assumeMariaDbInstalled() {
        assumeTrue(TestMariaDb.installed() || System.getenv("CI") != null,
                "mariadbd is not installed: Debian's mariadb-server provides it (CI installs it)");
    }

    /** A source database with an empty {@code customers} table and an empty target database. */
    MariaDbPipeline(String name, ConnectWorld connect) {
        this.connect = connect;
        source = TestMariaDb.createDatabase(name);
        target = TestPostgres.createDatabase(name + "_dst");
        prefix = source;
        sourceConnector = name + "-source";
        sinkConnector = name + "-sink";
        TestMariaDb.execute(source, "CREATE TABLE customers (" + COLUMNS.stream()
                .map(c -> c.name() + " " + c.mariaDbType() + (c.name().equals("id") ? " PRIMARY KEY" : ""))
                .collect(Collectors.joining(", ")) + ") CHARACTER SET utf8mb4");
    }

    /**
     * Customers {@code fromId..toId}; every tenth one has NULL in each column that allows it, except {@code big}, the
     * counter {@link SourceWorkload} raises.
     */
    static String insertCustomers(int fromId, int toId) {
        return "INSERT INTO customers (" + COLUMNS.stream().map(Column::name).collect(Collectors.joining(", ")) + ")"
                + " SELECT n, concat('name ', n), " + nullable("n * 1.25") + ", " + nullable("n % 2 = 0") + ","
                + " " + nullable("date '2000-01-01' + INTERVAL n DAY") + ","
                + " " + nullable("timestamp '2024-01-01 10:00:00.123456' + INTERVAL n MINUTE") + ","
                + " " + nullable("timestamp '2024-01-01 08:00:00.5' + INTERVAL n SECOND") + ","
                + " " + nullable("sec_to_time(n % 1000 * 61.25)") + ", " + nullable("1990 + n % 50") + ","
                + " " + nullable("json_object('g', n, 'tags', json_array('a', n))") + ", " + nullable("concat('note ', n)")
                + ", " + nullable("concat('c', n % 1000)") + ", " + nullable("n / 3") + ", " + nullable("n / 8") + ","
                + " " + nullable("n % 100 - 50") + ", " + nullable("n % 1000") + ", " + nullable("n % 1000 * 1000") + ","
                + " n * 1000000000, " + nullable("n % 1000 * 3000000") + ", " + nullable("if(n % 3 = 0, 'pro', 'basic')") + ","
                + " " + nullable("if(n % 2 = 0, 'a,c', 'b')") + ", " + nullable("n % 2") + ", " + nullable("n % 4096")
                + ", " + nullable("unhex(md5(n))") + " FROM " + sequence(fromId, toId);
    }

    /** The rows n = {@code from}..{@code to}, from MariaDB's SEQUENCE engine. */
    static String sequence(int from, int to) {
        return "(SELECT cast(seq AS signed) AS n FROM seq_" + from + "_to_" + to + ") g";
    }

    private static String nullable(String expression) {
        return "if(n % 10 = 0, NULL, " + expression + ")";
    }

    String topic() {
        return prefix + "." + source + ".customers";
    }

    /** Registers Debezium capturing the tables matching {@code tables} (a regex over db.table) and waits for it to run. */
    void startSource(String tables, Map<String, String> overrides) {
        Map<String, String> config = DebeziumMySql.sourceConfig(source, prefix, tables, connect.bootstrapServers());
        config.putAll(overrides);
        connect.postConnector(sourceConnector, config);
        connect.awaitRunning(sourceConnector, 1);
    }

    void startSource(Map<String, String> overrides) {
        startSource(source + ".customers", overrides);
    }

    Map<String, String> sinkConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", IdempotentJdbcSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", topic());
        config.put("connection.url", TestPostgres.jdbcUrl(target));
        config.put("connection.user", TestPostgres.USER);
        config.put("connection.password", TestPostgres.PASSWORD);
        config.put("table.name.format", "${source.table}");
        return config;
    }

    /** Registers the sink with {@code config} (say, {@link #sinkConfig()} with changes) and waits for it to run. */
    void startSink(Map<String, String> config) {
        connect.postConnector(sinkConnector, config);
        connect.awaitRunning(sinkConnector, 1);
    }

    void startSink() {
        startSink(sinkConfig());
    }

    /** The source rows matching {@code where}, each column as {@link Column#mariaDbText()}, by id. */
    List<List<String>> sourceRows(String where) {
        return TestMariaDb.queryAsText(source, "SELECT " + COLUMNS.stream().map(Column::mariaDbText)
                .collect(Collectors.joining(", ")) + " FROM customers WHERE " + where + " ORDER BY id");
    }

    /** The live (not soft-deleted) target rows matching {@code where}, each column as {@link Column#postgresText()}. */
    List<List<String>> targetRows(String where) {
        return Sql.queryAsText(target, "SELECT " + COLUMNS.stream().map(Column::postgresText)
                .collect(Collectors.joining(", ")) + " FROM customers WHERE NOT __deleted AND (" + where + ") ORDER BY id");
    }

    /** Waits until the live target rows equal the source rows, column by column; fails at once if the sink FAILED. */
    void awaitConverged(Duration timeout) {
        awaitConverged(timeout, "true");
    }

    void awaitConverged(Duration timeout, String where) {
        List<List<String>> expected = sourceRows(where);
        Await.until("target to equal source (" + expected.size() + " rows); " + connect.describe(sinkConnector), timeout,
                () -> {
                    failIfFailed(sinkConnector);
                    return difference(expected, targetRowsOrEmpty(where));
                }, String::isEmpty);
    }

    /**
     * Empty when the two row lists are equal; else what differs, by the first column (the key): keys missing from the
     * target, keys only the target has, and the first rows whose values differ.
     */
    static String difference(List<List<String>> source, List<List<String>> target) {
        if (source.equals(target)) {
            return "";
        }
        Map<String, List<String>> expected = byKey(source);
        Map<String, List<String>> actual = byKey(target);
        List<String> missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
        List<String> extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).toList();
        List<String> differing = expected.keySet().stream()
                .filter(k -> actual.containsKey(k) && !expected.get(k).equals(actual.get(k)))
                .map(k -> "source " + expected.get(k) + " target " + actual.get(k)).toList();
        return missing.size() + " keys missing " + first(missing) + ", " + extra.size() + " extra " + first(extra) + ", "
                + differing.size() + " rows differ " + first(differing);
    }

    private static Map<String, List<String>> byKey(List<List<String>> rows) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        rows.forEach(row -> byKey.put(row.get(0), row));
        return byKey;
    }

    private static List<String> first(List<String> items) {
        return items.subList(0, Math.min(3, items.size()));
    }

    private List<List<String>> targetRowsOrEmpty(String where) {
        try {
            return targetRows(where);
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    /** A FAILED task stays FAILED: waiting on would only hide the cause behind a timeout. */
    void failIfFailed(String connector) {
        if (connect.cluster().connectorStatus(connector).tasks().stream().anyMatch(t -> "FAILED".equals(t.state()))) {
            throw new AssertionError("a task FAILED: " + connect.describe(connector));
        }
    }

    /** Waits until the sink has consumed its topic up to the end offset it has now. */
    void awaitSinkAtEndOfTopic(Duration timeout) {
        long end = endOffset(topic());
        Await.until("the sink to reach offset " + end + " of " + topic(), timeout, () -> {
            failIfFailed(sinkConnector);
            return Sql.count(target, "SELECT coalesce(max(next_offset), 0) FROM cdc_watermark WHERE connector_name = '"
                    + sinkConnector + "' AND topic = '" + topic() + "'") >= end;
        });
    }

    private long endOffset(String topic) {
        try {
            return connect.cluster().kafka().endOffset(new TopicPartition(topic, 0));
        } catch (Exception e) {
            throw new IllegalStateException("no end offset for " + topic, e);
        }
    }

    /** A counter of the sink task's metrics MBean ({@code RecordsSkippedStale}, ...). */
    long sinkMetric(String attribute) throws Exception {
        ObjectName name = new ObjectName("io.tidemark:type=sink-task-metrics,connector=\"" + sinkConnector
                + "\",task=\"0\"");
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).longValue();
    }

    /** The value payloads of every record of a single-partition topic up to its current end, tombstones left out. */
    List<JsonNode> payloads(String topic) {
        return records(topic).stream().filter(r -> r.value() != null).map(r -> {
            try {
                return JSON.readTree(r.value()).get("payload");
            } catch (IOException e) {
                throw new IllegalStateException("unreadable record at " + topic + " offset " + r.offset(), e);
            }
        }).toList();
    }

    /** Every record of a single-partition topic up to its current end, in offset order. */
    List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = connect.cluster().kafka().createConsumer(Map.of())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partition + " to offset " + end + " in 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The schema of the {@code after} field of a change event on the customers topic: field name to schema text. */
    Map<String, String> connectSchemaOfCustomers() {
        for (ConsumerRecord<byte[], byte[]> record : records(topic())) {
            if (record.value() == null) {
                continue;
            }
            try {
                for (JsonNode field : JSON.readTree(record.value()).path("schema").path("fields")) {
                    if ("after".equals(field.path("field").asText())) {
                        Map<String, String> schema = new LinkedHashMap<>();
                        for (JsonNode column : field.path("fields")) {
                            schema.put(column.path("field").asText(), column.path("type").asText()
                                    + (column.has("name") ? " " + column.path("name").asText() : ""));
                        }
                        return schema;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("unreadable record at " + topic() + " offset " + record.offset(), e);
            }
        }
        throw new IllegalStateException("no change event on " + topic());
    }

    /** The target's customers columns (hidden ones included) and their types as PostgreSQL prints them. */
    Map<String, String> targetColumnTypes() {
        Map<String, String> types = new LinkedHashMap<>();
        Sql.queryAsText(target, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid ="
                        + " 'customers'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")
                .forEach(row -> types.put(row.get(0), row.get(1)));
        return types;
    }

    /** Deletes both connectors, so that the shared worker stops reading this pipeline's binlog and topics. */
    @Override
    public void close() {
        Collection<String> registered = connect.cluster().connectors();
        for (String connector : List.of(sinkConnector, sourceConnector)) {
            if (registered.contains(connector)) {
                connect.deleteConnector(connector);
            }
        }
    }
}
