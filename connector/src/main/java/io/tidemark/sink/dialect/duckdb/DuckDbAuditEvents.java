package io.tidemark.sink.dialect.duckdb;

import io.tidemark.sink.dialect.AuditEvents;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.SourcePosition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Append mode's audit events table in DuckDB; a change recorded before is left as it is. */
final class DuckDbAuditEvents implements AuditEvents {

    private final DuckDbDialect dialect;
    private final TableId table;
    private final String connectorName;
    private boolean ready;

    DuckDbAuditEvents(DuckDbDialect dialect, TableId table, String connectorName) {
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
            statements.add("CREATE SCHEMA IF NOT EXISTS " + dialect.quote(table.schema()));
        }
        statements.add("CREATE TABLE IF NOT EXISTS " + dialect.quote(table) + " ("
                + "connector_name VARCHAR NOT NULL, "
                + "table_name VARCHAR NOT NULL, "
                + "op VARCHAR NOT NULL, "
                + "source_version " + DuckDbDialect.VERSION_TYPE + " NOT NULL, "
                + "source_sequence VARCHAR, "
                + "source_tx_id BIGINT, "
                + "source_ts_ms BIGINT, "
                + "kafka_topic VARCHAR NOT NULL, "
                + "kafka_partition INTEGER NOT NULL, "
                + "kafka_offset BIGINT NOT NULL, "
                + "recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (connector_name, table_name, op, source_version))");
        dialect.runDdl(connection, statements);
        ready = true;
    }

    @Override
    public int record(Connection connection, TableId target, ChangeEvent change) throws SQLException {
        String sql = "INSERT INTO " + dialect.quote(table) + " (connector_name, table_name, op, source_version,"
                + " source_sequence, source_tx_id, source_ts_ms, kafka_topic, kafka_partition, kafka_offset)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
        SourcePosition position = change.position();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, connectorName);
            ps.setString(2, target.toString());
            ps.setString(3, String.valueOf(change.op().code()));
            ps.setBigDecimal(4, DuckDbDialect.decimal(position.rowVersion()));
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
