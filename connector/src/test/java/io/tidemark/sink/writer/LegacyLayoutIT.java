package io.tidemark.sink.writer;

import io.tidemark.sink.BinlogEvents;
import io.tidemark.sink.BinlogEvents.At;
import io.tidemark.sink.DebeziumEvents;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tables and watermark rows written by the release before binlog sources (PostgreSQL-only: {@code __source_lsn bigint}
 * row versions, a {@code source_lsn pg_lsn} watermark column) keep working: the sink goes on streaming into them from
 * the stored offsets with the same guard, and the watermark table gains the neutral columns.
 */
class LegacyLayoutIT {

    /** The DDL the previous release ran, verbatim, and the state it left after applying offsets 0..1. */
    private static final String[] OLD_RELEASE = {
            "CREATE TABLE items (id integer NOT NULL, name text, qty integer, __source_lsn bigint,"
                    + " __source_snapshot_lsn bigint, __deleted boolean NOT NULL DEFAULT false, PRIMARY KEY (id))",
            "CREATE TABLE items_audit (id integer NOT NULL, name text, qty integer, __op text, __source_lsn bigint,"
                    + " __source_sequence text, __source_tx_id bigint, __source_ts_ms bigint, __kafka_topic text,"
                    + " __kafka_partition integer, __kafka_offset bigint, PRIMARY KEY (id, __source_lsn, __op))",
            "CREATE TABLE cdc_watermark (connector_name text NOT NULL, topic text NOT NULL, kafka_partition integer NOT NULL,"
                    + " next_offset bigint NOT NULL, source_server text, source_lsn pg_lsn, source_sequence text,"
                    + " source_tx_id bigint, source_ts timestamptz, updated_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (connector_name, topic, kafka_partition))",
            "CREATE TABLE cdc_audit_events (connector_name text NOT NULL, table_name text NOT NULL, op text NOT NULL,"
                    + " source_lsn bigint NOT NULL, source_sequence text, source_tx_id bigint, source_ts_ms bigint,"
                    + " kafka_topic text NOT NULL, kafka_partition integer NOT NULL, kafka_offset bigint NOT NULL,"
                    + " recorded_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (connector_name, table_name, op, source_lsn))",
            "INSERT INTO items VALUES (1, 'a', 1, 256, NULL, false), (2, 'b', 2, 272, NULL, false)",
            "INSERT INTO cdc_watermark (connector_name, topic, kafka_partition, next_offset, source_server, source_lsn,"
                    + " source_tx_id) VALUES ('items-sink', '" + DebeziumEvents.TOPIC + "', 0, 2, 'shop', '0/110', 2)"};

    private String database;
    private final DebeziumEvents events = new DebeziumEvents();

    @BeforeEach
    void oldReleaseState(TestInfo test) {
        database = TestPostgres.createDatabase("legacy_" + test.getTestMethod().orElseThrow().getName().substring(0, 16));
        for (String sql : OLD_RELEASE) {
            Sql.execute(database, sql);
        }
    }

    private List<List<String>> items() {
        return Sql.queryAsText(database, "SELECT id, name, qty, __deleted, __source_lsn FROM items ORDER BY id");
    }

    @Test
    void streamingContinuesFromTheStoredOffsetWithTheSameGuard() {
        SinkRecord insert1 = events.insert(1, "a", 1, 0x100, 1);
        SinkRecord insert2 = events.insert(2, "b", 2, 0x110, 2);
        TestTarget upgraded = new TestTarget(database);
        assertThat(upgraded.durable).containsValue(2L);
        upgraded.apply(insert1, insert2, events.update(1, "a2", 10, 0x200, 3));
        upgraded.apply(events.reemit(insert2), events.delete(2, 0x300, 4), events.tombstone(2));
        assertThat(items()).containsExactly(List.of("1", "a2", "10", "f", "512"), List.of("2", "b", "2", "t", "768"));
        assertThat(upgraded.stale).as("the re-emitted insert, below the stored __source_lsn").isEqualTo(1);
        assertThat(Sql.queryAsText(database, "SELECT column_name FROM information_schema.columns"
                + " WHERE table_name = 'items' AND column_name LIKE '__source%'"))
                .as("the user's table is left as it was").containsExactlyInAnyOrder(List.of("__source_lsn"),
                        List.of("__source_snapshot_lsn"));
    }

    @Test
    void watermarkTableGainsTheNeutralColumnsAndKeepsItsLsnColumnUpToDate() {
        TestTarget upgraded = new TestTarget(database);
        assertThat(Sql.queryAsText(database, "SELECT next_offset, source_position, source_version, source_lsn::text"
                + " FROM cdc_watermark")).containsExactly(List.of("2", "0/110", "272", "0/110"));
        upgraded.apply(new DebeziumEvents(DebeziumEvents.TOPIC, 0, 2).update(1, "a2", 10, 0x200, 3));
        assertThat(Sql.queryAsText(database, "SELECT next_offset, source_position, source_version, source_lsn::text"
                + " FROM cdc_watermark")).containsExactly(List.of("3", "0/200", "512", "0/200"));
    }

    @Test
    void appendModeAndAuditEventsContinueInTheirOldTables() {
        TestTarget audit = new TestTarget(database, Map.of("mode", "append", "table.name.format", "${source.table}_audit",
                "name", "audit"));
        SinkRecord insert = events.insert(7, "x", 1, 0x500, 5);
        audit.apply(insert, events.truncate(0x600, 6));
        audit.apply(events.reemit(insert));
        assertThat(Sql.queryAsText(database, "SELECT id, __op, __source_lsn FROM items_audit"))
                .containsExactly(List.of("7", "c", "1280"));
        assertThat(Sql.queryAsText(database, "SELECT op, source_lsn FROM cdc_audit_events"))
                .containsExactly(List.of("t", "1536"));
    }

    @Test
    void binlogSourceIntoAnOldLayoutTableFailsNamingTheAlterThatFixesIt() {
        TestTarget target = new TestTarget(database, Map.of("name", "mysql-sink", "table.name.format", "items"));
        assertThatThrownBy(() -> target.apply(new BinlogEvents().insert(9, "m", 1, At.of("mysql-bin.000001", 4, 0))))
                .hasMessageContaining("bigint columns")
                .hasMessageContaining("ALTER TABLE \"items\" ALTER COLUMN __source_lsn TYPE numeric(38,0),"
                        + " ALTER COLUMN __source_snapshot_lsn TYPE numeric(38,0)");
    }
}
