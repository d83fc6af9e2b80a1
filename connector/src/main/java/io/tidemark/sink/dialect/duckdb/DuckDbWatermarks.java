package io.tidemark.sink.dialect.duckdb;

import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The watermark table in DuckDB, with the columns and the rule of the PostgreSQL one: the position columns move only
 * further on ({@link Watermarks#save}); times are {@code TIMESTAMPTZ}.
 */
final class DuckDbWatermarks implements Watermarks {

    /** Whether the incoming save carries a source position further on than the stored one, or of another server. */
    private static final String FURTHER = "(EXCLUDED.source_version IS NOT NULL AND (w.source_version IS NULL"
            + " OR EXCLUDED.source_server IS DISTINCT FROM w.source_server OR EXCLUDED.source_version > w.source_version))";
    private static final List<String> STAGED = List.of("VARCHAR", "INTEGER", "BIGINT", "VARCHAR", "VARCHAR",
            DuckDbDialect.VERSION_TYPE, "VARCHAR", "BIGINT", "TIMESTAMPTZ");

    private final DuckDbDialect dialect;
    private final TableId table;
    private final String connectorName;

    DuckDbWatermarks(DuckDbDialect dialect, TableId table, String connectorName) {
        this.dialect = dialect;
        this.table = table;
        this.connectorName = connectorName;
    }

    @Override
    public void createIfMissing(Connection connection) throws SQLException {
        List<String> statements = new ArrayList<>();
        if (table.schema() != null) {
            statements.add("CREATE SCHEMA IF NOT EXISTS " + dialect.quote(table.schema()));
        }
        statements.add("CREATE TABLE IF NOT EXISTS " + dialect.quote(table) + " ("
                + "connector_name VARCHAR NOT NULL, "
                + "topic VARCHAR NOT NULL, "
                + "kafka_partition INTEGER NOT NULL, "
                + "next_offset BIGINT NOT NULL, "
                + "source_server VARCHAR, "
                + "source_position VARCHAR, "
                + "source_version " + DuckDbDialect.VERSION_TYPE + ", "
                + "source_sequence VARCHAR, "
                + "source_tx_id BIGINT, "
                + "source_ts TIMESTAMPTZ, "
                + "updated_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (connector_name, topic, kafka_partition))");
        dialect.runDdl(connection, statements);
    }

    @Override
    public Map<TopicPartition, Long> load(Connection connection, Collection<TopicPartition> partitions)
            throws SQLException {
        return Watermarks.loadNextOffsets(connection, dialect.quote(table), connectorName, partitions);
    }

    @Override
    public void save(Connection connection, Collection<Progress> progress) throws SQLException {
        List<Progress> rows = List.copyOf(progress);
        StagingTable.fill(connection, STAGED, rows.size(), row -> {
            Progress p = rows.get(row);
            SourcePosition pos = p.lastPosition();
            return new Object[] {p.partition().topic(), p.partition().partition(), p.nextOffset(),
                    pos == null ? null : pos.server(), pos == null ? null : pos.logPosition(),
                    pos == null ? null : DuckDbDialect.decimal(pos.rowVersion()), pos == null ? null : pos.sequence(),
                    pos == null ? null : pos.txId(), pos == null || pos.timestampMs() == null ? null
                    : OffsetDateTime.ofInstant(Instant.ofEpochMilli(pos.timestampMs()), ZoneOffset.UTC)};
        });
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(dialect.quote(table))
                .append(" AS w (connector_name, topic, kafka_partition, next_offset, source_server, source_position,"
                        + " source_version, source_sequence, source_tx_id, source_ts, updated_at)"
                        + " SELECT ?, s.c0, s.c1, s.c2, s.c3, s.c4, s.c5, s.c6, s.c7, s.c8, now() FROM ")
                .append(StagingTable.FROM)
                .append(" ON CONFLICT (connector_name, topic, kafka_partition) DO UPDATE SET"
                        + " next_offset = EXCLUDED.next_offset, updated_at = now()");
        for (String column : List.of("source_server", "source_position", "source_version", "source_sequence",
                "source_tx_id", "source_ts")) {
            sql.append(", ").append(column).append(" = CASE WHEN ").append(FURTHER).append(" THEN EXCLUDED.")
                    .append(column).append(" ELSE w.").append(column).append(" END");
        }
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            ps.setString(1, connectorName);
            ps.executeUpdate();
        }
    }
}
