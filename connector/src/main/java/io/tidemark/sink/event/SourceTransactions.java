package io.tidemark.sink.event;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the records of one or more {@code put()} calls may be split into target transactions without splitting a
 * source transaction (docs/correctness.md §4.1).
 *
 * <p>A record's source transaction is its {@code source.txId} when it is a streamed change, the transaction its
 * {@code id} names when it is one of Debezium's BEGIN/END markers, and that of the record before it in its partition
 * when it is a tombstone. Snapshot and incremental-snapshot reads, other neighbour records and anything unreadable
 * are transactions of their own, so a snapshot can be committed in any number of pieces.
 *
 * <p>Whether a transaction is complete: with Debezium's transaction metadata on the subscribed topics (an END marker
 * has been seen, and the change events carry a {@code transaction} block), when its END marker has arrived and so
 * have as many of its events of each table as END counts, for the tables this task receives; otherwise, when a
 * record of another transaction follows it in its partition. Holds the END markers' counts between calls; used by
 * one thread at a time.
 */
public final class SourceTransactions {

    /** END markers kept for transactions whose events have not all arrived; the oldest go first beyond this. */
    private static final int MAX_REMEMBERED_ENDS = 50_000;

    private final PerSchema<EnvelopeFields> envelopes = new PerSchema<>(EnvelopeFields::of);
    private final PerSchema<SourceFields> sources = new PerSchema<>(SourceFields::of);
    private final PerSchema<MarkerFields> markers = new PerSchema<>(MarkerFields::of);
    /** Per transaction, the event count per table its END marker announced. */
    private final Map<Long, Map<String, Long>> ends = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Map<String, Long>> eldest) {
            return size() > MAX_REMEMBERED_ENDS;
        }
    };
    /** Tables whose change events this task has received with a transaction block. */
    private final Set<String> tablesWithMetadata = new HashSet<>();
    private boolean metadataSeen;

    private record EnvelopeFields(Field op, Field source, Field transaction) {
        static EnvelopeFields of(Schema schema) {
            return schema.type() == Schema.Type.STRUCT
                    ? new EnvelopeFields(schema.field("op"), schema.field("source"), schema.field("transaction"))
                    : new EnvelopeFields(null, null, null);
        }
    }

    private record SourceFields(Field txId, Field schema, Field table) {
        static SourceFields of(Schema schema) {
            return new SourceFields(schema.field("txId"), schema.field("schema"), schema.field("table"));
        }
    }

    private record MarkerFields(Field status, Field id, Field dataCollections) {
        static MarkerFields of(Schema schema) {
            return new MarkerFields(schema.field("status"), schema.field("id"), schema.field("data_collections"));
        }
    }

    /**
     * What a record says about its source transaction.
     *
     * @param transaction the transaction, or null for a record that is a transaction of its own
     * @param table       for a change event with a transaction block, its table as END markers name it; else null
     * @param end         for an END marker, the event count per table; else null
     * @param marker      whether it is a BEGIN or END marker
     */
    private record Info(TopicPartition partition, Long transaction, String table, Map<String, Long> end,
                        boolean marker) {
        static Info own(TopicPartition partition) {
            return new Info(partition, null, null, null, false);
        }
    }

    /**
     * {@code records} split into what may be committed now and what to hold back until its transaction is complete.
     *
     * @param complete the records to apply, in their order
     * @param held     the records held back, in their order: per partition, everything from its first record whose
     *                 transaction may not be complete
     * @param awaitingEnd the partitions whose held records wait for an END marker (transaction metadata) rather than
     *                 for a record of another transaction
     */
    public record Split(List<SinkRecord> complete, List<SinkRecord> held, Set<TopicPartition> awaitingEnd) {
    }

    /** Splits {@code records} (in Kafka order per partition) into complete transactions and what must wait. */
    public Split split(List<SinkRecord> records) {
        Info[] infos = infos(records);
        Map<Long, Map<String, Long>> arrived = new HashMap<>();
        for (Info info : infos) {
            if (info.table() != null) {
                tablesWithMetadata.add(info.table());
                arrived.computeIfAbsent(info.transaction(), t -> new HashMap<>()).merge(info.table(), 1L, Long::sum);
            }
        }
        for (Info info : infos) {
            if (info.end() != null) {
                metadataSeen = true;
                // Transactions of only tables this task does not receive would never be released from the map.
                if (tablesWithMetadata.isEmpty() || info.end().keySet().stream().anyMatch(tablesWithMetadata::contains)) {
                    ends.put(info.transaction(), info.end());
                }
            }
        }
        boolean[] held = new boolean[records.size()];
        Set<Long> heldTransactions = new HashSet<>();
        boolean[] open = openAtTheEnd(infos);
        for (int i = 0; i < infos.length; i++) {
            if (mayContinue(infos[i], open[i], arrived)) {
                heldTransactions.add(infos[i].transaction());
            }
        }
        // A partition holds everything from its first record of a held transaction on; what that holds back may hold
        // back further transactions, in other partitions too.
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<TopicPartition> holding = new HashSet<>();
            for (int i = 0; i < infos.length; i++) {
                Info info = infos[i];
                boolean hold = holding.contains(info.partition())
                        || (!info.marker() && info.transaction() != null && heldTransactions.contains(info.transaction()));
                if (hold) {
                    holding.add(info.partition());
                    if (!held[i]) {
                        held[i] = true;
                        changed |= info.transaction() != null && heldTransactions.add(info.transaction());
                    }
                }
            }
        }
        List<SinkRecord> complete = new ArrayList<>(records.size());
        List<SinkRecord> hold = new ArrayList<>();
        Set<TopicPartition> awaitingEnd = new HashSet<>();
        Set<TopicPartition> seen = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            (held[i] ? hold : complete).add(records.get(i));
            if (held[i] && seen.add(infos[i].partition()) && metadataSeen && infos[i].table() != null) {
                awaitingEnd.add(infos[i].partition());
            }
            if (!held[i] && infos[i].table() != null) {
                ends.remove(infos[i].transaction());
            }
        }
        return new Split(complete, hold, awaitingEnd);
    }

    /**
     * Whether a record's transaction may still have events to come; {@code openAtTheEnd} says whether the record's
     * run of its transaction reaches the end of its partition in the list. BEGIN and END markers are never held.
     */
    private boolean mayContinue(Info info, boolean openAtTheEnd, Map<Long, Map<String, Long>> arrived) {
        if (info.transaction() == null || info.marker()) {
            return false;
        }
        if (!metadataSeen || info.table() == null) {
            // Without metadata a transaction is known to be over only once another one follows it in its partition.
            return openAtTheEnd;
        }
        Map<String, Long> end = ends.get(info.transaction());
        if (end == null) {
            return true;
        }
        Map<String, Long> counted = arrived.getOrDefault(info.transaction(), Map.of());
        for (Map.Entry<String, Long> table : end.entrySet()) {
            if (tablesWithMetadata.contains(table.getKey()) && counted.getOrDefault(table.getKey(), 0L) < table.getValue()) {
                return true;
            }
        }
        return false;
    }

    /** Per record, whether its partition's records from it to the end of the list all belong to its transaction. */
    private static boolean[] openAtTheEnd(Info[] infos) {
        boolean[] open = new boolean[infos.length];
        Map<TopicPartition, Integer> next = new HashMap<>();
        for (int i = infos.length - 1; i >= 0; i--) {
            Integer j = next.put(infos[i].partition(), i);
            open[i] = infos[i].transaction() != null
                    && (j == null || (infos[i].transaction().equals(infos[j].transaction()) && open[j]));
        }
        return open;
    }

    /**
     * For each record, whether a target transaction may commit right after it: no source transaction has records both
     * before and after that point in the list (in any partition). The end of the list is a commit point.
     */
    public boolean[] commitPoints(List<SinkRecord> records) {
        Info[] infos = infos(records);
        Map<Long, Integer> last = new HashMap<>();
        for (int i = 0; i < infos.length; i++) {
            if (infos[i].transaction() != null) {
                last.put(infos[i].transaction(), i);
            }
        }
        boolean[] points = new boolean[records.size()];
        int openUntil = -1;
        for (int i = 0; i < infos.length; i++) {
            if (infos[i].transaction() != null) {
                openUntil = Math.max(openUntil, last.get(infos[i].transaction()));
            }
            points[i] = openUntil <= i;
        }
        return points;
    }

    private Info[] infos(List<SinkRecord> records) {
        Info[] infos = new Info[records.size()];
        Map<TopicPartition, Info> previous = new HashMap<>();
        TopicPartition tp = null;
        for (int i = 0; i < records.size(); i++) {
            SinkRecord record = records.get(i);
            if (tp == null || tp.partition() != record.kafkaPartition() || !tp.topic().equals(record.topic())) {
                tp = new TopicPartition(record.topic(), record.kafkaPartition());
            }
            Info info;
            if (record.value() == null) {
                Info before = previous.get(tp);
                info = before == null ? Info.own(tp) : new Info(tp, before.transaction(), before.table(), null, false);
            } else {
                info = info(tp, record);
            }
            infos[i] = info;
            previous.put(tp, info);
        }
        return infos;
    }

    private Info info(TopicPartition tp, SinkRecord record) {
        if (!(record.value() instanceof Struct value)) {
            return Info.own(tp);
        }
        if (Neighbour.of(value.schema()) == Neighbour.TRANSACTION_METADATA) {
            return marker(tp, value);
        }
        EnvelopeFields fields = envelopes.of(value.schema());
        if (fields.op() == null || fields.source() == null || "r".equals(value.get(fields.op()))
                || !(value.get(fields.source()) instanceof Struct source)) {
            return Info.own(tp);
        }
        SourceFields sourceFields = sources.of(source.schema());
        Object txId = sourceFields.txId() == null ? null : source.get(sourceFields.txId());
        if (!(txId instanceof Number number)) {
            return Info.own(tp);
        }
        String table = fields.transaction() != null && value.get(fields.transaction()) != null
                ? source.get(sourceFields.schema()) + "." + source.get(sourceFields.table()) : null;
        return new Info(tp, number.longValue(), table, null, false);
    }

    /** A BEGIN or END marker; the PostgreSQL connector's id is {@code "<txId>:<lsn>"}. */
    private Info marker(TopicPartition tp, Struct value) {
        MarkerFields fields = markers.of(value.schema());
        Object id = value.get(fields.id());
        Long transaction = null;
        if (id instanceof String s) {
            int colon = s.indexOf(':');
            try {
                transaction = Long.parseLong(colon < 0 ? s : s.substring(0, colon));
            } catch (NumberFormatException e) {
                return Info.own(tp);
            }
        }
        if (transaction == null) {
            return Info.own(tp);
        }
        if (!"END".equals(value.get(fields.status())) || fields.dataCollections() == null) {
            return new Info(tp, transaction, null, null, true);
        }
        Map<String, Long> counts = new HashMap<>();
        Object collections = value.get(fields.dataCollections());
        if (collections instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Struct collection && collection.schema().field("data_collection") != null
                        && collection.schema().field("event_count") != null) {
                    counts.put(String.valueOf(collection.get("data_collection")),
                            ((Number) collection.get("event_count")).longValue());
                }
            }
        }
        return new Info(tp, transaction, null, counts, true);
    }
}
