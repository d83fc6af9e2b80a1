package io.tidemark.sink.dialect.mariadb;

import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The watermark table in MariaDB. The position columns move only further on ({@link Watermarks#save}); as MariaDB
 * assigns left to right, each assignment seeing the columns assigned before it, {@code source_stream_order} is
 * assigned before {@code source_server} (its rule compares the stored server), and the columns the "further"
 * condition reads ({@code source_version}, {@code source_server}) are assigned last, {@code source_version} first of
 * the two (the condition still sees the old server then, and a new server makes it true on its own). Times are UTC.
 */
final class MariaDbWatermarks implements Watermarks {

    private final MariaDbDialect dialect;
    private final TableId table;
    private final String connectorName;

    MariaDbWatermarks(MariaDbDialect dialect, TableId table, String connectorName) {
        this.dialect = dialect;
        this.table = table;
        this.connectorName = connectorName;
    }

    @Override
    public void createIfMissing(Connection connection) throws SQLException {
        String create = "CREATE TABLE IF NOT EXISTS " + dialect.quote(table) + " ("
                + "connector_name VARCHAR(255) NOT NULL, "
                + "topic VARCHAR(255) NOT NULL, "
                + "kafka_partition INT NOT NULL, "
                + "next_offset BIGINT NOT NULL, "
                + "source_server VARCHAR(255), "
                + "source_position VARCHAR(255), "
                + "source_version " + MariaDbDialect.VERSION_TYPE + ", "
                + "source_sequence LONGTEXT, "
                + "source_tx_id BIGINT, "
                + "source_ts DATETIME(6), "
                + "source_stream_order " + MariaDbDialect.VERSION_TYPE + ", "
                + "updated_at DATETIME(6) NOT NULL, "
                + "PRIMARY KEY (connector_name, topic, kafka_partition)"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
        List<String> statements = new ArrayList<>();
        if (table.schema() != null) {
            statements.add("CREATE DATABASE IF NOT EXISTS " + dialect.quote(table.schema()));
        }
        statements.add(create);
        dialect.runDdl(connection, statements);
        if (!dialect.describe(connection, table).has("source_stream_order")) {
            // A table of the release before it.
            dialect.runDdl(connection, List.of("ALTER TABLE " + dialect.quote(table)
                    + " ADD COLUMN IF NOT EXISTS source_stream_order " + MariaDbDialect.VERSION_TYPE));
        }
    }

    @Override
    public Map<TopicPartition, Stored> load(Connection connection, Collection<TopicPartition> partitions)
            throws SQLException {
        return Watermarks.loadStored(connection, dialect.quote(table), connectorName, partitions);
    }

    @Override
    public void save(Connection connection, Collection<Progress> progress) throws SQLException {
        String further = "(VALUES(source_version) IS NOT NULL AND (source_version IS NULL"
                + " OR NOT (VALUES(source_server) <=> source_server) OR VALUES(source_version) > source_version))";
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(dialect.quote(table))
                .append(" (connector_name, topic, kafka_partition, next_offset, source_server, source_position,"
                        + " source_version, source_sequence, source_tx_id, source_ts, source_stream_order, updated_at) VALUES ")
                .append(String.join(", ", Collections.nCopies(progress.size(),
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))")))
                .append(" ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset), updated_at = VALUES(updated_at)")
                .append(", source_stream_order = ").append(Watermarks.furthestStreamOrder(
                        "VALUES(source_server) <=> source_server", "source_stream_order", "VALUES(source_server)",
                        "VALUES(source_stream_order)"));
        for (String column : List.of("source_position", "source_sequence", "source_tx_id", "source_ts",
                "source_version", "source_server")) {
            sql.append(", ").append(column).append(" = IF(").append(further).append(", VALUES(").append(column)
                    .append("), ").append(column).append(")");
        }
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = 1;
            for (Progress p : progress) {
                SourcePosition pos = p.lastPosition();
                ps.setString(i++, connectorName);
                ps.setString(i++, p.partition().topic());
                ps.setInt(i++, p.partition().partition());
                ps.setLong(i++, p.nextOffset());
                ps.setString(i++, pos == null ? null : pos.server());
                ps.setString(i++, pos == null ? null : pos.logPosition());
                ps.setBigDecimal(i++, pos == null ? null : MariaDbDialect.decimal(pos.rowVersion()));
                ps.setString(i++, pos == null ? null : pos.sequence());
                ps.setObject(i++, pos == null ? null : pos.txId());
                ps.setObject(i++, pos == null || pos.timestampMs() == null ? null
                        : LocalDateTime.ofEpochSecond(Math.floorDiv(pos.timestampMs(), 1000L),
                                (int) Math.floorMod(pos.timestampMs(), 1000L) * 1_000_000, ZoneOffset.UTC));
                ps.setBigDecimal(i++, p.streamOrder() == null ? null : MariaDbDialect.decimal(p.streamOrder()));
            }
            ps.executeUpdate();
        }
    }
}
