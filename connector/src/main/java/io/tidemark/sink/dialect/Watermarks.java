package io.tidemark.sink.dialect;

import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.position.SourcePosition;
import io.tidemark.sink.position.StreamHorizon;
import org.apache.kafka.common.TopicPartition;

import java.math.BigDecimal;
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
 * exactly which records are in the target; the task seeks there on open(). Its {@code source_stream_order} is the
 * furthest {@link SourcePosition#streamOrder()} of the partition's changes in the target, of the source server
 * {@code source_server} names: a change at or before it is a re-emission (correctness.md §4.1).
 */
public interface Watermarks {

    /**
     * Progress of one partition in one transaction: the next offset, the position of its last change and the
     * furthest stream order of its changes of that position's server (null when none has one).
     */
    record Progress(TopicPartition partition, long nextOffset, SourcePosition lastPosition, RowVersion streamOrder) {

        /** The horizon the changes reach, or null. */
        public StreamHorizon horizon() {
            return streamOrder == null ? null : new StreamHorizon(lastPosition.server(), streamOrder);
        }
    }

    /**
     * What the table holds for one partition.
     *
     * @param nextOffset  the next Kafka offset to apply
     * @param server      the source server of the furthest position processed, or null
     * @param streamOrder the furthest stream order of that server's changes in the target, or null
     */
    record Stored(long nextOffset, String server, RowVersion streamOrder) {
    }

    /** Creates the table, or brings an older layout up to date, in a committed transaction of its own. */
    void createIfMissing(Connection connection) throws SQLException;

    /** What is stored for {@code partitions}; partitions never written are absent. Commits. */
    Map<TopicPartition, Stored> load(Connection connection, Collection<TopicPartition> partitions) throws SQLException;

    /**
     * {@link #load} for a watermark table {@code quotedTable} with the columns every dialect's has
     * ({@code connector_name, topic, kafka_partition, next_offset, source_server, source_stream_order}).
     */
    static Map<TopicPartition, Stored> loadStored(Connection connection, String quotedTable, String connectorName,
                                                  Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Stored> stored = new HashMap<>();
        String sql = "SELECT topic, kafka_partition, next_offset, source_server, source_stream_order FROM " + quotedTable
                + " WHERE connector_name = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, connectorName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TopicPartition tp = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(tp)) {
                        BigDecimal order = rs.getBigDecimal(5);
                        stored.put(tp, new Stored(rs.getLong(3), rs.getString(4),
                                order == null ? null : RowVersion.ofDecimal(order.toBigIntegerExact())));
                    }
                }
            }
        }
        connection.commit();
        return stored;
    }

    /**
     * The new {@code source_stream_order} of a save, as SQL over the stored order {@code oldOrder}, the saved server
     * and order {@code newServer} and {@code newOrder}, and {@code sameServer}, the dialect's null-safe comparison of
     * the stored and the saved server: the greater of the two orders for the same server, the new one for another
     * server, the stored one for a save without a position.
     */
    static String furthestStreamOrder(String sameServer, String oldOrder, String newServer, String newOrder) {
        return "CASE WHEN " + newServer + " IS NULL THEN " + oldOrder
                + " WHEN NOT (" + sameServer + ") THEN " + newOrder
                + " WHEN " + newOrder + " IS NULL THEN " + oldOrder
                + " WHEN " + oldOrder + " IS NULL OR " + newOrder + " > " + oldOrder + " THEN " + newOrder
                + " ELSE " + oldOrder + " END";
    }

    /**
     * Records progress inside the caller's transaction. The source position columns show the furthest change
     * processed: a re-published older change (or a batch without a position) does not move them back; a new source
     * server starts over.
     */
    void save(Connection connection, Collection<Progress> progress) throws SQLException;
}
