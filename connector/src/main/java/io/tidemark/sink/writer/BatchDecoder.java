package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.Watermarks.Progress;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.ChangeEventReader;
import io.tidemark.sink.event.PgoutputNames;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.position.SourcePosition;
import io.tidemark.sink.writer.ChangeApplier.RecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The first half of applying records, with no database: reads each record as a change (or a neighbour record, or a
 * bad record for the errant path), skips what is below its partition's durable offset, reduces the changes into a
 * {@link ChangeBatch} of the write mode, adds the completion of a table's snapshot (§3.6), and says how far each
 * partition gets. The only thing it asks of the target is the definition of a table whose name Debezium garbled
 * ({@link PgoutputNames}), through {@code tables}.
 */
final class BatchDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(BatchDecoder.class);
    /** Handed to the reader in place of a missing key, for {@link PgoutputNames} to rebuild. */
    private static final Struct KEY_TO_REBUILD = new Struct(SchemaBuilder.struct().build());

    private final ChangeEventReader reader;
    private final WriteMode mode;
    /** The tables the sink keeps for itself (watermark, audit events), which no change event may write. */
    private final Set<TableId> ownTables;
    private final boolean reconcileSnapshots;
    private final PgoutputNames names = new PgoutputNames();
    /** The topic that feeds each target table, to tell a table fed by one source table from a shared one. */
    private final Map<TableId, String> topicOfTable = new HashMap<>();
    /** Target tables written from several topics: a snapshot of one of them must not delete the others' rows. */
    private final Set<TableId> sharedTables = new HashSet<>();
    private TableId lastNotedTable;
    private String lastNotedTopic;

    BatchDecoder(ChangeEventReader reader, WriteMode mode, Collection<TableId> ownTables, boolean reconcileSnapshots) {
        this.reader = reader;
        this.mode = mode;
        this.ownTables = Set.copyOf(ownTables);
        this.reconcileSnapshots = reconcileSnapshots;
    }

    /**
     * What a list of records comes to before anything is written.
     *
     * @param progress per partition, the next offset and the position of its last change
     */
    record Decoded(ChangeBatch batch, Map<TopicPartition, Progress> progress, int records, int redelivered, int errant,
                   int neighbours, Long lastSourceTsMs) {
    }

    /**
     * Decodes {@code records} (in Kafka order). A record below the durable next offset of its partition was applied
     * before and is skipped; one that cannot be read as a change goes to {@code errant}, and its offset still
     * advances.
     */
    <E extends Exception> Decoded decode(List<SinkRecord> records, Map<TopicPartition, Long> durableOffsets,
                                         ErrantRecords errant, PgoutputNames.Target<E> tables) throws E {
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
                    event = read(record, tables);
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
            progress.put(tp, event == null
                    ? new Progress(tp, record.kafkaOffset() + 1, before == null ? null : before.lastPosition(),
                            before == null ? null : before.streamOrder())
                    : new Progress(tp, record.kafkaOffset() + 1, event.position(), furthest(before, event.position())));
        }
        return new Decoded(batch, progress, records.size(), redelivered, errantCount, neighbours, lastSourceTs);
    }

    /** The furthest stream order of a partition's changes of {@code position}'s server, once {@code position} is one. */
    private static RowVersion furthest(Progress before, SourcePosition position) {
        RowVersion order = position.streamOrder();
        if (before == null || before.streamOrder() == null
                || !Objects.equals(before.lastPosition().server(), position.server())) {
            return order;
        }
        return order == null || before.streamOrder().compareTo(order) >= 0 ? before.streamOrder() : order;
    }

    private <E extends Exception> ChangeEvent read(SinkRecord record, PgoutputNames.Target<E> tables) throws E {
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
                event = names.repair(event, keyMissing, tables);
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
}
