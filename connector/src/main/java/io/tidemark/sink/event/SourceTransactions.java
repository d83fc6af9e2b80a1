package io.tidemark.sink.event;

import io.tidemark.sink.position.SourcePosition;
import io.tidemark.sink.position.SourcePositionReader;
import io.tidemark.sink.position.StreamHorizon;
import io.tidemark.sink.schema.PerSchema;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the records of one or more {@code put()} calls may be split into target transactions without splitting a
 * source transaction (docs/correctness.md §4.1).
 *
 * <p>A record's source transaction is its {@code source.txId} when it is a streamed change, the transaction its
 * {@code id} names when it is one of Debezium's BEGIN/END markers, and that of the record before it in its partition
 * when it is a tombstone. Snapshot and incremental-snapshot reads, other neighbour records and anything unreadable
 * are transactions of their own, so a snapshot can be committed in any number of pieces; so is a streamed change
 * its partition's {@link StreamHorizon} in the target covers, which the source emitted again after a restart and
 * which changes nothing there.
 *
 * <p>Whether a transaction is complete: with Debezium's transaction metadata on the subscribed topics (a BEGIN or END
 * marker has been seen or the metadata topic is subscribed, and the change events carry a {@code transaction}
 * block), when its END marker has arrived and so
 * have as many of its events of each table as END counts, for the tables this task receives; otherwise, when a
 * record of another transaction follows it in its partition. Holds the END markers' counts and the partitions'
 * horizons between calls; used by one thread at a time.
 */
public final class SourceTransactions {

    /** A PostgreSQL marker id: {@code "<txId>:<lsn>"}, both decimal (a GTID's source part is never all digits). */
    private static final Pattern POSTGRES_MARKER_ID = Pattern.compile("(\\d+):\\d+");
    /** END markers kept for transactions whose events have not all arrived; the oldest go first beyond this. */
    private static final int MAX_REMEMBERED_ENDS = 50_000;

