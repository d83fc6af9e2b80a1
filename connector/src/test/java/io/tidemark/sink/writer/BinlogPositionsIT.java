package io.tidemark.sink.writer;

import io.tidemark.sink.BinlogEvents;
import io.tidemark.sink.BinlogEvents.At;
import io.tidemark.testkit.Sql;
import io.tidemark.testkit.TestPostgres;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MySQL/MariaDB binlog positions through the apply path into a real PostgreSQL: the per-row guard orders changes by
 * (file, pos, row) (docs/correctness.md §2.6), across binlog rotation, and the audit key stays unique per change.
 */
class BinlogPositionsIT {

    private static final String F3 = "mysql-bin.000003";

    private String database;
    private final BinlogEvents events = new BinlogEvents();

    @BeforeEach
    void newDatabase(TestInfo test) {
        database = TestPostgres.createDatabase("binlog_" + test.getTestMethod().orElseThrow().getName().substring(0, 16));
    }

    private List<List<String>> items() {
        return Sql.queryAsText(database, "SELECT id, name, qty, __deleted FROM items ORDER BY id");
    }

    @Test
    void replayedOlderBinlogChangesDoNotRegressARow() {
        TestTarget target = new TestTarget(database);
        SinkRecord insert = events.insert(1, "a", 1, At.of(F3, 100, 0));
        SinkRecord update = events.update(1, "b", 2, At.of(F3, 200, 0));
        target.apply(insert, update);
        target.apply(events.reemit(insert));
        target.apply(events.reemit(update));
        assertThat(items()).containsExactly(List.of("1", "b", "2", "f"));
        assertThat(target.stale).isEqualTo(2);
        assertThat(Sql.queryAsText(database, "SELECT __source_version, pg_typeof(__source_version)::text FROM items"))
                .containsExactly(List.of(BigInteger.valueOf(3).shiftLeft(64).add(BigInteger.valueOf(200).shiftLeft(32))
                        .toString(), "numeric"));
    }

    @Test
    void changesStayOrderedAcrossBinlogRotation() {
        TestTarget target = new TestTarget(database);
        SinkRecord late = events.update(1, "in 9", 9, At.of("mysql-bin.000009", 4_000_000_000L, 0));
        target.apply(events.insert(1, "a", 1, At.of("mysql-bin.000009", 300, 0)), late);
        target.apply(events.update(1, "in 10", 10, At.of("mysql-bin.000010", 4, 0)));
        target.apply(events.reemit(late));
        assertThat(items()).containsExactly(List.of("1", "in 10", "10", "f"));
    }

    @Test
    void rowsOfOneRowsEventAreOrderedByTheirRowIndex() {
        TestTarget target = new TestTarget(database);
        SinkRecord first = events.update(1, "row 0", 0, At.of(F3, 500, 0));
        SinkRecord second = events.update(1, "row 1", 1, At.of(F3, 500, 1));
        target.apply(first, second);
        target.apply(events.reemit(first));
        assertThat(items()).containsExactly(List.of("1", "row 1", "1", "f"));
    }

    @Test
    void streamedChangesAfterTheSnapshotPointApplyOverSnapshotRowsAndOlderImagesDoNot() {
        TestTarget target = new TestTarget(database);
        target.apply(events.snapshot(1, "snap", 1, At.of(F3, 1000, 0)), events.snapshot(2, "snap", 2, At.of(F3, 1000, 0)));
        target.apply(events.update(1, "streamed", 10, At.of(F3, 1500, 0)));
        target.apply(events.snapshot(1, "older image", 1, At.of(F3, 1000, 0)));
        target.apply(events.delete(2, At.of(F3, 1600, 0)));
        assertThat(items()).containsExactly(List.of("1", "streamed", "10", "f"), List.of("2", "snap", "2", "t"));
    }

    @Test
    void incrementalReadAppliesAndKeepsTheStreamedVersion() {
        TestTarget target = new TestTarget(database);
        SinkRecord update = events.update(1, "streamed", 2, At.of(F3, 200, 0));
        target.apply(events.insert(1, "a", 1, At.of(F3, 100, 0)), update);
        target.apply(events.incremental(1, "chunk", 3, At.of(F3, 900, 0)));
        target.apply(events.reemit(update));
        assertThat(items()).containsExactly(List.of("1", "chunk", "3", "f"));
    }

    @Test
    void appendModeKeepsEachChangeOfAPrimaryKeyUpdateOnceAtItsBinlogPosition() {
        TestTarget audit = new TestTarget(database, Map.of("mode", "append", "table.name.format", "${source.table}_audit"));
        SinkRecord delete = events.delete(1, At.of(F3, 700, 0));
        SinkRecord create = events.insert(2, "moved", 1, At.of(F3, 700, 0));
        SinkRecord other = events.insert(3, "other row of the event", 1, At.of(F3, 700, 1));
        audit.apply(events.insert(1, "a", 1, At.of(F3, 600, 0)), delete, create, other);
        audit.apply(events.reemit(delete), events.reemit(create), events.reemit(other));
        assertThat(Sql.queryAsText(database, "SELECT id, __op FROM items_audit ORDER BY __source_version, id"))
                .containsExactly(List.of("1", "c"), List.of("1", "d"), List.of("2", "c"), List.of("3", "c"));
    }

    @Test
    void watermarkShowsTheBinlogPositionInItsOwnNotation() {
        TestTarget target = new TestTarget(database);
        target.apply(events.insert(1, "a", 1, At.of(F3, 4711, 2)));
        assertThat(Sql.queryAsText(database, "SELECT topic, source_server, source_position, source_tx_id FROM cdc_watermark"))
                .containsExactly(Arrays.asList(BinlogEvents.TOPIC, "shop", F3 + ":4711:2", null));
    }
}
