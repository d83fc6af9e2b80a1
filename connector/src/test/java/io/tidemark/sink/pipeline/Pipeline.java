package io.tidemark.sink.pipeline;

import io.tidemark.sink.IdempotentJdbcSinkConnector;
import io.tidemark.testkit.Await;
import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.DebeziumPostgres;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole pipeline for one test class: a source database captured by Debezium's PostgresConnector,
 * Kafka, a Connect worker and our sink writing into a target database. Connectors are registered by
 * POSTing connector JSON to the worker's REST API.
 */
final class Pipeline implements AutoCloseable {

    static final String COLUMNS = "id, name, email, balance, active, born, updated_at, seen_at, ref, attrs, notes, score, small, big";

    final String source;
    final String target;
    final String prefix;
    final ConnectWorld connect;

    Pipeline(String name) {
        source = TestPostgres.createDatabase(name + "_src");
        target = TestPostgres.createDatabase(name + "_dst");
        prefix = source;
        connect = ConnectWorld.start(name, 1);
        Sql.execute(source, """
                CREATE TABLE customers (
                  id integer PRIMARY KEY,
                  name text,
                  email varchar(100),
                  balance numeric(12,2),
                  active boolean,
                  born date,
                  updated_at timestamp,
                  seen_at timestamptz,
                  ref uuid,
                  attrs jsonb,
                  notes text,
                  score double precision,
                  small smallint,
                  big bigint)""");
    }

    String topic() {
        return prefix + ".public.customers";
    }

    static String insertCustomers(int fromId, int toId) {
        return "INSERT INTO customers SELECT g, 'name ' || g, 'c' || g || '@example.com', g * 1.25, g % 2 = 0,"
                + " date '2000-01-01' + g, timestamp '2024-01-01 10:00:00.123456' + g * interval '1 minute',"
                + " timestamptz '2024-01-01 10:00:00+02' + g * interval '1 second', md5(g::text)::uuid,"
                + " jsonb_build_object('g', g, 'tags', jsonb_build_array('a', g)), 'note ' || g, g / 3.0,"
                + " (g % 100)::smallint, g::bigint * 1000000000"
                + " FROM generate_series(" + fromId + ", " + toId + ") g";
    }

    /** The table Debezium reads signals from (and writes its incremental-snapshot window marks to). */
    static final String SIGNAL_TABLE = "public.debezium_signal";

    /** Creates {@link #SIGNAL_TABLE} in the source; before the source starts, so the publication holds it. */
    void createSignalTable() {
        Sql.execute(source, "CREATE TABLE debezium_signal (id varchar(64) PRIMARY KEY, type varchar(32), data varchar(2048))");
    }

    /** Asks Debezium, through the signal table, for an incremental snapshot of the customers table. */
    void requestIncrementalSnapshot(String signalId) {
        Sql.execute(source, "INSERT INTO debezium_signal VALUES ('" + signalId + "', 'execute-snapshot',"
                + " '{\"data-collections\": [\"public.customers\"], \"type\": \"incremental\"}')");
    }

    void startSource(Map<String, String> overrides) {
        startSource("public.customers", overrides);
    }

    /** Registers Debezium capturing {@code tables} (schema-qualified, comma separated) and waits for the first one's topic. */
    void startSource(String tables, Map<String, String> overrides) {
        Map<String, String> config = DebeziumPostgres.sourceConfig(source, prefix, tables);
        config.putAll(overrides);
        connect.postConnector("source", config);
        connect.awaitRunning("source", 1);
        String first = prefix + "." + tables.split(",")[0];
        Await.until("topic " + first + " to exist", Duration.ofSeconds(60),
                () -> connect.cluster().kafka().describeTopics(first).get(first).isPresent());
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

    void startSink() {
        startSink(Map.of());
    }

    void startSink(Map<String, String> overrides) {
        Map<String, String> config = sinkConfig();
        config.putAll(overrides);
        connect.postConnector("sink", config);
        connect.awaitRunning("sink", 1);
    }

    List<List<String>> sourceRows(String where) {
        return Sql.queryAsText(source, "SELECT " + COLUMNS + " FROM customers WHERE " + where + " ORDER BY id");
    }

    List<List<String>> targetRows() {
        return targetRows("true");
    }

    List<List<String>> targetRows(String where) {
        return Sql.queryAsText(target, "SELECT " + COLUMNS + " FROM customers WHERE NOT __deleted AND (" + where
                + ") ORDER BY id");
    }

    /** Waits until the live target rows equal the source rows, value for value as PostgreSQL prints them. */
    void awaitConverged(Duration timeout) {
        awaitConverged(timeout, "true");
    }

    /** As {@link #awaitConverged(Duration)}, for the rows matching {@code where}. */
    void awaitConverged(Duration timeout, String where) {
        List<List<String>> expected = sourceRows(where);
        Await.until("target to equal source (" + expected.size() + " rows); " + connect.describe("sink"), timeout,
                () -> {
                    failIfSinkFailed();
                    return targetRowsOrEmpty(where);
                }, expected::equals);
    }

    /** A FAILED task stays FAILED: waiting on for convergence would only hide the cause behind a timeout. */
    private void failIfSinkFailed() {
        var status = connect.cluster().connectorStatus("sink");
        if (status != null && status.tasks().stream().anyMatch(t -> "FAILED".equals(t.state()))) {
            throw new AssertionError("the sink task FAILED: " + connect.describe("sink"));
        }
    }

    private List<List<String>> targetRowsOrEmpty(String where) {
        try {
            return targetRows(where);
        } catch (IllegalStateException e) {
            return List.of();
        }
    }

    /** Stops the worker, then drops the source's replication slots: the shared server has room for only so many. */
    @Override
    public void close() {
        connect.close();
        Sql.execute(source, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE database = current_database() AND NOT active");
    }
}
