package io.tidemark.sink.writer;

import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.ChangeEventReader;
import io.tidemark.sink.event.PgoutputNames;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.dialect.Watermarks.Progress;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a list of sink records to the target in one database transaction: reduce per row, guard
 * by source position, write, record the watermark, commit. Nothing here knows about Connect's task
 * lifecycle, so it is tested with plain records against a real database.
 */
public final class ChangeApplier {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeApplier.class);
    /** Handed to the reader in place of a missing key, for {@link PgoutputNames} to rebuild. */
    private static final Struct KEY_TO_REBUILD = new Struct(SchemaBuilder.struct().build());

    private final TargetDialect dialect;
    private final ChangeEventReader reader;
    private final TableCatalog catalog;
    private final WriteMode mode;
    private final Watermarks watermarks;
    /** The tables the sink keeps for itself (watermark, audit events), which no change event may write. */
    private final Set<TableId> ownTables;
    private final PgoutputNames names = new PgoutputNames();
    private final boolean reconcileSnapshots;
    /** The topic that feeds each target table, to tell a table fed by one source table from a shared one. */
    private final Map<TableId, String> topicOfTable = new HashMap<>();
    /** Target tables written from several topics: a snapshot of one of them must not delete the others' rows. */
    private final Set<TableId> sharedTables = new HashSet<>();
    private TableId lastNotedTable;
    private String lastNotedTopic;

    /**
     * {@code ownTables}: the sink's own tables, which no change event may write. {@code reconcileSnapshots}: a
     * completed snapshot of a table deletes the rows it did not contain (§3.6).
     */
    public ChangeApplier(TargetDialect dialect, ChangeEventReader reader, TableCatalog catalog, WriteMode mode,
                         Watermarks watermarks, Collection<TableId> ownTables, boolean reconcileSnapshots) {
        this.dialect = dialect;
        this.reader = reader;
        this.catalog = catalog;
        this.mode = mode;
        this.watermarks = watermarks;
        this.ownTables = Set.copyOf(ownTables);
        this.reconcileSnapshots = reconcileSnapshots;
    }

    /**
     * What one transaction did.
     *
     * @param folded             changes replaced by a newer change of the same row inside the batch
     * @param skippedStale       changes older than what the batch or the target already held (re-emitted)
     * @param skippedRedelivered records below the durable offset of their partition (Kafka redelivery)
     * @param errant             records that could not be read as changes and were reported
     * @param neighbours         Debezium records that change no row (transaction markers, heartbeats, schema
     *                           changes, notifications), moved past
     * @param lastSourceTsMs     the newest source commit time among the applied changes, or null
     */
    public record Result(Map<TopicPartition, Long> nextOffsets, int records, int rowsWritten, int folded,
                         int skippedStale, int skippedRedelivered, int errant, int neighbours, Long lastSourceTsMs) {

        /** The two results together, as if one transaction had done both. */
        public Result plus(Result other) {
            Map<TopicPartition, Long> offsets = new LinkedHashMap<>(nextOffsets);
            offsets.putAll(other.nextOffsets);
            Long ts = lastSourceTsMs;
            if (ts == null || (other.lastSourceTsMs != null && other.lastSourceTsMs > ts)) {
                ts = other.lastSourceTsMs;
            }
            return new Result(offsets, records + other.records, rowsWritten + other.rowsWritten, folded + other.folded,
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
        ChangeBatch batch = mode.newBatch();
        Map<TopicPartition, Progress> progress = new LinkedHashMap<>();
        int redelivered = 0;
        int errantCount = 0;
        int neighbours = 0;
        Long lastSourceTs = null;
        // Records come in runs of one partition: look the partition up once per run, not once per record.
        TopicPartition tp = null;
        Long durable = null;
        for (SinkRecord record : records) {
            if (tp == null || tp.partition() != record.kafkaPartition() || !tp.topic().equals(record.topic())) {
                tp = new TopicPartition(record.topic(), record.kafkaPartition());
                durable = durableOffsets.get(tp);
            }
            if (durable != null && record.kafkaOffset() < durable) {
                redelivered++;
                continue;
            }
            ChangeEvent event = null;
            if (reader.neighbour(record) != null) {
                neighbours++;
            } else {
                try {
                    event = read(connection, record);
                } catch (RecordException e) {
                    errant.report(record, e);
                    errantCount++;
                }
            }
            if (event != null) {
                batch.add(event);
                noteTopic(event);
                if (event.position().completesTableSnapshot() && reconcileSnapshots
                        && !sharedTables.contains(event.table())) {
                    batch.add(ChangeEvent.snapshotCompleted(event));
                }
                Long ts = event.position().timestampMs();
                if (ts != null && (lastSourceTs == null || ts > lastSourceTs)) {
                    lastSourceTs = ts;
                }
            }
            Progress before = progress.get(tp);
            progress.put(tp, new Progress(tp, record.kafkaOffset() + 1,
                    event != null ? event.position() : before == null ? null : before.lastPosition()));
        }
        if (progress.isEmpty()) {
            return new Result(Map.of(), records.size(), 0, 0, 0, redelivered, 0, 0, null);
        }
        try {
            Map<TableId, TableDefinition> tables = new LinkedHashMap<>();
            for (TableId table : batch.tables()) {
                tables.put(table, prepare(connection, table, batch.rows(table)));
            }
            if (batch.tableChanges() > 0) {
                mode.prepareForTableChanges(connection);
            }
            int written = 0;
            int reduced = 0;
            int tableRows = 0;
            for (int round = 0; round < batch.roundCount(); round++) {
                for (Map.Entry<TableId, Collection<ChangeEvent>> changes : batch.round(round).entrySet()) {
                    TableDefinition table = tables.get(changes.getKey());
                    List<ChangeEvent> rows = new ArrayList<>(changes.getValue().size());
                    for (ChangeEvent change : changes.getValue()) {
                        if (change.isTableChange()) {
                            tableRows += mode.applyTableChange(connection, changes.getKey(), table, change);
                        } else {
                            rows.add(change);
                        }
                    }
                    if (!rows.isEmpty()) {
                        reduced += rows.size();
                        written += mode.write(connection, table, rows);
                    }
                }
            }
            watermarks.save(connection, progress.values());
            if (commit) {
                connection.commit();
            }
            Map<TopicPartition, Long> next = new LinkedHashMap<>();
            progress.values().forEach(p -> next.put(p.partition(), p.nextOffset()));
            return new Result(next, records.size(), written + tableRows, batch.folded(), batch.stale() + reduced - written,
                    redelivered, errantCount, neighbours, lastSourceTs);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            catalog.invalidate();
            throw e;
        }
    }

    /**
     * Applies {@code records} in one transaction; if the database rejects them for a reason that will not
     * pass, splits them in halves and applies each half the same way, in order, until the record that
     * causes it stands alone: it is reported as errant (the error names it) and the others are applied.
     * A few bad records in a large batch cost a few transactions each, not one per record. Transient
     * errors are thrown for the caller to retry.
     */
    public Result applyIsolatingFailures(Connection connection, List<SinkRecord> records,
                                         Map<TopicPartition, Long> durableOffsets, ErrantRecords errant)
            throws SQLException {
        Set<String> reported = new HashSet<>();
        // A record reported while a larger part was tried stays reported when it is tried again.
        ErrantRecords once = (record, error) -> {
            if (reported.add(describe(record))) {
                errant.report(record, error);
            }
        };
        return applyOrSplit(connection, records, new HashMap<>(durableOffsets), once);
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
                return new Result(Map.of(tp, record.kafkaOffset() + 1), 1, 0, 0, 0, 0, 1, 0, null);
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
            watermarks.save(connection, List.of(new Progress(tp, record.kafkaOffset() + 1, null)));
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly(connection, e);
            throw e;
        }
    }

    /**
     * Remembers which topic writes the event's table. A table written from two topics is shared: the rows a completed
     * snapshot of one did not contain may be the other's, so its snapshots delete nothing.
     */
    private void noteTopic(ChangeEvent event) {
        String topic = event.partition().topic();
        if (event.table().equals(lastNotedTable) && topic.equals(lastNotedTopic)) {
            return;
        }
        lastNotedTable = event.table();
        lastNotedTopic = topic;
        String known = topicOfTable.putIfAbsent(event.table(), topic);
        if (known != null && !known.equals(topic) && sharedTables.add(event.table())) {
            LOG.warn("Target table {} is written from topics {} and {}: a completed snapshot of one cannot tell which"
                    + " rows belong to the other, so snapshots delete nothing there", event.table(), known, topic);
        }
    }

    private ChangeEvent read(Connection connection, SinkRecord record) throws SQLException {
        ChangeEvent event;
        // Debezium's pgoutput decoder loses the key of tables whose names it garbles; the repair rebuilds it.
        // A truncate has no key of its own to lose.
        boolean keyMissing = record.key() == null && record.value() instanceof Struct;
        try {
            event = reader.read(keyMissing ? record.newRecord(record.topic(), record.kafkaPartition(),
                    KEY_TO_REBUILD.schema(), KEY_TO_REBUILD, record.valueSchema(), record.value(), record.timestamp())
                    : record);
            keyMissing &= event != null && !event.isTruncate();
            if (keyMissing && !PgoutputNames.hasCandidates(event)) {
                // Nothing garbled: the key is simply missing, and the reader's own error says what to do.
                return reader.read(record);
            }
            if (event != null) {
                event = names.repair(event, keyMissing, table -> describe(connection, table));
            }
        } catch (DataException e) {
            throw new RecordException(record, e);
        }
        if (event != null && ownTables.contains(event.table())) {
            throw new RecordException(record, new DataException("table.name.format resolves to " + event.table()
                    + ", the sink's own watermark.table or audit.events.table; change events must not be written into it"));
        }
        return event;
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

    private TableDefinition prepare(Connection connection, TableId table, Collection<ChangeEvent> rows) throws SQLException {
        Schema keySchema = null;
        Set<Schema> rowSchemas = new LinkedHashSet<>();
        for (ChangeEvent row : rows) {
            if (keySchema == null && row.key() != null) {
                keySchema = row.key().schema();
            }
            if (row.row() != null) {
                rowSchemas.add(row.rowSchema());
            }
        }
        return catalog.prepare(connection, table, keySchema, new ArrayList<>(rowSchemas));
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
