package io.tidemark.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.sink.event.ChangeEventReader;
import io.tidemark.sink.writer.ChangeApplier;
import io.tidemark.sink.writer.ChangeApplier.RecordException;
import io.tidemark.sink.writer.ReportedOnce;
import io.tidemark.sink.writer.SqlErrors;
import io.tidemark.sink.writer.TableCatalog;
import io.tidemark.sink.writer.WatermarkStore;
import io.tidemark.sink.writer.WriteMode;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Lifecycle and offsets only: each {@code put()} is applied (in transactions of at most
 * {@code batch.size} records) before it returns, and {@code preCommit} reports exactly the offsets
 * stored in the target's watermark table.
 */
public class IdempotentJdbcSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotentJdbcSinkTask.class);
    private static final long MAX_BACKOFF_MS = 60_000;

    private SinkConfig config;
    private HikariDataSource dataSource;
    private WatermarkStore watermarks;
    private ChangeApplier applier;
    private SinkTaskMetrics metrics;
    private boolean watermarkTableReady;
    private int consecutiveFailures;
    /** Next offset per partition whose records before it are committed in the target. */
    private final Map<TopicPartition, Long> durableOffsets = new HashMap<>();
    /** Assigned partitions whose stored offset has not been read yet (the database was down at open()). */
    private final Set<TopicPartition> unloaded = new HashSet<>();
    private final ReportedOnce errantRecords = new ReportedOnce(this::reportErrant);

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new SinkConfig(props);
        String connectorName = props.getOrDefault("name", "tidemark-jdbc-sink");
        dataSource = dataSource(config, connectorName);
        watermarks = new WatermarkStore(config.watermarkTable(), connectorName);
        applier = newApplier(config, watermarks);
        metrics = new SinkTaskMetrics(connectorName, props.getOrDefault(IdempotentJdbcSinkConnector.TASK_ID, "0"));
        LOG.info("Started sink task for connector {} writing to {} (mode={}, delete.mode={})",
                connectorName, config.urlForDisplay(), config.mode(), config.deleteMode());
    }

    /** The applier for a configuration: the one place that wires reader, catalog and write mode together. */
    public static ChangeApplier newApplier(SinkConfig config, WatermarkStore watermarks) {
        WriteMode mode = config.writeMode();
        return new ChangeApplier(
                new ChangeEventReader(config.tableNameFormat(), config.unavailablePlaceholder()),
                new TableCatalog(config.autoCreate(), config.schemaEvolution(), mode),
                mode,
                watermarks,
                config.watermarkTable());
    }

    private static HikariDataSource dataSource(SinkConfig config, String connectorName) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.url());
        hikari.setUsername(config.user());
        if (config.password() != null) {
            hikari.setPassword(config.password().value());
        }
        hikari.setAutoCommit(false);
        hikari.setMaximumPoolSize(1);
        hikari.setMinimumIdle(0);
        hikari.setConnectionTimeout(10_000);
        // Start even while the database is down: put() retries until it is back.
        hikari.setInitializationFailTimeout(-1);
        hikari.setPoolName("tidemark-" + connectorName);
        return new HikariDataSource(hikari);
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        unloaded.addAll(partitions);
        try (Connection connection = dataSource.getConnection()) {
            loadOffsets(connection);
        } catch (SQLException e) {
            if (!SqlErrors.isTransient(e)) {
                throw new ConnectException("cannot read stored offsets from " + config.watermarkTable() + ": " + e.getMessage(), e);
            }
            LOG.warn("Cannot read stored offsets yet ({}); will read them before applying records", e.getMessage());
        }
    }

    private void loadOffsets(Connection connection) throws SQLException {
        if (!watermarkTableReady) {
            watermarks.createIfMissing(connection);
            watermarkTableReady = true;
        }
        if (unloaded.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> stored = watermarks.load(connection, unloaded);
        stored.forEach((tp, next) -> {
            durableOffsets.put(tp, next);
            context.offset(tp, next);
        });
        LOG.info("Resuming from stored offsets {} (partitions without one start from the consumer group position: {})",
                stored, unloaded.stream().filter(tp -> !stored.containsKey(tp)).toList());
        unloaded.clear();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty() && unloaded.isEmpty()) {
            return;
        }
        List<SinkRecord> all = records instanceof List<SinkRecord> list ? list : new ArrayList<>(records);
        try (Connection connection = dataSource.getConnection()) {
            loadOffsets(connection);
            int batchSize = config.batchSize();
            for (int from = 0; from < all.size(); from += batchSize) {
                List<SinkRecord> chunk = all.subList(from, Math.min(all.size(), from + batchSize));
                long started = System.nanoTime();
                ChangeApplier.Result result = applier.applyIsolatingFailures(connection, chunk, durableOffsets, errantRecords);
                durableOffsets.putAll(result.nextOffsets());
                metrics.recordCommit(result, (System.nanoTime() - started) / 1_000_000);
                if (LOG.isDebugEnabled()) {
                    LOG.debug("Applied {} records: {} rows written, {} stale, {} redelivered",
                            result.records(), result.rowsWritten(), result.skippedStale(), result.skippedRedelivered());
                }
            }
            consecutiveFailures = 0;
            errantRecords.forget();
        } catch (SQLException e) {
            throw retryOrFail(e);
        }
    }

    /**
     * Sends a record that cannot be applied to Connect's error handling: with {@code errors.tolerance=all}
     * it goes to the dead-letter queue (if configured) and the rest of the batch is applied; otherwise the
     * task fails with the record's topic, partition, offset and the reason.
     */
    private void reportErrant(SinkRecord record, Throwable error) {
        RecordException failure = error instanceof RecordException r ? r : new RecordException(record, error);
        ErrantRecordReporter reporter = context.errantRecordReporter();
        if (reporter == null) {
            throw failure;
        }
        try {
            reporter.report(record, failure).get();
        } catch (ConnectException e) {
            // errors.tolerance=none: Connect refuses the report; fail with the record's own message.
            failure.addSuppressed(e);
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while reporting " + ChangeApplier.describe(record) + " to the dead-letter queue", e);
        } catch (ExecutionException e) {
            throw new ConnectException("could not report " + ChangeApplier.describe(record) + " to the dead-letter queue", e.getCause());
        }
        LOG.warn("Reported record {} as errant: {}", ChangeApplier.describe(record), failure.getMessage());
    }

    private RuntimeException retryOrFail(SQLException e) {
        if (!SqlErrors.isTransient(e)) {
            return new ConnectException("the target database rejected the batch: " + e.getMessage(), e);
        }
        consecutiveFailures++;
        if (consecutiveFailures > config.maxRetries()) {
            return new ConnectException("giving up after " + config.maxRetries() + " retries of a transient database error: "
                    + e.getMessage(), e);
        }
        long backoff = Math.min(MAX_BACKOFF_MS, config.retryBackoffMs() << Math.min(20, consecutiveFailures - 1));
        LOG.warn("Transient database error (attempt {} of {}), retrying in {} ms: {}",
                consecutiveFailures, config.maxRetries() + 1, backoff, e.getMessage());
        context.timeout(backoff);
        return new RetriableException(e.getMessage(), e);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> durable = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            Long next = durableOffsets.get(tp);
            if (next != null) {
                durable.put(tp, new OffsetAndMetadata(next));
            }
        }
        return durable;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        partitions.forEach(durableOffsets::remove);
        unloaded.removeAll(partitions);
    }

    @Override
    public void stop() {
        if (metrics != null) {
            metrics.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
