package io.tidemark.sink.event;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the records of one or more {@code put()} calls may be split into target transactions without splitting a
 * source transaction within a topic partition (docs/correctness.md §4.1).
 *
 * <p>Two consecutive records of a partition belong to the same source transaction when both are streamed changes
 * with the same {@code source.txId}. A tombstone belongs to the transaction of the delete before it. Snapshot and
 * incremental-snapshot reads, Debezium's neighbour records and anything unreadable are transactions of their own,
 * so a snapshot can be committed in any number of pieces. Whether the last transaction of a partition in a list is
 * complete cannot be known from the list: the next record of the partition may belong to it too.
 */
public final class SourceTransactions {

    private final PerSchema<EnvelopeFields> envelopes = new PerSchema<>(EnvelopeFields::of);
    private final PerSchema<SourceFields> sources = new PerSchema<>(SourceFields::of);

    private record EnvelopeFields(Field op, Field source) {
        static EnvelopeFields of(Schema schema) {
            return schema.type() == Schema.Type.STRUCT ? new EnvelopeFields(schema.field("op"), schema.field("source"))
                    : new EnvelopeFields(null, null);
        }
    }

    private record SourceFields(Field txId) {
        static SourceFields of(Schema schema) {
            return new SourceFields(schema.field("txId"));
        }
    }

    /**
     * {@code records} split into what may be committed now and the unfinished source transaction at the end of each
     * partition, to hold back until its end is seen.
     *
     * @param complete the records to apply, in their order; every partition's last record here ends its transaction
     * @param held     the records of each partition's last, possibly unfinished, transaction, in their order
     */
    public record Split(List<SinkRecord> complete, List<SinkRecord> held) {
    }

    /** Splits {@code records} (in Kafka order per partition) into complete transactions and unfinished tails. */
    public Split split(List<SinkRecord> records) {
        Object[] transactions = transactions(records);
        // Per partition, where its last transaction starts, or -1 when that record is a transaction of its own.
        Map<TopicPartition, Integer> tailStart = new HashMap<>();
        Map<TopicPartition, Integer> lastIndex = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            TopicPartition tp = partition(records.get(i));
            Integer last = lastIndex.put(tp, i);
            if (last == null || !sameTransaction(transactions[last], transactions[i])) {
                tailStart.put(tp, transactions[i] == null ? -1 : i);
            }
        }
        List<SinkRecord> complete = new ArrayList<>(records.size());
        List<SinkRecord> held = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            int start = tailStart.get(partition(records.get(i)));
            (start >= 0 && i >= start ? held : complete).add(records.get(i));
        }
        return new Split(complete, held);
    }

    /**
     * For each record, whether a target transaction may commit right after it: no partition is then inside a source
     * transaction that continues later in the list. The end of the list is a commit point.
     */
    public boolean[] commitPoints(List<SinkRecord> records) {
        Object[] transactions = transactions(records);
        int n = records.size();
        int[] previousOfPartition = new int[n];
        Map<TopicPartition, Integer> last = new HashMap<>();
        boolean[] continues = new boolean[n];
        for (int i = 0; i < n; i++) {
            Integer previous = last.put(partition(records.get(i)), i);
            previousOfPartition[i] = previous == null ? -1 : previous;
            if (previous != null) {
                continues[previous] = sameTransaction(transactions[previous], transactions[i]);
            }
        }
        boolean[] points = new boolean[n];
        int open = 0;
        for (int i = 0; i < n; i++) {
            if (previousOfPartition[i] >= 0 && continues[previousOfPartition[i]]) {
                open--;
            }
            if (continues[i]) {
                open++;
            }
            points[i] = open == 0;
        }
        return points;
    }

    private static boolean sameTransaction(Object a, Object b) {
        return a != null && Objects.equals(a, b);
    }

    /** Per record, its source transaction (the txId), or null for a record that is a transaction of its own. */
    private Object[] transactions(List<SinkRecord> records) {
        Object[] transactions = new Object[records.size()];
        Map<TopicPartition, Object> previous = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            SinkRecord record = records.get(i);
            TopicPartition tp = partition(record);
            transactions[i] = record.value() == null ? previous.get(tp) : transaction(record);
            previous.put(tp, transactions[i]);
        }
        return transactions;
    }

    private Object transaction(SinkRecord record) {
        if (!(record.value() instanceof Struct envelope)) {
            return null;
        }
        EnvelopeFields fields = envelopes.of(envelope.schema());
        if (fields.op() == null || fields.source() == null || "r".equals(envelope.get(fields.op()))) {
            return null;
        }
        if (!(envelope.get(fields.source()) instanceof Struct source)) {
            return null;
        }
        SourceFields sourceFields = sources.of(source.schema());
        return sourceFields.txId() == null ? null : source.get(sourceFields.txId());
    }

    private static TopicPartition partition(SinkRecord record) {
        return new TopicPartition(record.topic(), record.kafkaPartition());
    }
}
