package io.tidemark.sink.dialect.mariadb;

import io.tidemark.sink.dialect.AuditEvents;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.SourcePosition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Append mode's audit events table in MariaDB; a change recorded before is left as it is. */
final class MariaDbAuditEvents implements AuditEvents {

    private final MariaDbDialect dialect;
    private final TableId table;
    private final String connectorName;
    private boolean ready;

    MariaDbAuditEvents(MariaDbDialect dialect, TableId table, String connectorName) {
        this.dialect = dialect;
        this.table = table;
        this.connectorName = connectorName;
    }

    @Override
    public void createIfMissing(Connection connection) throws SQLException {
        if (ready) {
            return;
        }
        List<String> statements = new ArrayList<>();
        if (table.schema() != null) {
            statements.add("CREATE DATABASE IF NOT EXISTS " + dialect.quote(table.schema()));
        }
        statements.add("CREATE TABLE IF NOT EXISTS " + dialect.quote(table) + " ("
                + "connector_name VARCHAR(255) NOT NULL, "
                + "table_name VARCHAR(255) NOT NULL, "
                + "op VARCHAR(1) NOT NULL, "
                + "source_version " + MariaDbDialect.VERSION_TYPE + " NOT NULL, "
                + "source_sequence LONGTEXT, "
                + "source_tx_id BIGINT, "
                + "source_ts_ms BIGINT, "
                + "kafka_topic VARCHAR(255) NOT NULL, "
                + "kafka_partition INT NOT NULL, "
                + "kafka_offset BIGINT NOT NULL, "
                + "recorded_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6), "
                + "PRIMARY KEY (connector_name, table_name, op, source_version)"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
        dialect.runDdl(connection, statements);
        ready = true;
    }

    @Override
    public int record(Connection connection, TableId target, ChangeEvent change) throws SQLException {
        String sql = "INSERT INTO " + dialect.quote(table) + " (connector_name, table_name, op, source_version,"
                + " source_sequence, source_tx_id, source_ts_ms, kafka_topic, kafka_partition, kafka_offset)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE op = op";
        SourcePosition position = change.position();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, connectorName);
            ps.setString(2, target.toString());
            ps.setString(3, String.valueOf(change.op().code()));
            ps.setBigDecimal(4, MariaDbDialect.decimal(position.rowVersion()));
            ps.setString(5, position.sequence());
            ps.setObject(6, position.txId());
            ps.setObject(7, position.timestampMs());
            ps.setString(8, change.partition().topic());
            ps.setInt(9, change.partition().partition());
            ps.setLong(10, change.offset());
            return ps.executeUpdate();
        }
    }
}
