package io.tidemark.sink.dialect.postgres;

import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.PostgresSourcePosition;
import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;

import static io.tidemark.sink.dialect.postgres.Identifiers.quote;

/**
 * The watermark table in PostgreSQL. The position is kept twice: {@code source_position} in the source's notation for a person, {@code source_version}
 * as a number that orders it. A table created by a release that read only PostgreSQL has a {@code source_lsn pg_lsn}
 * column instead: the columns are added and filled from it, and it is still written (for PostgreSQL positions) so
 * that tasks of the older release, during a rolling upgrade, and queries written against it keep working.
 */
final class PostgresWatermarks implements Watermarks {

    /**
     * Whether a save carries a source position further on than the stored one: the source position columns show the
     * furthest change processed, so a re-published older change (or a batch without a position) does not move them
     * back, and apply latency ({@code updated_at - source_ts}) does not jump after a replay. A new source server
     * (a failover, a rebuilt source) starts over.
     */
    private static final String FURTHER = "(EXCLUDED.source_version IS NOT NULL AND (w.source_version IS NULL"
            + " OR EXCLUDED.source_server IS DISTINCT FROM w.source_server OR EXCLUDED.source_version > w.source_version))";

    private final PostgresDialect dialect;
    private final TableId table;
    private final String connectorName;
    /** Whether the table has the old layout's {@code source_lsn} column, known once {@link #createIfMissing} ran. */
    private boolean legacyLsn;

    PostgresWatermarks(PostgresDialect dialect, TableId table, String connectorName) {
        this.dialect = dialect;
        this.table = table;
        this.connectorName = connectorName;
    }

    @Override
    public void createIfMissing(Connection connection) throws SQLException {
        String create = "CREATE TABLE IF NOT EXISTS " + quote(table) + " ("
                + "connector_name text NOT NULL, "
                + "topic text NOT NULL, "
                + "kafka_partition integer NOT NULL, "
                + "next_offset bigint NOT NULL, "
                + "source_server text, "
                + "source_position text, "
                + "source_version " + PostgresDialect.VERSION_TYPE + ", "
                + "source_sequence text, "
                + "source_tx_id bigint, "
                + "source_ts timestamptz, "
                + "source_stream_order " + PostgresDialect.VERSION_TYPE + ", "
                + "updated_at timestamptz NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (connector_name, topic, kafka_partition))";
        if (table.schema() != null) {
            Ddl.run(connection, "CREATE SCHEMA IF NOT EXISTS " + quote(table.schema()), create);
        } else {
            Ddl.run(connection, create);
        }
        TableDefinition definition = dialect.describe(connection, table);
        legacyLsn = definition.has("source_lsn");
        if (legacyLsn && !definition.has("source_version")) {
            Ddl.run(connection, "ALTER TABLE " + quote(table) + " ADD COLUMN IF NOT EXISTS source_position text,"
                            + " ADD COLUMN IF NOT EXISTS source_version " + PostgresDialect.VERSION_TYPE,
                    "UPDATE " + quote(table) + " SET source_position = source_lsn::text,"
                            + " source_version = source_lsn - '0/0'::pg_lsn WHERE source_lsn IS NOT NULL");
        }
        if (!definition.has("source_stream_order")) {
            Ddl.run(connection, "ALTER TABLE " + quote(table) + " ADD COLUMN IF NOT EXISTS source_stream_order "
                    + PostgresDialect.VERSION_TYPE);
        }
        connection.commit();
    }

    @Override
    public Map<TopicPartition, Stored> load(Connection connection, Collection<TopicPartition> partitions)
            throws SQLException {
        return Watermarks.loadStored(connection, quote(table), connectorName, partitions);
    }

    @Override
    public void save(Connection connection, Collection<Progress> progress) throws SQLException {
        int n = progress.size();
        String[][] v = new String[legacyLsn ? 11 : 10][n];
        int i = 0;
        for (Progress p : progress) {
            SourcePosition pos = p.lastPosition();
            v[0][i] = p.partition().topic();
            v[1][i] = Integer.toString(p.partition().partition());
            v[2][i] = Long.toString(p.nextOffset());
            v[3][i] = pos == null ? null : pos.server();
            v[4][i] = pos == null ? null : pos.logPosition();
            v[5][i] = pos == null ? null : pos.sequence();
            v[6][i] = pos == null || pos.txId() == null ? null : pos.txId().toString();
            v[7][i] = pos == null || pos.timestampMs() == null ? null : pos.timestampMs().toString();
            v[8][i] = pos == null ? null : pos.rowVersion().decimal();
            v[9][i] = p.streamOrder() == null ? null : p.streamOrder().decimal();
            if (legacyLsn) {
                // The old layout's pg_lsn column holds PostgreSQL positions only: a binlog position leaves it NULL.
                v[10][i] = pos instanceof PostgresSourcePosition ? pos.logPosition() : null;
            }
            i++;
        }
        String lsn = legacyLsn ? ", source_lsn" : "";
        String sql = "INSERT INTO " + quote(table) + " AS w (connector_name, topic, kafka_partition, next_offset,"
                + " source_server, source_position, source_sequence, source_tx_id, source_ts, source_version,"
                + " source_stream_order" + lsn + ", updated_at)"
                + " SELECT ?, v.topic, v.part::integer, v.next::bigint, v.server, v.position, v.seq, v.tx::bigint,"
                + " to_timestamp(v.ts::double precision / 1000), v.version::numeric, v.stream::numeric"
                + (legacyLsn ? ", v.lsn::pg_lsn" : "") + ", now()"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::text[]" + (legacyLsn ? ", ?::text[]" : "") + ") AS v(topic, part, next, server, position,"
                + " seq, tx, ts, version, stream" + (legacyLsn ? ", lsn" : "") + ")"
                + " ON CONFLICT (connector_name, topic, kafka_partition) DO UPDATE SET"
                + " next_offset = EXCLUDED.next_offset,"
                + " source_stream_order = " + Watermarks.furthestStreamOrder(
                        "EXCLUDED.source_server IS NOT DISTINCT FROM w.source_server", "w.source_stream_order",
                        "EXCLUDED.source_server", "EXCLUDED.source_stream_order") + ","
                + " source_server = CASE WHEN " + FURTHER + " THEN EXCLUDED.source_server ELSE w.source_server END,"
                + " source_position = CASE WHEN " + FURTHER + " THEN EXCLUDED.source_position ELSE w.source_position END,"
                + " source_version = CASE WHEN " + FURTHER + " THEN EXCLUDED.source_version ELSE w.source_version END,"
                + (legacyLsn ? " source_lsn = CASE WHEN " + FURTHER + " THEN EXCLUDED.source_lsn ELSE w.source_lsn END," : "")
                + " source_sequence = CASE WHEN " + FURTHER + " THEN EXCLUDED.source_sequence ELSE w.source_sequence END,"
                + " source_tx_id = CASE WHEN " + FURTHER + " THEN EXCLUDED.source_tx_id ELSE w.source_tx_id END,"
                + " source_ts = CASE WHEN " + FURTHER + " THEN EXCLUDED.source_ts ELSE w.source_ts END,"
                + " updated_at = now()";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, connectorName);
            for (int c = 0; c < v.length; c++) {
                ps.setArray(c + 2, connection.createArrayOf("text", v[c]));
            }
            ps.executeUpdate();
        }
    }
}
