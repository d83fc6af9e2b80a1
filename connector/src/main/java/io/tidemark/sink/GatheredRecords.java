package io.tidemark.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Records that arrived while the apply thread was busy, in arrival order, waiting to go to the transaction gate
 * together once it is free (correctness.md §4.3). Not durable: nothing in here has a committed offset. Task thread
 * only.
 */
final class GatheredRecords {

    private List<SinkRecord> records = new ArrayList<>();
    private long bytes;

    /**
     * Adds {@code more}, estimated at {@code moreBytes}, if {@code sizer} lets them join what is gathered; returns
     * whether it did.
     */
    boolean offer(Collection<SinkRecord> more, long moreBytes, TransactionSizer sizer) {
        if (!sizer.gathers(bytes)) {
            return false;
        }
        records.addAll(more);
        bytes += moreBytes;
        return true;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /** What is gathered followed by {@code arrived}, and nothing gathered any more. */
    List<SinkRecord> drainWith(Collection<SinkRecord> arrived) {
        if (records.isEmpty()) {
            return arrived instanceof List<SinkRecord> list ? list : new ArrayList<>(arrived);
        }
        List<SinkRecord> all = records;
        all.addAll(arrived);
        records = new ArrayList<>();
        bytes = 0;
        return all;
    }

    /** Drops the records of {@code partitions}: revoked, their new owner reads them from the watermark. */
    void drop(Collection<TopicPartition> partitions) {
        int before = records.size();
        records.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.kafkaPartition())));
        bytes = before == 0 ? 0 : bytes * records.size() / before;
    }

    /** Drops everything: the task stops, and the records come again from the watermark. */
    void clear() {
        records = new ArrayList<>();
        bytes = 0;
    }
}