    private final PerSchema<EnvelopeFields> envelopes = new PerSchema<>(EnvelopeFields::of);
    private final PerSchema<SourceFields> sources = new PerSchema<>(SourceFields::of);
    private final PerSchema<MarkerFields> markers = new PerSchema<>(MarkerFields::of);
    private final SourcePositionReader positions = new SourcePositionReader();
    /** Per partition, how far its changes in the target reach in the source's stream. */
    private final Map<TopicPartition, StreamHorizon> horizons = new HashMap<>();
    /** Per transaction, the event count per table its END marker announced. */
    private final Map<String, Map<String, Long>> ends = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Long>> eldest) {
            return size() > MAX_REMEMBERED_ENDS;
        }
    };
    /** Tables whose change events this task has received with a transaction block. */
    private final Set<String> tablesWithMetadata = new HashSet<>();
    private final Predicate<String> subscribed;
    /** Per change-event topic, whether a metadata topic its name implies is subscribed. */
    private final Map<String, Boolean> impliesSubscribedMetadata = new HashMap<>();
    private boolean metadataSeen;

    /** Knowing nothing of the subscription: metadata is in use once a marker has been seen. */
    public SourceTransactions() {
        this(topic -> false);
    }

    /**
     * {@code subscribed} tells whether the task's subscription names a topic: a change event with a transaction block
     * on topic {@code <prefix>.<schema>.<table>} whose {@code <prefix>.transaction} (Debezium's default metadata
     * topic) is subscribed shows that metadata is in use before its first marker has arrived, or exists.
     */
    public SourceTransactions(Predicate<String> subscribed) {
        this.subscribed = subscribed;
    }

    private record EnvelopeFields(Field op, Field source, Field transaction) {
        static EnvelopeFields of(Schema schema) {
            return schema.type() == Schema.Type.STRUCT
                    ? new EnvelopeFields(schema.field("op"), schema.field("source"), schema.field("transaction"))
                    : new EnvelopeFields(null, null, null);
        }
    }

    private record SourceFields(Field txId, Field schema, Field db, Field table, Field gtid) {
        static SourceFields of(Schema schema) {
            return new SourceFields(schema.field("txId"), schema.field("schema"), schema.field("db"),
                    schema.field("table"), schema.field("gtid"));
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
     * @param order       for such an event, its {@code data_collection_order}, or 0 when the block has none
     * @param end         for an END marker, the event count per table; else null
     * @param marker      whether it is a BEGIN or END marker
     * @param tombstone   whether it is the tombstone after a delete, which END markers do not count
     */
    private record Info(TopicPartition partition, String transaction, String table, long order,
                        Map<String, Long> end, boolean marker, boolean tombstone) {
        static Info own(TopicPartition partition) {
            return new Info(partition, null, null, 0, null, false, false);
        }
    }

    /**
     * The events of one table of one transaction that have arrived, as END counts them: distinct
     * {@code data_collection_order} values, since an event Debezium emits again after a restart carries the one of
     * its first emission (3.6 restores the counters from its offset), plus the events whose block has none.
     */
    private static final class Arrived {
        private final BitSet orders = new BitSet();
        private long unordered;

        void add(long order) {
            if (order > 0 && order <= Integer.MAX_VALUE) {
                orders.set((int) (order - 1));
            } else {
                unordered++;
            }
        }

        long count() {
            return orders.cardinality() + unordered;
        }

        Arrived copy() {
            Arrived copy = new Arrived();
            copy.orders.or(orders);
            copy.unordered = unordered;
            return copy;
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
     * @param finished the transactions among {@code complete} whose END markers are needed no more once they are
     *                 applied; see {@link #forget}
     */
    public record Split(List<SinkRecord> complete, List<SinkRecord> held, Set<TopicPartition> awaitingEnd,
                        Set<String> finished) {
    }

    /**
     * The partitions' changes in the target now reach {@code reached} (from the watermark on {@code open()}, or
     * committed since): their source's changes at or before it are re-emissions.
     */
    public void reached(Map<TopicPartition, StreamHorizon> reached) {
        reached.forEach((tp, horizon) -> horizons.merge(tp, horizon, StreamHorizon::then));
    }

    /** The task no longer owns {@code partitions}: whoever does next reads their horizons from the watermark. */
    public void revoked(Collection<TopicPartition> partitions) {
        horizons.keySet().removeAll(partitions);
    }

    /** Drops the END markers of transactions that have been applied whole. */
    public void forget(Set<String> finished) {
        ends.keySet().removeAll(finished);
    }

    /** Splits {@code records} (in Kafka order per partition) into complete transactions and what must wait. */
    public Split split(List<SinkRecord> records) {
        Info[] infos = infos(records, Map.of());
        Map<String, Map<String, Arrived>> arrived = learn(infos);
        boolean[] held = new boolean[records.size()];
        Set<String> heldTransactions = new HashSet<>();
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
        Set<String> finished = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            (held[i] ? hold : complete).add(records.get(i));
            if (held[i] && seen.add(infos[i].partition()) && metadataSeen && infos[i].table() != null) {
                awaitingEnd.add(infos[i].partition());
            }
            if (!held[i] && infos[i].table() != null) {
                finished.add(infos[i].transaction());
            }
        }
        return new Split(complete, hold, awaitingEnd, finished);
    }

    /**
     * Whether a record's transaction may still have events to come; {@code openAtTheEnd} says whether the record's
     * run of its transaction reaches the end of its partition in the list. BEGIN and END markers are never held.
     */
    private boolean mayContinue(Info info, boolean openAtTheEnd, Map<String, Map<String, Arrived>> arrived) {
        if (info.transaction() == null || info.marker()) {
            return false;
        }
        if (!metadataSeen || info.table() == null) {
            // Without metadata a transaction is known to be over only once another one follows it in its partition.
            return openAtTheEnd;
        }
        return !allArrived(info.transaction(), arrived.getOrDefault(info.transaction(), Map.of()));
    }

    /**
     * Notes the tables that come with transaction blocks and the END markers among {@code infos}; returns the events
     * per transaction and table among them.
     */
    private Map<String, Map<String, Arrived>> learn(Info[] infos) {
        Map<String, Map<String, Arrived>> arrived = new HashMap<>();
        for (Info info : infos) {
            if (info.table() != null && !info.tombstone()) {
                tablesWithMetadata.add(info.table());
                arrived.computeIfAbsent(info.transaction(), t -> new HashMap<>())
                        .computeIfAbsent(info.table(), t -> new Arrived()).add(info.order());
            }
        }
        for (Info info : infos) {
            // A BEGIN marker tells as well as an END that the metadata topic is subscribed; it comes first.
            metadataSeen |= info.marker();
            if (info.end() != null) {
                // Transactions of only tables this task does not receive would never be released from the map.
                if (tablesWithMetadata.isEmpty() || info.end().keySet().stream().anyMatch(tablesWithMetadata::contains)) {
                    ends.put(info.transaction(), info.end());
                }
            }
        }
        return arrived;
    }

    /** Whether the events of a transaction counted so far are all those its END marker (if seen) announces. */
    private boolean allArrived(String transaction, Map<String, Arrived> counted) {
        Map<String, Long> end = ends.get(transaction);
        if (end == null) {
            return false;
        }
        for (Map.Entry<String, Long> table : end.entrySet()) {
            Arrived events = counted.get(table.getKey());
            if (tablesWithMetadata.contains(table.getKey()) && (events == null ? 0 : events.count()) < table.getValue()) {
                return false;
            }
        }
        return true;
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
        Info[] infos = infos(records, Map.of());
        Map<String, Integer> last = new HashMap<>();
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

    /**
     * The source transactions written into an open target transaction that are not known to be complete yet, with
     * what is needed to tell when they are (correctness.md §4.1): a few numbers per transaction, never its records.
     */
    public static final class Open {

        /** An open target transaction that nothing has been written into yet. */
        public static final Open EMPTY = new Open(Map.of(), Map.of());

        private final Map<String, Unfinished> transactions;
        /** What the last record written of each partition said, for a tombstone that comes next. */
        private final Map<TopicPartition, Info> last;

        private Open(Map<String, Unfinished> transactions, Map<TopicPartition, Info> last) {
            this.transactions = transactions;
            this.last = last;
        }

        /** How many source transactions written into the open target transaction may still continue. */
        public int unfinished() {
            return transactions.size();
        }
    }

    /**
     * A source transaction with records in an open target transaction: the partitions its change records are in, those
     * of them where a record of another transaction has followed them, and its events per table so far.
     */
    private static final class Unfinished {
        final Set<TopicPartition> partitions = new HashSet<>();
        final Set<TopicPartition> followed = new HashSet<>();
        final Map<String, Arrived> arrived = new HashMap<>();
        /** Whether its change events carry a transaction block (so an END marker will count them). */
        boolean withTable;

        Unfinished copy() {
            Unfinished copy = new Unfinished();
            copy.partitions.addAll(partitions);
            copy.followed.addAll(followed);
            arrived.forEach((table, events) -> copy.arrived.put(table, events.copy()));
            copy.withTable = withTable;
            return copy;
        }
    }

    /** How long a transaction's records wait, as atomic.idle.ms and atomic.end.timeout.ms say. */
    public record Waits(long idleNanos, long endNanos) {
    }

    /**
     * What to do with the records of a {@code put()} while a target transaction is open.
     *
     * @param commitAfter the number of records to write into the open transaction before committing it, or -1 when it
     *                    must stay open; the records after a commit are handled as usual
     * @param open        the open transaction's unfinished transactions once all the records are written into it
     * @param wakeNanos   how soon a time bound may let it commit, Long.MAX_VALUE when none applies
     */
    public record Advance(int commitAfter, Open open, long wakeNanos) {
    }

    /**
     * Where the target transaction {@code open}, opened at {@code openedNanos} and continued with {@code records}, may
     * commit: the last place in them at which every source transaction written into it or before that place is
     * complete and has no record after it. Complete as in {@link #split}, with the counts of END markers added up over
     * all the records written; also once each of its partitions has had no record for atomic.idle.ms
     * (atomic.end.timeout.ms while its END marker is awaited). Once the open transaction is atomic.end.timeout.ms old,
     * END markers are awaited no more: a transaction followed in each of its partitions is complete.
     */
    public Advance advance(Open open, long openedNanos, List<SinkRecord> records,
                           Map<TopicPartition, Long> lastArrivalNanos, long now, Waits waits) {
        Info[] infos = infos(records, open.last);
        learn(infos);
        Map<String, Unfinished> transactions = new HashMap<>();
        open.transactions.forEach((id, t) -> transactions.put(id, t.copy()));
        Map<String, Integer> lastIndex = new HashMap<>();
        // Per partition, the transaction of its last change record so far.
        Map<TopicPartition, String> current = new HashMap<>();
        open.last.forEach((tp, info) -> current.put(tp, info.marker() ? null : info.transaction()));
        Map<TopicPartition, Info> last = new HashMap<>(open.last);
        for (int i = 0; i < infos.length; i++) {
            Info info = infos[i];
            TopicPartition tp = info.partition();
            last.put(tp, info);
            if (info.marker()) {
                // A marker changes no row: the target may commit on either side of it.
                continue;
            }
            String previous = info.transaction() == null ? current.remove(tp) : current.put(tp, info.transaction());
            if (previous != null && !previous.equals(info.transaction()) && transactions.containsKey(previous)) {
                // A record of another transaction, or of none (a snapshot read), follows it.
                transactions.get(previous).followed.add(tp);
            }
            if (info.transaction() == null) {
                continue;
            }
            lastIndex.put(info.transaction(), i);
            Unfinished t = transactions.computeIfAbsent(info.transaction(), id -> new Unfinished());
            t.partitions.add(tp);
            if (info.table() != null && !info.tombstone()) {
                t.arrived.computeIfAbsent(info.table(), table -> new Arrived()).add(info.order());
                t.withTable = true;
            }
        }
        boolean endsAwaited = now - openedNanos < waits.endNanos();
        Map<String, Boolean> complete = new HashMap<>();
        long wake = endsAwaited ? openedNanos + waits.endNanos() - now : Long.MAX_VALUE;
        for (Map.Entry<String, Unfinished> t : transactions.entrySet()) {
            long deadline = deadline(t.getKey(), t.getValue(), endsAwaited, lastArrivalNanos, waits);
            complete.put(t.getKey(), deadline <= now);
            if (deadline > now) {
                wake = Math.min(wake, deadline - now);
            }
        }

        int openUntil = -1;
        boolean allComplete = true;
        for (String id : open.transactions.keySet()) {
            openUntil = Math.max(openUntil, lastIndex.getOrDefault(id, -1));
            allComplete &= complete.get(id);
        }
        int commitAfter = allComplete && openUntil < 0 ? 0 : -1;
        for (int i = 0; i < infos.length && allComplete; i++) {
            String id = infos[i].marker() ? null : infos[i].transaction();
            if (id != null) {
                openUntil = Math.max(openUntil, lastIndex.get(id));
                allComplete = complete.get(id);
            }
            if (allComplete && openUntil <= i) {
                commitAfter = i + 1;
            }
        }
        Map<String, Unfinished> unfinished = new HashMap<>();
        int committed = commitAfter;
        transactions.forEach((id, t) -> {
            if (!complete.get(id)) {
                unfinished.put(id, t);
            } else if (committed < 0 || lastIndex.getOrDefault(id, -1) < committed) {
                // Written into the open transaction and complete: its END marker is needed no more.
                ends.remove(id);
            }
        });
        return new Advance(commitAfter, new Open(unfinished, last), unfinished.isEmpty() ? Long.MAX_VALUE : wake);
    }

    /**
     * When a transaction written into an open target transaction counts as complete: at once when the records
     * following it, or its END marker and all the events it counts, show it (records following it count while END
     * markers are awaited only once {@code endsAwaited} is over); otherwise once every partition it has records in has
     * had none for its time bound.
     */
    private long deadline(String id, Unfinished t, boolean endsAwaited, Map<TopicPartition, Long> lastArrivalNanos,
                          Waits waits) {
        boolean withMetadata = metadataSeen && t.withTable;
        if (withMetadata ? allArrived(id, t.arrived) || !endsAwaited && t.followed.containsAll(t.partitions)
                : t.followed.containsAll(t.partitions)) {
            return Long.MIN_VALUE;
        }
        long wait = withMetadata ? waits.endNanos() : waits.idleNanos();
        long latest = Long.MIN_VALUE;
        for (TopicPartition tp : t.partitions) {
            Long arrival = lastArrivalNanos.get(tp);
            if (arrival != null && (withMetadata || !t.followed.contains(tp))) {
                latest = Math.max(latest, arrival + wait);
            }
        }
        return latest;
    }

    /** What each record says; {@code before} holds what the record before the first of each partition said. */
    private Info[] infos(List<SinkRecord> records, Map<TopicPartition, Info> before) {
        Info[] infos = new Info[records.size()];
        Map<TopicPartition, Info> previous = new HashMap<>(before);
        TopicPartition tp = null;
        for (int i = 0; i < records.size(); i++) {
            SinkRecord record = records.get(i);
            if (tp == null || tp.partition() != record.kafkaPartition() || !tp.topic().equals(record.topic())) {
                tp = new TopicPartition(record.topic(), record.kafkaPartition());
            }
            Info info;
            if (record.value() == null) {
                Info delete = previous.get(tp);
                info = delete == null ? Info.own(tp) : new Info(tp, delete.transaction(), delete.table(), 0, null, false, true);
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
        Struct block = fields.transaction() == null ? null : value.getStruct(fields.transaction().name());
        String transaction = transactionOf(source, sourceFields, block);
        if (transaction == null || reemitted(tp, source)) {
            return Info.own(tp);
        }
        String table = block != null ? namespace(source, sourceFields) + "." + source.get(sourceFields.table()) : null;
        if (table != null && !metadataSeen) {
            metadataSeen = impliesSubscribedMetadata.computeIfAbsent(tp.topic(), this::metadataTopicSubscribed);
        }
        long order = block != null && block.schema().field("data_collection_order") != null
                && block.get("data_collection_order") instanceof Number n ? n.longValue() : 0;
        return new Info(tp, transaction, table, order, null, false, false);
    }

    /**
     * Whether a streamed change is at or before its partition's horizon in the target: Debezium emitted it again
     * after a restart, and the guard (or append mode's key) makes it change nothing, so it need neither wait for the
     * rest of its transaction nor count towards it (Debezium 3.6 ends a transaction replayed in part with an END
     * counting the whole of it). A position that cannot be read is not: the applier reports it.
     */
    private boolean reemitted(TopicPartition tp, Struct source) {
        StreamHorizon horizon = horizons.get(tp);
        if (horizon == null) {
            return false;
        }
        SourcePosition position;
        try {
            position = positions.read(source, false);
        } catch (DataException e) {
            return false;
        }
        return horizon.covers(position);
    }

    /**
     * A streamed change's source transaction: PostgreSQL's {@code source.txId}; for the binlog connectors (no txId)
     * the {@code id} of the change event's transaction block (a GTID, or {@code file=<binlog>,pos=<BEGIN>}) or else
     * {@code source.gtid}. Null when nothing names it: the record is then a transaction of its own.
     */
    private static String transactionOf(Struct source, SourceFields fields, Struct block) {
        if (fields.txId() != null) {
            return source.get(fields.txId()) instanceof Number n ? Long.toString(n.longValue()) : null;
        }
        if (block != null && block.schema().field("id") != null && block.get("id") instanceof String id) {
            return id;
        }
        return fields.gtid() != null && source.get(fields.gtid()) instanceof String gtid ? gtid : null;
    }

    /** The table's namespace as END markers name it: the schema (PostgreSQL), or the database (MySQL, MariaDB). */
    private static Object namespace(Struct source, SourceFields fields) {
        return fields.schema() != null ? source.get(fields.schema()) : source.get(fields.db());
    }

    /** Whether {@code <p>.transaction} is subscribed for a dot-separated prefix {@code p} of {@code topic}. */
    private boolean metadataTopicSubscribed(String topic) {
        for (int dot = topic.indexOf('.'); dot > 0; dot = topic.indexOf('.', dot + 1)) {
            if (subscribed.test(topic.substring(0, dot) + ".transaction")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A BEGIN or END marker. The PostgreSQL connector's id is {@code "<txId>:<lsn>"} with each marker's own LSN, so
     * only its txId names the transaction; the binlog connectors' id (a GTID such as {@code "<uuid>:<n>"} or
     * {@code "0-1-42"}, or {@code "file=<binlog>,pos=<n>"}) is the transaction's name whole, as in its change events.
     */
    private Info marker(TopicPartition tp, Struct value) {
        MarkerFields fields = markers.of(value.schema());
        if (!(value.get(fields.id()) instanceof String id) || id.isEmpty()) {
            return Info.own(tp);
        }
        Matcher postgres = POSTGRES_MARKER_ID.matcher(id);
        String transaction = postgres.matches() ? postgres.group(1) : id;
        if (!"END".equals(value.get(fields.status())) || fields.dataCollections() == null) {
            return new Info(tp, transaction, null, 0, null, true, false);
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
        return new Info(tp, transaction, null, 0, counts, true, false);
    }
}
