package io.tidemark.sink.writer;

import io.tidemark.sink.event.ChangeEventReader;
import io.tidemark.sink.event.PgoutputNames;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.dialect.Watermarks.Progress;
import io.tidemark.sink.position.StreamHorizon;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a list of sink records to the target in one database transaction: {@link BatchDecoder} reads and reduces
 * them without the database, {@link BatchWriter} writes the rounds under the position guard and the watermark, and
 * this class commits, rolls back, and isolates the records the database rejects (the one path for bad records:
 * reported as errant, their offsets committed so they are not delivered again). Nothing here knows about Connect's
 * task lifecycle, so it is tested with plain records against a real database.
 */
public final class ChangeApplier {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeApplier.class);

    private final TargetDialect dialect;
    private final BatchDecoder decoder;
    private final BatchWriter writer;
    private final WriteMode mode;
    private final Watermarks watermarks;

    /**
     * {@code ownTables}: the sink's own tables, which no change event may write. {@code reconcileSnapshots}: a
     * completed snapshot of a table deletes the rows it did not contain (§3.6).
     */
    public ChangeApplier(TargetDialect dialect, ChangeEventReader reader, TableCatalog catalog, WriteMode mode,
                         Watermarks watermarks, Collection<TableId> ownTables, boolean reconcileSnapshots) {
        this.dialect = dialect;
        this.decoder = new BatchDecoder(reader, mode, ownTables, reconcileSnapshots);
        this.writer = new BatchWriter(catalog, mode, watermarks);
        this.mode = mode;
        this.watermarks = watermarks;
    }

    /**
     * What one transaction did.
     *
     * @param horizons           per partition, how far in the source's stream its changes in the target reach now
     *                           (correctness.md §4.1); partitions without a streamed change are absent
     * @param folded             changes replaced by a newer change of the same row inside the batch
     * @param skippedStale       changes older than what the batch or the target already held (re-emitted)
     * @param skippedRedelivered records below the durable offset of their partition (Kafka redelivery)
     * @param errant             records that could not be read as changes and were reported
     * @param neighbours         Debezium records that change no row (transaction markers, heartbeats, schema
     *                           changes, notifications), moved past
     * @param lastSourceTsMs     the newest source commit time among the applied changes, or null
     */
    public record Result(Map<TopicPartition, Long> nextOffsets, Map<TopicPartition, StreamHorizon> horizons, int records, int rowsWritten, int folded,
                         int skippedStale, int skippedRedelivered, int errant, int neighbours, Long lastSourceTsMs) {

        /** The two results together, as if one transaction had done both. */
        public Result plus(Result other) {
            Map<TopicPartition, Long> offsets = new LinkedHashMap<>(nextOffsets);
            offsets.putAll(other.nextOffsets);
            Map<TopicPartition, StreamHorizon> reached = new LinkedHashMap<>(horizons);
            other.horizons.forEach((tp, horizon) -> reached.merge(tp, horizon, StreamHorizon::then));
            Long ts = lastSourceTsMs;
            if (ts == null || (other.lastSourceTsMs != null && other.lastSourceTsMs > ts)) {
                ts = other.lastSourceTsMs;
            }
            return new Result(offsets, reached, records + other.records, rowsWritten + other.rowsWritten, folded + other.folded,
                    skippedStale + other.skippedStale, skippedRedelivered + other.skippedRedelivered,
                    errant + other.errant, neighbours + other.neighbours, ts);
        }
    }

    /**
     * Applies {@code records} (in Kafka order) and commits. Records below the durable next offset of
     * their partition were applied by an earlier transaction and are skipped. A record that cannot be
     * read as a change goes to {@code errant}, and its offset still advances.
     *
     * @throws SQLException when the database refuses the batch; the transaction is rolled back
     */
    public Result apply(Connection connection, List<SinkRecord> records, Map<TopicPartition, Long> durableOffsets,
                        ErrantRecords errant) throws SQLException {
        return apply(connection, records, durableOffsets, errant, true);
    }

    /**
     * Writes {@code records} like {@link #apply} but leaves the transaction open, for more to be written into it
     * before the caller commits it (correctness.md §4.1). The offsets in the result are durable only once it has.
     *
     * @throws SQLException when the database refuses the records; the whole transaction is rolled back
     */
    public Result write(Connection connection, List<SinkRecord> records, Map<TopicPartition, Long> durableOffsets,
                        ErrantRecords errant) throws SQLException {
        return apply(connection, records, durableOffsets, errant, false);
    }

    private Result apply(Connection connection, List<SinkRecord> records, Map<TopicPartition, Long> durableOffsets,
                         ErrantRecords errant, boolean commit) throws SQLException {
        BatchDecoder.Decoded decoded = decoder.decode(records, durableOffsets, errant, table -> describe(connection, table));
        if (decoded.progress().isEmpty()) {
            return new Result(Map.of(), Map.of(), records.size(), 0, 0, 0, decoded.redelivered(), 0, 0, null);
        }
        try {
            BatchWriter.Written written = writer.write(connection, decoded.batch(), decoded.progress().values(), !commit);
            if (commit) {
                connection.commit();
            }
            Map<TopicPartition, Long> next = new LinkedHashMap<>();
            Map<TopicPartition, StreamHorizon> horizons = new LinkedHashMap<>();
            for (Progress p : decoded.progress().values()) {
                next.put(p.partition(), p.nextOffset());
                if (p.horizon() != null) {
                    horizons.put(p.partition(), p.horizon());
                }
            }
            ChangeBatch batch = decoded.batch();
            return new Result(next, horizons, records.size(), written.rowsWritten(), batch.folded(),
                    batch.stale() + written.reduced() - written.guarded(), decoded.redelivered(), decoded.errant(),
                    decoded.neighbours(), decoded.lastSourceTsMs());
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            writer.invalidate();
            throw e;
        }
    }

    /**
     * Creates the sink's own tables (the watermark table; append mode's audit events table) that are missing, in
     * committed transactions of their own, before any record is applied: none is then created inside a transaction
     * kept open.
     */
    public void createOwnTables(Connection connection) throws SQLException {
        watermarks.createIfMissing(connection);
        mode.prepareForTableChanges(connection);
    }

    /**
     * Forgets what is known about the tables: after a transaction kept open rolled back, the tables it created or
     * altered are gone again.
     */
    public void forgetTables() {
        writer.invalidate();
    }

    /**
     * Applies {@code records} in one transaction; if the database rejects them for a reason that will not
     * pass, splits them in halves and applies each half the same way, in order, until the record that
     * causes it stands alone: it is reported as errant (the error names it) and the others are applied.
     * A few bad records in a large batch cost a few transactions each, not one per record. Transient
     * errors are thrown for the caller to retry.
     *
     * <p>{@code ledger} is the caller's record of committed offsets: the next offset per partition below which its
     * records are in the target. Each part that commits moves it on at once, so when a later part fails (a transient
     * error, or a record to be reported elsewhere) the records already committed count as redelivered when the
     * batch is tried again. Applying them again would not be harmless: a snapshot read applied a second time after a
     * change with a lower LSN regresses the row (correctness.md §2.2, §3.3).
     */
    public Result applyIsolatingFailures(Connection connection, List<SinkRecord> records,
                                         Map<TopicPartition, Long> ledger, ErrantRecords errant)
            throws SQLException {
        Set<String> reported = new HashSet<>();
        // A record reported while a larger part was tried stays reported when it is tried again.
        ErrantRecords once = (record, error) -> {
            if (reported.add(describe(record))) {
                errant.report(record, error);
            }
        };
        return applyOrSplit(connection, records, ledger, once);
    }

    private Result applyOrSplit(Connection connection, List<SinkRecord> records, Map<TopicPartition, Long> offsets,
                                ErrantRecords errant) throws SQLException {
        try {
            Result result = apply(connection, records, offsets, errant);
            offsets.putAll(result.nextOffsets());
            return result;
        } catch (SQLException e) {
            if (SqlErrors.isTransient(e, dialect)) {
                throw e;
            }
            if (records.size() == 1) {
                SinkRecord record = records.get(0);
                errant.report(record, new RecordException(record, e));
                skip(connection, record);
                TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
                offsets.put(tp, record.kafkaOffset() + 1);
                return new Result(Map.of(tp, record.kafkaOffset() + 1), Map.of(), 1, 0, 0, 0, 0, 1, 0, null);
            }
            LOG.warn("The database rejected {} records starting at {} ({}); splitting them to isolate the record"
                    + " that causes it", records.size(), describe(records.get(0)), e.getMessage());
            int half = records.size() / 2;
            Result first = applyOrSplit(connection, records.subList(0, half), offsets, errant);
            return first.plus(applyOrSplit(connection, records.subList(half, records.size()), offsets, errant));
        }
    }

    public static String describe(SinkRecord record) {
        return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }

    /**
     * Commits only the offset of {@code record}, which was reported as errant after the database
     * refused it, so it is not delivered again.
     */
    private void skip(Connection connection, SinkRecord record) throws SQLException {
        TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
        try {
            watermarks.save(connection, List.of(new Progress(tp, record.kafkaOffset() + 1, null, null)));
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            throw e;
        }
    }

    private PgoutputNames.TargetTable describe(Connection connection, TableId table) throws SQLException {
        TableDefinition definition;
        try {
            definition = dialect.describe(connection, table);
        } catch (SQLException e) {
            // Nothing is written yet; leave no aborted transaction behind for the retry.
            rollbackQuietly(connection, e);
            throw e;
        }
        if (definition == null) {
            return null;
        }
        List<String> key = new ArrayList<>(definition.primaryKey());
        key.removeAll(HiddenColumns.ALL);
        return new PgoutputNames.TargetTable(definition.columns().keySet(), key);
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** A record that cannot be applied, with its coordinates in the message. */
    public static final class RecordException extends DataException {
        private final transient SinkRecord record;

        public RecordException(SinkRecord record, Throwable cause) {
            super("cannot apply record " + describe(record) + ": " + cause.getMessage(), cause);
            this.record = record;
        }

        public SinkRecord record() {
            return record;
        }
    }
}
