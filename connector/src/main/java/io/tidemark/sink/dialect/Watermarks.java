package io.tidemark.sink.dialect;

import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
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
     * {@link #load} for a watermark table {@code quotedTable} with the columns every dialect's has
     * ({@code connector_name, topic, kafka_partition, next_offset}).
     */
    static Map<TopicPartition, Long> loadNextOffsets(Connection connection, String quotedTable, String connectorName,
                                                     Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        String sql = "SELECT topic, kafka_partition, next_offset FROM " + quotedTable + " WHERE connector_name = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, connectorName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TopicPartition tp = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(tp)) {
                        offsets.put(tp, rs.getLong(3));
                    }
                }
            }
        }
        connection.commit();
        return offsets;
    }

    /**
     * Records progress inside the caller's transaction. The source position columns show the furthest change
     * processed: a re-published older change (or a batch without a position) does not move them back; a new source
     * server starts over.
     */
    void save(Connection connection, Collection<Progress> progress) throws SQLException;
}
