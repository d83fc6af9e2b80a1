package io.tidemark.sink.writer;

import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.FakeSinkTaskContext;
import io.tidemark.sink.IdempotentJdbcSinkTask;
import io.tidemark.testkit.Await;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.tidemark.sink.DebeziumEvents.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the sink guarantees on every target, run against each one's real server (one concrete class per target): the
 * apply path and the position guard fed with Debezium-shaped records in the orders Debezium really produces (replays,
 * re-emission, interleaved transactions, snapshot spans, primary-key updates, unchanged TOAST values), both delete
 * modes, append mode, schema evolution and hostile identifiers.
 */
public abstract class TargetBehaviourIT {

    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final String PLACEHOLDER = "__debezium_unavailable_value";

    private TargetDatabase db;
    private String database;
    private final DebeziumEvents events = new DebeziumEvents();

    /** The target under test. */
    protected abstract TargetDatabase target();

    @BeforeEach
    void newDatabase(TestInfo test) {
        db = target();
        database = db.createDatabase(test.getTestMethod().orElseThrow().getName().substring(0, 20));
    }

    /** The test's database. */
    protected final String database() {
        return database;
    }

    private TestTarget sink(Map<String, String> overrides) {
        return new TestTarget(db, database, overrides);
    }

    private TestTarget sink() {
        return sink(Map.of());
    }

    private List<List<String>> query(String sql) {
        return db.query(database, sql);
    }

    private long count(String sql) {
        return db.count(database, sql);
    }

    /** Booleans as t/f whatever the target's boolean type reads as. */
    private static String flag(String predicate) {
        return "CASE WHEN " + predicate + " THEN 't' ELSE 'f' END";
    }

    private List<List<String>> items() {
        return query("SELECT id, name, qty, " + flag("__deleted") + " FROM items ORDER BY id");
    }

