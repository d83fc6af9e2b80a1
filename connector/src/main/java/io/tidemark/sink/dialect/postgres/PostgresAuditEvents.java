package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.AuditEvents;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.SourcePosition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

import static io.tidemark.sink.dialect.postgres.Identifiers.quote;

/**
 * Append mode's audit events table in PostgreSQL. A table created by a release that read only PostgreSQL keeps its
 * {@code source_lsn bigint} column.
 */
final class PostgresAuditEvents implements AuditEvents {

    private final PostgresDialect dialect;
    private final TableId table;
    private final String connectorName;
    /** The position column, once the table is known: {@code source_version}, or {@code source_lsn} (old layout). */
    private String versionColumn;
    private TableDefinition definition;

    PostgresAuditEvents(PostgresDialect dialect, TableId table, String connectorName) {
        this.dialect = dialect;
        this.table = table;
        this.connectorName = connectorName;
    }

    @Override
    public void createIfMissing(Connection connection) throws SQLException {
        if (definition != null) {
            return;
        }
        String create = "CREATE TABLE IF NOT EXISTS " + quote(table) + " ("
                + "connector_name text NOT NULL, "
                + "table_name text NOT NULL, "
                + "op text NOT NULL, "
                + "source_version " + PostgresDialect.VERSION_TYPE + " NOT NULL, "
                + "source_sequence text, "
                + "source_tx_id bigint, "
                + "source_ts_ms bigint, "
                + "kafka_topic text NOT NULL, "
                + "kafka_partition integer NOT NULL, "
                + "kafka_offset bigint NOT NULL, "
                + "recorded_at timestamptz NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (connector_name, table_name, op, source_version))";
        if (table.schema() != null) {
            Ddl.run(connection, "CREATE SCHEMA IF NOT EXISTS " + quote(table.schema()), create);
        } else {
            Ddl.run(connection, create);
        }
        TableDefinition loaded = dialect.describe(connection, table);
        versionColumn = loaded.has("source_version") || !loaded.has("source_lsn") ? "source_version" : "source_lsn";
        definition = loaded;
        connection.commit();
    }

    @Override
    public int record(Connection connection, TableId target, ChangeEvent change) throws SQLException {
        String sql = "INSERT INTO " + quote(table) + " (connector_name, table_name, op, " + versionColumn
                + ", source_sequence, source_tx_id, source_ts_ms, kafka_topic, kafka_partition, kafka_offset)"
                + " VALUES (?, ?, ?, ?::" + definition.typeOf(versionColumn) + ", ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (connector_name, table_name, op, " + versionColumn + ") DO NOTHING";
        SourcePosition position = change.position();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, connectorName);
            ps.setString(2, target.toString());
            ps.setString(3, String.valueOf(change.op().code()));
            ps.setBigDecimal(4, VersionParameters.scalar(definition, versionColumn, position.rowVersion()));
            ps.setString(5, position.sequence());
            setLong(ps, 6, position.txId());
            setLong(ps, 7, position.timestampMs());
            ps.setString(8, change.partition().topic());
            ps.setInt(9, change.partition().partition());
            ps.setLong(10, change.offset());
            return ps.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
