package io.tidemark.sink.writer;

import io.tidemark.sink.BinlogEvents;
import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.IdempotentJdbcSinkTask;
import io.tidemark.sink.SinkConfig;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.dialect.Watermarks;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An applier on a database of a target server, wired as the task wires it, plus the offsets it has made durable: the
 * apply path without Kafka or Connect. An errant record fails the test.
 */
final class TestTarget {

    final ChangeApplier applier;
    final Watermarks watermarks;
    final Map<TopicPartition, Long> durable = new HashMap<>();
    int stale;
    private final SinkConfig config;
    private final TargetDialect dialect;

    TestTarget(TargetDatabase target, String database, Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(target.sinkConnection(database));
        props.put("name", DebeziumEvents.SINK_NAME);
        props.putAll(overrides);
        config = new SinkConfig(props);
        dialect = config.dialect();
        watermarks = dialect.watermarks(config.watermarkTable(), props.get("name"));
        applier = IdempotentJdbcSinkTask.newApplier(config, dialect, watermarks, props.get("name"));
        try (Connection c = connection()) {
            watermarks.createIfMissing(c);
            durable.putAll(watermarks.load(c, List.of(new TopicPartition(DebeziumEvents.TOPIC, 0),
                    new TopicPartition(BinlogEvents.TOPIC, 0))));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** On a database of the test PostgreSQL. */
    TestTarget(String database, Map<String, String> overrides) {
        this(new PostgresDatabase(), database, overrides);
    }

    TestTarget(String database) {
        this(database, Map.of());
    }

    ChangeApplier.Result apply(SinkRecord... records) {
        try (Connection c = connection()) {
            ChangeApplier.Result result = applier.apply(c, List.of(records), durable, (record, error) -> {
                throw new ConnectException(error.getMessage(), error);
            });
            durable.putAll(result.nextOffsets());
            stale += result.skippedStale();
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Applies {@code records} as the task does with a dead-letter queue, isolating the records the database rejects:
     * returns those, which the sink reported errant.
     */
    List<SinkRecord> applyTolerating(SinkRecord... records) {
        List<SinkRecord> reported = new ArrayList<>();
        try (Connection c = connection()) {
            ChangeApplier.Result result = applier.applyIsolatingFailures(c, List.of(records), durable,
                    (record, error) -> reported.add(record));
            stale += result.skippedStale();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return reported;
    }

    /** A connection as the task's pool makes it: the dialect's driver properties, autocommit off. */
    private Connection connection() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(dialect.driverProperties());
        if (config.user() != null) {
            properties.setProperty("user", config.user());
        }
        if (config.password() != null) {
            properties.setProperty("password", config.password().value());
        }
        Connection c = DriverManager.getConnection(config.url(), properties);
        c.setAutoCommit(false);
        return c;
    }
}