    private static List<String> row(Object... values) {
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            out.add(v == null ? null : v.toString());
        }
        return out;
    }

    @Test
    void createsTableAndAppliesInsertsUpdatesAndSoftDeletes() {
        TestTarget target = sink();
        target.apply(events.insert(1, "a", 1, 100, 1), events.insert(2, "b", 2, 110, 1), events.insert(3, "c", 3, 120, 1));
        target.apply(events.update(2, "b2", 20, 130, 2), events.delete(3, 140, 3), events.tombstone(3));
        assertThat(items()).containsExactly(row(1, "a", 1, "f"), row(2, "b2", 20, "f"), row(3, "c", 3, "t"));
        assertThat(db.primaryKey(database, "items")).containsExactly("id");
    }

    @Test
    void kafkaRedeliveryAfterRestartAppliesNothingTwice() {
        TestTarget first = sink();
        SinkRecord[] batch = {events.insert(1, "a", 1, 100, 1), events.update(1, "a2", 2, 110, 2)};
        first.apply(batch);
        db.execute(database, "UPDATE items SET qty = 99 WHERE id = 1");
        // A restarted task reads the stored offsets; the same records redelivered are skipped whole.
        TestTarget restarted = sink();
        assertThat(restarted.durable).containsEntry(TP, 2L);
        ChangeApplier.Result result = restarted.apply(batch);
        assertThat(result.skippedRedelivered()).isEqualTo(2);
        assertThat(items()).containsExactly(row(1, "a2", 99, "f"));
    }

    @Test
    void debeziumReemissionNeverRegressesARow() {
        TestTarget target = sink();
        SinkRecord insert = events.insert(1, "a", 1, 100, 1);
        SinkRecord update = events.update(1, "a2", 2, 110, 2);
        target.apply(insert, update);
        // Debezium restarts from an older offset and publishes both again, at new Kafka offsets.
        target.apply(events.reemit(insert));
        assertThat(items()).containsExactly(row(1, "a2", 2, "f"));
        target.apply(events.reemit(update));
        assertThat(items()).containsExactly(row(1, "a2", 2, "f"));
        assertThat(target.stale).isEqualTo(2);
    }

    @Test
    void interleavedTransactionsWithFallingLsnsAreAllApplied() {
        TestTarget target = sink();
        target.apply(events.insert(1, "a", 1, 100, 1), events.insert(2, "b", 1, 101, 1), events.insert(3, "c", 1, 102, 1));
        // T1 opens first (change LSNs 200, 230) but commits after T2 (change LSN 210): pgoutput emits T2 first.
        target.apply(events.update(3, "t2", 2, 210, 11));
        target.apply(events.update(1, "t1", 3, 200, 10), events.update(2, "t1", 3, 230, 10));
        assertThat(items()).containsExactly(row(1, "t1", 3, "f"), row(2, "t1", 3, "f"), row(3, "t2", 2, "f"));
    }

    @Test
    void transactionSpanningTheSnapshotPointOverwritesSnapshotRows() {
        TestTarget target = sink();
        target.apply(events.snapshot(1, "snap", 1, 500), events.snapshot(2, "snap", 1, 500));
        // Began before the snapshot point (lower change LSN), committed after it: newer than the snapshot image.
        target.apply(events.update(1, "span", 2, 450, 7), events.delete(2, 460, 7));
        assertThat(items()).containsExactly(row(1, "span", 2, "f"), row(2, "snap", 1, "t"));
        // A later re-snapshot supersedes streamed rows below its point.
        target.apply(events.snapshot(1, "resnap", 9, 900));
        assertThat(items().get(0)).isEqualTo(row(1, "resnap", 9, "f"));
    }

    @Test
    void incrementalReadAppliesOverOlderStateAndATransactionOpenAcrossTheChunkStillWins() {
        TestTarget target = sink();
        target.apply(events.insert(1, "a", 1, 30, 1), events.snapshot(2, "snap", 1, 50), events.insert(3, "c", 1, 35, 2));
        // The chunk (window closed at 100) holds rows 1-3 as of its select; row 3 was deleted at the source after it.
        target.apply(events.incremental(1, "chunk", 2, 100), events.incremental(2, "chunk", 2, 100),
                events.incremental(3, "chunk", 2, 100));
        assertThat(items()).containsExactly(row(1, "chunk", 2, "f"), row(2, "chunk", 2, "f"), row(3, "chunk", 2, "f"));
        // A transaction that changed row 1 before the select and committed after the window: a lower LSN than the
        // close marker, streamed after the chunk row, newer. The insert of row 1 re-emitted afterwards stays old.
        target.apply(events.update(1, "open across the chunk", 3, 40, 7), events.delete(3, 45, 8),
                events.reemit(events.insert(1, "a", 1, 30, 1)));
        assertThat(items()).containsExactly(row(1, "open across the chunk", 3, "f"), row(2, "chunk", 2, "f"),
                row(3, "chunk", 2, "t"));
        assertThat(query("SELECT id, __source_version, __source_snapshot_version FROM items WHERE id = 2"))
                .as("the incremental read kept the snapshot point").containsExactly(row(2, null, 50));
    }

    @Test
    void appendModeRecordsEachIncrementalReadOnceUnderItsCloseMarker() {
        TestTarget audit = sink(Map.of("mode", "append", "table.name.format", "${source.table}_audit", "name", "audit"));
        SinkRecord read = events.incremental(1, "chunk", 1, 100);
        audit.apply(read, events.incremental(1, "read again", 2, 140));
        audit.apply(events.reemit(read));
        assertThat(query("SELECT id, name, __op, __source_version FROM items_audit ORDER BY __kafka_offset"))
                .containsExactly(row(1, "chunk", "r", 100), row(1, "read again", "r", 140));
    }

    @Test
    void truncateSoftDeletesEveryOlderRowKeepsLaterOnesAndIsIdempotentWhenReemitted() {
        TestTarget target = sink();
        target.apply(events.snapshot(1, "snap", 1, 50), events.insert(2, "b", 1, 100, 1), events.insert(3, "c", 1, 110, 2));
        SinkRecord truncate = events.truncate(200, 3);
        // Rows 1 and 2 again after the truncate, in the same transaction.
        target.apply(truncate, events.insert(1, "after", 2, 300, 4));
        target.apply(events.insert(2, "after", 2, 310, 5));
        assertThat(items()).containsExactly(row(1, "after", 2, "f"), row(2, "after", 2, "f"), row(3, "c", 1, "t"));
        // Re-emitted: the insert of row 3 before it stays old (the truncate's LSN is the row's version), and the
        // truncate itself leaves the rows written after it.
        target.apply(events.reemit(events.insert(3, "c", 1, 110, 2)), events.reemit(truncate));
        assertThat(items()).containsExactly(row(1, "after", 2, "f"), row(2, "after", 2, "f"), row(3, "c", 1, "t"));
    }

    @Test
    void truncateWithHardDeleteRemovesOlderRowsAndATruncateOfAMissingTableIsANoOp() {
        TestTarget target = sink(Map.of("delete.mode", "hard"));
        target.apply(events.truncate(50, 1));
        assertThat(db.tableExists(database, "items")).isFalse();
        target.apply(events.insert(1, "a", 1, 100, 2), events.insert(2, "b", 1, 110, 2), events.truncate(200, 3),
                events.insert(2, "after", 2, 300, 4));
        assertThat(query("SELECT id, name FROM items ORDER BY id")).containsExactly(List.of("2", "after"));
    }

    @Test
    void appendModeRecordsATruncateOnceInTheAuditEventsTable() {
        TestTarget audit = sink(Map.of("mode", "append", "table.name.format", "${source.table}_audit", "name", "audit"));
        SinkRecord insert = events.insert(1, "a", 1, 100, 1);
        SinkRecord truncate = events.truncate(200, 3);
        audit.apply(insert, truncate);
        audit.apply(events.reemit(truncate));
        assertThat(query("SELECT connector_name, table_name, op, source_version, source_tx_id, kafka_offset"
                + " FROM cdc_audit_events")).containsExactly(row("audit", "items_audit", "t", 200, 3, 1));
        assertThat(count("SELECT count(*) FROM items_audit")).isEqualTo(1);
    }

    @Test
    void completedResnapshotDeletesRowsItDidNotContainAndKeepsNewerOnes() {
        TestTarget target = sink();
        target.apply(events.snapshot(6, "old snapshot", 1, 50), events.insert(1, "a", 1, 100, 1),
                events.insert(2, "b", 1, 110, 2), events.insert(3, "c", 1, 120, 3), events.insert(4, "d", 1, 130, 4),
                events.insert(5, "e", 1, 140, 5));
        // Rows 4 and 6 were deleted at the source while the connector had lost its offsets; row 5 was changed by a
        // transaction that committed after the snapshot began (its LSN above the point), already streamed.
        target.apply(events.update(5, "after the point", 2, 600, 6));
        target.apply(events.snapshot(1, "a", 1, 500), events.snapshot(2, "b", 1, 500));
        assertThat(items()).as("a snapshot still under way deletes nothing").hasSize(6).allMatch(r -> r.get(3).equals("f"));
        target.apply(events.lastSnapshotRead(3, "c", 1, 500));
        assertThat(items()).containsExactly(row(1, "a", 1, "f"), row(2, "b", 1, "f"), row(3, "c", 1, "f"),
                row(4, "d", 1, "t"), row(5, "after the point", 2, "f"), row(6, "old snapshot", 1, "t"));
        // A transaction open across the snapshot point that re-inserts row 4: below the point, streamed after it.
        target.apply(events.insert(4, "open across the snapshot", 3, 450, 7));
        assertThat(items().get(3)).isEqualTo(row(4, "open across the snapshot", 3, "f"));
    }

    @Test
    void completedResnapshotWithHardDeleteRemovesRowsItDidNotContain() {
        TestTarget target = sink(Map.of("delete.mode", "hard"));
        target.apply(events.insert(1, "a", 1, 100, 1), events.insert(2, "b", 1, 110, 2), events.insert(3, "c", 1, 120, 3));
        target.apply(events.snapshot(1, "a", 1, 500), events.lastSnapshotRead(3, "c", 1, 500), events.insert(7, "g", 1, 510, 4));
        assertThat(query("SELECT id, name FROM items ORDER BY id"))
                .containsExactly(List.of("1", "a"), List.of("3", "c"), List.of("7", "g"));
    }

    @Test
    void snapshotReconcileOffOrATableFedFromTwoTopicsDeletesNothing() {
        TestTarget off = sink(Map.of("snapshot.reconcile", "false", "name", "off", "table.name.format", "off"));
        off.apply(events.insert(1, "a", 1, 100, 1), events.lastSnapshotRead(2, "b", 1, 500));
        assertThat(count("SELECT count(*) FROM off WHERE NOT __deleted")).isEqualTo(2);

        TestTarget shared = sink(Map.of("name", "shared", "table.name.format", "shared"));
        DebeziumEvents other = new DebeziumEvents("shop.other.items", 0, 0);
        shared.apply(other.insert(10, "from another topic", 1, 100, 1));
        shared.apply(events.insert(1, "a", 1, 100, 1), events.lastSnapshotRead(2, "b", 1, 500));
        assertThat(count("SELECT count(*) FROM shared WHERE NOT __deleted")).isEqualTo(3);
    }

    @Test
    void appendModeRecordsACompletedSnapshotInTheAuditEventsTable() {
        TestTarget audit = sink(Map.of("mode", "append", "table.name.format", "${source.table}_audit", "name", "audit"));
        SinkRecord last = events.lastSnapshotRead(1, "a", 1, 500);
        audit.apply(last);
        audit.apply(events.reemit(last));
        assertThat(query("SELECT table_name, op, source_version FROM cdc_audit_events"))
                .containsExactly(row("items_audit", "s", 500));
        assertThat(count("SELECT count(*) FROM items_audit")).isEqualTo(1);
    }

    @Test
    void changeEventsResolvingToTheSinksOwnTablesAreRefused() {
        for (String own : List.of("cdc_watermark", "cdc_audit_events")) {
            TestTarget target = sink(Map.of("table.name.format", own, "name", "own" + own.length()));
            assertThatThrownBy(() -> target.apply(events.insert(1, "a", 1, 100, 1)))
                    .hasMessageContaining("the sink's own watermark.table or audit.events.table");
        }
    }

    @Test
    void unchangedToastPlaceholderNeverOverwritesTheStoredValue() {
        TestTarget target = sink();
        String big = "x".repeat(10_000);
        target.apply(events.insert(1, big, 1, 100, 1));
        target.apply(events.update(1, PLACEHOLDER, 2, 110, 2));
        assertThat(query("SELECT length(name), qty FROM items")).containsExactly(List.of("10000", "2"));
    }

    @Test
    void primaryKeyUpdateMovesTheRow() {
        TestTarget target = sink();
        target.apply(events.insert(1, "a", 1, 100, 1));
        // Debezium emits delete(old key) + tombstone + create(new key), all at the same LSN.
        target.apply(events.delete(1, 200, 2), events.tombstone(1), events.insert(5, "a", 1, 200, 2));
        assertThat(items()).containsExactly(row(1, "a", 1, "t"), row(5, "a", 1, "f"));
    }

    @Test
    void softDeletedRowIsNotResurrectedByAReemittedInsert() {
        TestTarget target = sink();
        SinkRecord insert = events.insert(1, "a", 1, 100, 1);
        target.apply(insert, events.delete(1, 110, 2));
        target.apply(events.reemit(insert));
        assertThat(items()).containsExactly(row(1, "a", 1, "t"));
    }

    @Test
    void hardDeleteRemovesTheRowAndOnlyForNewerDeletes() {
        TestTarget target = sink(Map.of("delete.mode", "hard"));
        target.apply(events.snapshot(1, "a", 1, 500), events.snapshot(2, "b", 1, 500));
        target.apply(events.delete(1, 450, 3), events.update(2, "b2", 2, 600, 4));
        target.apply(events.delete(2, 550, 5));
        assertThat(query("SELECT id, name FROM items ORDER BY id")).containsExactly(List.of("2", "b2"));
        assertThat(db.columns(database, "items")).doesNotContain("__deleted");
    }

    @Test
    void transactionsEqualOneByOneApplicationForRandomisedStreams() {
        Random random = new Random(7);
        List<SinkRecord> stream = events.randomStream(random, 600, 40);
        TestTarget batched = sink(Map.of("table.name.format", "batched", "name", "batched"));
        for (int from = 0; from < stream.size(); ) {
            int to = Math.min(stream.size(), from + 1 + random.nextInt(120));
            batched.apply(stream.subList(from, to).toArray(SinkRecord[]::new));
            from = to;
        }
        TestTarget oneByOne = sink(Map.of("table.name.format", "single", "name", "single"));
        stream.forEach(oneByOne::apply);
        String columns = "id, name, qty, __deleted, __source_version, __source_snapshot_version";
        assertThat(query("SELECT " + columns + " FROM batched ORDER BY id"))
                .isEqualTo(query("SELECT " + columns + " FROM single ORDER BY id"))
                .hasSizeGreaterThan(30);
    }

    @Test
    void afterAResnapshotReplayedOlderChangesDoNotRegressButNewerOnesApply() {
        TestTarget target = sink();
        SinkRecord older = events.update(1, "v110", 1, 110, 2);
        SinkRecord newest = events.update(1, "v120", 2, 120, 3);
        target.apply(events.insert(1, "v100", 0, 100, 1), older, newest);
        // snapshot.mode=always: every row again at a new snapshot point, then the stream resumes from an
        // older offset and replays changes the snapshot already contains.
        target.apply(events.snapshot(1, "snapshot", 2, 200));
        target.apply(events.reemit(older), events.reemit(newest));
        assertThat(items()).containsExactly(row(1, "snapshot", 2, "f"));
        // A transaction open across the snapshot point: below it, above the row's last change.
        target.apply(events.update(1, "span", 3, 150, 4));
        assertThat(items()).containsExactly(row(1, "span", 3, "f"));
    }

    @Test
    void watermarkTableShowsOffsetAndSourcePositionPerPartition() {
        TestTarget target = sink();
        target.apply(events.insert(1, "a", 1, 0x16B3748L, 42), events.tombstone(9));
        assertThat(query("SELECT connector_name, topic, kafka_partition, next_offset, source_server,"
                + " source_position, source_version, source_tx_id, " + flag("source_ts IS NOT NULL") + " FROM cdc_watermark"))
                .containsExactly(List.of("items-sink", TOPIC, "0", "2", "shop", "0/16B3748", "23803720", "42", "t"));
    }

    @Test
    void watermarkSourcePositionDoesNotMoveBackWhenOlderChangesAreRepublished() {
        TestTarget target = sink();
        SinkRecord older = events.update(1, "b", 2, 0x200L, 43);
        target.apply(events.insert(1, "a", 1, 0x100L, 42), older, events.update(1, "c", 3, 0x300L, 44));
        target.apply(events.reemit(older));
        assertThat(query("SELECT next_offset, source_position, source_tx_id FROM cdc_watermark"))
                .containsExactly(List.of("4", "0/300", "44"));
    }

    @Test
    void newColumnAtTheSourceIsAddedToTheTarget() {
        TestTarget target = sink();
        target.apply(events.insert(1, "a", 1, 100, 1));
        Schema wider = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA).field("qty", Schema.OPTIONAL_INT32_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA).build();
        SinkRecord template = events.insert(2, "b", 2, 110, 2);
        Struct envelope = (Struct) template.value();
        Schema envelopeSchema = SchemaBuilder.struct().field("before", wider).field("after", wider)
                .field("source", DebeziumEvents.SOURCE).field("op", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(envelopeSchema).put("after", new Struct(wider).put("id", 2).put("name", "b")
                .put("qty", 2).put("note", "hello")).put("source", envelope.getStruct("source")).put("op", "c");
        target.apply(new SinkRecord(TOPIC, 0, template.keySchema(), template.key(), envelopeSchema, value, 10));
        assertThat(query("SELECT id, note FROM items ORDER BY id"))
                .containsExactly(row(1, null), row(2, "hello"));
    }

    @Test
    void missingTableWithoutAutoCreateFailsNamingTheTable() {
        TestTarget target = sink(Map.of("auto.create", "false"));
        assertThatThrownBy(() -> target.apply(events.insert(1, "a", 1, 100, 1)))
                .isInstanceOf(ConnectException.class).hasMessageContaining("items").hasMessageContaining("auto.create=false");
        assertThat(count("SELECT count(*) FROM cdc_watermark")).isZero();
    }

    @Test
    void schemaEvolutionNoneNeverAltersATable() {
        db.execute(database, "CREATE TABLE items (id integer PRIMARY KEY, name text)");
        TestTarget target = sink(Map.of("schema.evolution", "none"));
        assertThatThrownBy(() -> target.apply(events.insert(1, "a", 1, 100, 1)))
                .hasMessageContaining("qty").hasMessageContaining("schema.evolution=none").hasMessageContaining("ALTER TABLE");
        assertThat(db.columns(database, "items")).containsExactly("id", "name");
    }

    @Test
    void hostileTableAndColumnNamesAreDataNotSql() {
        db.execute(database, "CREATE TABLE canary (id int)");
        String evil = "items\"; DROP TABLE canary; --";
        TestTarget target = sink(Map.of("table.name.format", evil));
        target.apply(events.insert(1, "a", 1, 100, 1));
        assertThat(count("SELECT count(*) FROM " + db.quote(evil))).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM canary")).isZero();
    }

    @Test
    void appendModeWritesOneAuditRowPerChangeAndReplaysAddNothing() {
        TestTarget audit = sink(Map.of("mode", "append", "table.name.format", "${source.table}_audit", "name", "audit"));
        SinkRecord insert = events.insert(1, "a", 1, 100, 1);
        SinkRecord update = events.update(1, PLACEHOLDER, 2, 110, 2);
        audit.apply(events.snapshot(2, "s", 5, 90), insert, update, events.delete(1, 120, 3), events.tombstone(1));
        audit.apply(events.reemit(insert), events.reemit(update));
        assertThat(query("SELECT id, name, qty, __op, __source_version, __source_tx_id, __kafka_offset"
                + " FROM items_audit ORDER BY __kafka_offset")).containsExactly(
                row(1, "a", 1, "c", 100, 1, 0), row(1, null, 2, "u", 110, 2, 1), row(2, "s", 5, "r", 90, null, 2),
                row(1, null, null, "d", 120, 3, 3));
        assertThat(query("SELECT count(*) FROM items_audit WHERE name = '" + PLACEHOLDER + "'"))
                .containsExactly(List.of("0"));
    }

    @Test
    void mergeAndAppendConnectorsOnTheSameTopicDoNotInterfere() {
        TestTarget merge = sink(Map.of("name", "merge"));
        TestTarget audit = sink(Map.of("mode", "append", "table.name.format", "${source.table}_audit", "name", "audit"));
        SinkRecord[] stream = {events.insert(1, "a", 1, 100, 1), events.update(1, "b", 2, 110, 2), events.delete(1, 120, 3)};
        merge.apply(stream);
        audit.apply(stream);
        assertThat(items()).containsExactly(row(1, "b", 2, "t"));
        assertThat(count("SELECT count(*) FROM items_audit")).isEqualTo(3);
        assertThat(query("SELECT connector_name, next_offset FROM cdc_watermark ORDER BY 1"))
                .containsExactly(row("audit", 3), row("merge", 3));
    }

    @Test
    void columnDroppedAtTheSourceIsKeptAndFilledWithNull() {
        TestTarget target = sink();
        target.apply(events.insert(1, "a", 1, 100, 1), events.insert(2, "b", 2, 101, 1));
        Schema narrower = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA)
                .field("qty", Schema.OPTIONAL_INT32_SCHEMA).build();
        SinkRecord template = events.update(1, "ignored", 7, 110, 2);
        Struct envelope = (Struct) template.value();
        Schema envelopeSchema = SchemaBuilder.struct().field("before", narrower).field("after", narrower)
                .field("source", DebeziumEvents.SOURCE).field("op", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(envelopeSchema).put("after", new Struct(narrower).put("id", 1).put("qty", 7))
                .put("source", envelope.getStruct("source")).put("op", "u");
        target.apply(new SinkRecord(TOPIC, 0, template.keySchema(), template.key(), envelopeSchema, value, 10));
        assertThat(items()).containsExactly(row(1, null, 7, "f"), row(2, "b", 2, "f"));
    }

    @Test
    void aRecordTheDatabaseRejectsIsReportedAndTheRestOfItsBatchApplies() {
        TestTarget target = sink();
        target.apply(events.insert(1, "a", 1, 100, 1));
        Schema misfitRow = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA)
                .field("qty", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema misfitEnvelope = SchemaBuilder.struct().field("before", misfitRow).field("after", misfitRow)
                .field("source", DebeziumEvents.SOURCE).field("op", Schema.STRING_SCHEMA).build();
        SinkRecord before = events.insert(2, "b", 2, 110, 2);
        SinkRecord template = events.insert(3, "ignored", 0, 120, 2);
        Struct misfit = new Struct(misfitEnvelope).put("after", new Struct(misfitRow).put("id", 3).put("qty", "not a number"))
                .put("source", ((Struct) template.value()).getStruct("source")).put("op", "c");
        SinkRecord rejected = new SinkRecord(TOPIC, 0, template.keySchema(), template.key(), misfitEnvelope, misfit,
                template.kafkaOffset());
        SinkRecord after = events.update(1, "a2", 3, 130, 3);
        assertThat(target.applyTolerating(before, rejected, after)).containsExactly(rejected);
        assertThat(items()).containsExactly(row(1, "a2", 3, "f"), row(2, "b", 2, "f"));
        assertThat(target.durable).containsEntry(TP, after.kafkaOffset() + 1);
    }

    @Test
    void tasksStartingTogetherCreateTheSameTablesWithoutColliding() throws Exception {
        int tasks = 6;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(tasks);
        var start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<?>> results = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int task = t;
            results.add(pool.submit(() -> {
                start.await();
                DebeziumEvents own = new DebeziumEvents(TOPIC, task, 0);
                sink(Map.of("name", "task" + task)).apply(own.insert(task, "t" + task, task, 100 + task, task));
                return null;
            }));
        }
        start.countDown();
        for (var result : results) {
            result.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(count("SELECT count(*) FROM items")).isEqualTo(tasks);
        assertThat(count("SELECT count(*) FROM cdc_watermark")).isEqualTo(tasks);
    }

    @Test
    void hostileSchemaAndColumnNamesReplicateAndExecuteNothingElse() {
        db.execute(database, "CREATE TABLE canary (id int)");
        String[] names = {"select", "a\"b", "x'); DROP TABLE canary; --", "ünïcödé ✓", "Mixed Case"};
        SchemaBuilder rowBuilder = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA);
        for (String name : names) {
            rowBuilder.field(name, Schema.OPTIONAL_STRING_SCHEMA);
        }
        Schema row = rowBuilder.build();
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row)
                .field("source", DebeziumEvents.SOURCE).field("op", Schema.STRING_SCHEMA).build();
        SinkRecord template = events.insert(1, "x", 1, 100, 1);
        Struct after = new Struct(row).put("id", 1);
        for (String name : names) {
            after.put(name, name);
        }
        Struct value = new Struct(envelope).put("after", after)
                .put("source", ((Struct) template.value()).getStruct("source")).put("op", "c");
        TestTarget target = sink(Map.of("table.name.format", "order; --.Tab\"le"));
        target.apply(new SinkRecord(TOPIC, 0, template.keySchema(), template.key(), envelope, value, 0));
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < names.length; i++) {
            select.append(i == 0 ? "" : ", ").append(db.quote(names[i]));
        }
        select.append(" FROM ").append(db.quote("order; --", "Tab\"le"));
        assertThat(query(select.toString())).containsExactly(List.of(names));
        assertThat(count("SELECT count(*) FROM canary")).isZero();
    }

    /**
     * One source transaction of a million rows, a hundred times what the task may hold in memory, reaches the target
     * whole (correctness.md §4.1): it is written into a target transaction kept open across put() calls, a reader
     * polling the table sees it all or none of it, and preCommit reports none of its offsets before it commits.
     */
    @Test
    void aMillionRowSourceTransactionCommitsWholeAndNoReaderSeesPartOfIt() throws Exception {
        int rows = 1_000_000;
        int chunk = 5_000;
        // The table exists first: DDL inside an open transaction is another test's subject (and MariaDB's limit).
        TestTarget first = sink();
        first.apply(events.insert(0, "before", 0, 100, 1));

        Map<String, String> props = new HashMap<>(db.sinkConnection(database));
        props.putAll(Map.of("name", DebeziumEvents.SINK_NAME, "topics", TOPIC, "atomic.idle.ms", "600000"));
        IdempotentJdbcSinkTask task = new IdempotentJdbcSinkTask();
        task.initialize(new FakeSinkTaskContext());
        task.start(props);
        Set<Long> seen = new ConcurrentSkipListSet<>();
        AtomicInteger reads = new AtomicInteger();
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicReference<RuntimeException> readFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (reading.get()) {
                    seen.add(count("SELECT count(*) FROM items"));
                    reads.incrementAndGet();
                }
            } catch (RuntimeException e) {
                readFailure.set(e);
            }
        }, "reader");
        try {
            task.open(List.of(TP));
            reader.start();
            for (int from = 1; from <= rows; from += chunk) {
                List<SinkRecord> records = new ArrayList<>(chunk);
                for (int id = from; id < from + chunk; id++) {
                    records.add(events.insert(id, "row " + id, id % 1000, 1_000 + id, 2));
                }
                task.put(records);
                if (from == rows / 2 + 1) {
                    assertThat(preCommit(task)).as("offsets of the open source transaction").containsEntry(TP, 1L);
                }
            }
            // The next source transaction shows that transaction 2 is complete.
            task.put(List.of(events.insert(rows + 1, "after", 1, 2_000_000, 3)));
            Await.until("the million-row transaction committed", Duration.ofMinutes(5),
                    () -> Long.valueOf(rows + 1L).equals(preCommit(task).get(TP)));
        } finally {
            reading.set(false);
            reader.join();
            task.stop();
        }
        assertThat(readFailure.get()).as("the reader's failure").isNull();
        assertThat(reads).as("reads while the transaction was written").hasValueGreaterThan(10);
        assertThat(seen).as("row counts a reader saw").isSubsetOf(1L, rows + 1L);
        assertThat(count("SELECT count(*) FROM items")).isEqualTo(rows + 1L);
        assertThat(query("SELECT next_offset FROM cdc_watermark")).containsExactly(List.of(String.valueOf(rows + 1)));
    }

    private static Map<TopicPartition, Long> preCommit(IdempotentJdbcSinkTask task) {
        Map<TopicPartition, Long> reported = new HashMap<>();
        task.preCommit(Map.of(TP, new OffsetAndMetadata(0))).forEach((tp, offset) -> reported.put(tp, offset.offset()));
        return reported;
    }
}
