package io.tidemark.sink.dialect;

import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;

/**
 * The watermark table: per (connector, topic, partition) the next Kafka offset to apply and the furthest source
 * position processed. It is written in the same transaction as the data, so after any crash the stored offset says
 * exactly which records are in the target; the task seeks there on open().
 */
public interface Watermarks {

    /** Progress of one partition in one transaction: the next offset and the position of its last change. */
    record Progress(TopicPartition partition, long nextOffset, SourcePosition lastPosition) {
    }

    /** Creates the table, or brings an older layout up to date, in a committed transaction of its own. */
    void createIfMissing(Connection connection) throws SQLException;

    /** The stored next offsets of {@code partitions}; partitions never written are absent. Commits. */
    Map<TopicPartition, Long> load(Connection connection, Collection<TopicPartition> partitions) throws SQLException;

    /**
     * Records progress inside the caller's transaction. The source position columns show the furthest change
     * processed: a re-published older change (or a batch without a position) does not move them back; a new source
     * server starts over.
     */
    void save(Connection connection, Collection<Progress> progress) throws SQLException;
}
