package io.tidemark.deploy;

import org.apache.kafka.common.TopicPartition;

import java.util.Map;

/** How far a reader of some partitions is behind: the records between where it stands and each partition's end. */
final class Backlog {

    private Backlog() {
    }

    /**
     * The records from {@code positions} (the next offset to read, per partition) to {@code ends}, summed over the
     * partitions of {@code ends}. A partition without a position is behind by all its records; a position at or past
     * the end counts nothing.
     */
    static long behind(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> positions) {
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            behind += Math.max(0, end.getValue() - positions.getOrDefault(end.getKey(), 0L));
        }
        return behind;
    }
}
