package io.tidemark.sink.writer;

import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.ChangeEventReader;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.event.TableNameFormat;
import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.position.RowVersions;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.tidemark.sink.DebeziumEvents.ROW;
import static org.assertj.core.api.Assertions.assertThat;

class ChangeBatchTest {

    private static final String PLACEHOLDER = "__debezium_unavailable_value";
    private final ChangeEventReader reader = new ChangeEventReader(TableNameFormat.parse("${source.table}"), PLACEHOLDER);
    private final DebeziumEvents events = new DebeziumEvents();

    private ChangeBatch batchOf(SinkRecord... records) {
        ChangeBatch batch = ChangeBatch.reducing(true);
        for (SinkRecord r : records) {
            ChangeEvent e = reader.read(r);
            if (e != null) {
                batch.add(e);
            }
        }
        return batch;
    }

    private static List<ChangeEvent> rows(ChangeBatch batch) {
        return batch.rows(new TableId(null, "items"));
    }

    @Test
    void keepsTheLastChangeOfEachRow() {
        ChangeBatch batch = batchOf(
                events.insert(1, "a", 1, 100, 1),
                events.insert(2, "b", 2, 110, 1),
                events.update(1, "a2", 5, 120, 2));
        List<ChangeEvent> rows = rows(batch);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).row().getString("name")).isEqualTo("a2");
        assertThat(rows.get(1).row().getString("name")).isEqualTo("b");
        assertThat(batch.folded()).isEqualTo(1);
        assertThat(batch.stale()).isZero();
    }

    @Test
    void reemittedOlderChangeDoesNotReplaceNewerOneInTheSameBatch() {
        SinkRecord insert = events.insert(1, "a", 1, 100, 1);
        ChangeBatch batch = batchOf(insert, events.update(1, "a2", 2, 120, 2), events.reemit(insert));
        assertThat(rows(batch)).singleElement().satisfies(e -> assertThat(e.row().getString("name")).isEqualTo("a2"));
    }

    @Test
    void deleteThenReinsertKeepsTheInsert() {
        ChangeBatch batch = batchOf(events.insert(1, "a", 1, 100, 1), events.delete(1, 110, 2), events.tombstone(1),
                events.insert(1, "again", 3, 130, 3));
        assertThat(batch.round(batch.roundCount() - 1).get(new TableId(null, "items"))).singleElement().satisfies(e -> {
            assertThat(e.isDelete()).isFalse();
            assertThat(e.row().getString("name")).isEqualTo("again");
        });
    }

    @Test
    void switchBetweenSnapshotAndStreamedChangesStartsANewRound() {
        ChangeBatch batch = batchOf(events.snapshot(1, "snap", 1, 500), events.snapshot(2, "snap", 1, 500),
                events.update(1, "span", 2, 450, 9), events.update(1, "later", 3, 600, 10));
        assertThat(batch.roundCount()).isEqualTo(2);
        assertThat(batch.round(0).get(new TableId(null, "items"))).extracting(e -> e.row().getString("name"))
                .containsExactly("snap", "snap");
        assertThat(batch.round(1).get(new TableId(null, "items"))).extracting(e -> e.row().getString("name"))
                .containsExactly("later");
    }

    @Test
    void incrementalReadNeverFoldsOverOrUnderAStreamedChange() {
        // A streamed change folded under the chunk row would leave the row's streamed version behind, and one
        // folded over it would be judged against the batch instead of the row's stored version.
        ChangeBatch batch = batchOf(events.update(1, "streamed", 1, 40, 1), events.incremental(1, "chunk", 2, 100),
                events.update(1, "reemitted", 3, 30, 2));
        assertThat(batch.roundCount()).isEqualTo(3);
        assertThat(rows(batch)).extracting(e -> e.row().getString("name")).containsExactly("streamed", "chunk", "reemitted");
    }

    @Test
    void truncateTakesARoundOfItsOwnBetweenTheChangesBeforeAndAfterIt() {
        ChangeBatch batch = batchOf(events.insert(1, "before", 1, 100, 1), events.insert(2, "before", 1, 101, 1),
                events.truncate(200, 2), events.insert(1, "after", 2, 300, 3));
        assertThat(batch.roundCount()).isEqualTo(3);
        assertThat(batch.round(0).get(new TableId(null, "items"))).extracting(e -> e.row().getString("name"))
                .containsExactly("before", "before");
        assertThat(batch.round(1).get(new TableId(null, "items"))).singleElement()
                .satisfies(e -> assertThat(e.isTruncate()).isTrue());
        assertThat(batch.round(2).get(new TableId(null, "items"))).extracting(e -> e.row().getString("name"))
                .containsExactly("after");
        assertThat(batch.tableChanges()).isEqualTo(1);
    }

    @Test
    void incrementalReadsOfOneRowFoldIntoTheLatest() {
        ChangeBatch batch = batchOf(events.incremental(1, "first read", 1, 100), events.incremental(1, "read again", 2, 90));
        assertThat(rows(batch)).singleElement().satisfies(e -> assertThat(e.row().getString("name")).isEqualTo("read again"));
        assertThat(batch.folded()).isEqualTo(1);
    }

    @Test
    void unchangedToastUpdateAfterAnotherChangeOfTheRowWaitsForTheNextRound() {
        ChangeBatch batch = batchOf(events.update(1, "big text", 1, 100, 1), events.update(1, PLACEHOLDER, 2, 110, 2));
        assertThat(batch.roundCount()).isEqualTo(2);
        assertThat(batch.round(1).get(new TableId(null, "items"))).singleElement()
                .satisfies(e -> assertThat(e.unavailable()).containsExactly("name"));
    }

    @Test
    void softDeleteAfterAnUpsertWaitsForTheNextRoundButFoldsUnderHardDeletes() {
        SinkRecord insert = events.insert(1, "a", 1, 100, 1);
        SinkRecord delete = events.delete(1, 110, 2);
        assertThat(batchOf(insert, delete).roundCount()).isEqualTo(2);
        ChangeBatch hard = ChangeBatch.keepingEveryChange();
        ChangeBatch reducingHard = ChangeBatch.reducing(false);
        reducingHard.add(reader.read(insert));
        reducingHard.add(reader.read(delete));
        assertThat(reducingHard.roundCount()).isEqualTo(1);
        assertThat(reducingHard.rows(new TableId(null, "items"))).singleElement().satisfies(e -> assertThat(e.isDelete()).isTrue());
        hard.add(reader.read(insert));
        hard.add(reader.read(delete));
        assertThat(hard.rows(new TableId(null, "items"))).hasSize(2);
    }

    @Test
    void unchangedToastColumnWithoutEarlierImageStaysUnavailable() {
        ChangeBatch batch = batchOf(events.update(1, PLACEHOLDER, 2, 110, 2));
        ChangeEvent row = rows(batch).get(0);
        assertThat(row.unavailable()).containsExactly("name");
        assertThat(row.writtenFields()).extracting(f -> f.name()).containsExactly("id", "qty");
    }

    /**
     * Reduction must equal one-by-one application for any order Debezium can deliver: a row's changes
     * in commit order, re-snapshots, re-emitted suffixes, and interleaving with other rows. Both sides
     * are applied to an in-memory soft-delete table that follows the same guard as the SQL.
     */
    @Test
    void reductionEqualsOneByOneApplicationForRandomisedStreams() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            List<SinkRecord> records = new DebeziumEvents().randomStream(random, 40, 5);
            MemoryTable oneByOne = new MemoryTable();
            records.forEach(r -> {
                ChangeEvent e = reader.read(r);
                if (e != null) {
                    oneByOne.apply(e);
                }
            });
            // Several transactions, as the task applies them: each chunk reduced, then written round by round.
            MemoryTable reduced = new MemoryTable();
            for (int from = 0; from < records.size(); ) {
                int to = Math.min(records.size(), from + 1 + random.nextInt(25));
                ChangeBatch batch = batchOf(records.subList(from, to).toArray(SinkRecord[]::new));
                for (int i = 0; i < batch.roundCount(); i++) {
                    batch.round(i).values().forEach(rows -> rows.forEach(reduced::apply));
                }
                from = to;
            }
            assertThat(reduced.visible()).as("round %d", round).isEqualTo(oneByOne.visible());
        }
    }

    /** A soft-delete table in memory: the SQL guard's rule, unchanged-TOAST columns keep their value. */
    private static final class MemoryTable {
        private final Map<Integer, RowVersions.Stored> versions = new HashMap<>();
        private final Map<Integer, Struct> images = new HashMap<>();
        private final Set<Integer> deleted = new HashSet<>();

        void apply(ChangeEvent e) {
            if (e.isTruncate()) {
                RowVersion lsn = e.position().rowVersion();
                versions.forEach((id, stored) -> {
                    if ((stored.streamed() == null || lsn.isAfter(stored.streamed()))
                            && (stored.snapshotPoint() == null || lsn.isAfter(stored.snapshotPoint()))) {
                        versions.put(id, new RowVersions.Stored(lsn, null));
                        deleted.add(id);
                    }
                });
                return;
            }
            int id = e.key().getInt32("id");
            RowVersions.Stored stored = versions.getOrDefault(id, RowVersions.Stored.NONE);
            if (!RowVersions.supersedes(e.position(), stored)) {
                return;
            }
            versions.put(id, RowVersions.after(stored, e.position()));
            Struct previous = images.get(id);
            if (e.isDelete()) {
                deleted.add(id);
                return;
            }
            deleted.remove(id);
            images.put(id, merge(previous, e));
        }

        private static Struct merge(Struct previous, ChangeEvent e) {
            Struct next = new Struct(ROW);
            for (var f : ROW.fields()) {
                boolean keep = e.unavailable().contains(f.name());
                next.put(f, keep ? (previous == null ? PLACEHOLDER_MARK : previous.get(f)) : e.row().get(f));
            }
            return next;
        }

        Map<Integer, Struct> visible() {
            Map<Integer, Struct> out = new HashMap<>(images);
            out.keySet().removeAll(deleted);
            return out;
        }
    }

    private static final String PLACEHOLDER_MARK = "<unavailable>";
}
