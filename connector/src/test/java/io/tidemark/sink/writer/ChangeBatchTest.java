package io.tidemark.sink.writer;

import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.ChangeEventReader;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.event.TableNameFormat;
import io.tidemark.sink.position.RowVersions;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
        return new ArrayList<>(batch.rows(new TableId(null, "items")));
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
        assertThat(rows(batch)).singleElement().satisfies(e -> {
            assertThat(e.isDelete()).isFalse();
            assertThat(e.row().getString("name")).isEqualTo("again");
        });
    }

    @Test
    void streamedChangeBelowSnapshotLsnReplacesSnapshotRowInBatch() {
        ChangeBatch batch = batchOf(events.snapshot(1, "snap", 1, 500), events.update(1, "span", 2, 450, 9));
        assertThat(rows(batch)).singleElement().satisfies(e -> assertThat(e.row().getString("name")).isEqualTo("span"));
    }

    @Test
    void unchangedToastColumnIsFilledFromTheEarlierImageInTheBatch() {
        SinkRecord first = events.update(1, "big text", 1, 100, 1);
        SinkRecord toast = events.update(1, PLACEHOLDER, 2, 110, 2);
        ChangeBatch batch = batchOf(first, toast);
        ChangeEvent row = rows(batch).get(0);
        assertThat(row.unavailable()).isEmpty();
        assertThat(row.row().getString("name")).isEqualTo("big text");
        assertThat(row.row().getInt32("qty")).isEqualTo(2);
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
     * in commit order, re-emitted suffixes, and interleaving with other rows.
     */
    @Test
    void reductionEqualsOneByOneApplicationForRandomisedStreams() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            DebeziumEvents stream = new DebeziumEvents();
            List<SinkRecord> records = new ArrayList<>();
            long lsn = 1000;
            for (int i = 0; i < 30; i++) {
                int id = random.nextInt(5);
                lsn += 1 + random.nextInt(10);
                records.add(switch (random.nextInt(4)) {
                    case 0 -> stream.insert(id, "n" + i, i, lsn, i);
                    case 1 -> stream.delete(id, lsn, i);
                    default -> stream.update(id, random.nextBoolean() ? "u" + i : PLACEHOLDER, i, lsn, i);
                });
            }
            int replayFrom = random.nextInt(records.size());
            for (SinkRecord r : List.copyOf(records.subList(replayFrom, records.size()))) {
                records.add(stream.reemit(r));
            }
            Map<Integer, Struct> oneByOne = applyOneByOne(records);
            ChangeBatch batch = batchOf(records.toArray(SinkRecord[]::new));
            Map<Integer, Struct> reduced = new HashMap<>();
            for (ChangeEvent e : rows(batch)) {
                int id = e.key().getInt32("id");
                if (!e.isDelete()) {
                    reduced.put(id, visible(e));
                }
            }
            assertThat(reduced).as("round %d", round).isEqualTo(oneByOne);
        }
    }

    /**
     * Applies events one at a time to an in-memory soft-delete table, using the same supersede rule as
     * the database; returns the rows not marked deleted (a deleted row keeps its last image).
     */
    private Map<Integer, Struct> applyOneByOne(List<SinkRecord> records) {
        Map<Integer, ChangeEvent> state = new HashMap<>();
        Map<Integer, Struct> images = new HashMap<>();
        java.util.Set<Integer> deleted = new java.util.HashSet<>();
        for (SinkRecord r : records) {
            ChangeEvent e = reader.read(r);
            if (e == null) {
                continue;
            }
            int id = e.key().getInt32("id");
            ChangeEvent stored = state.get(id);
            if (stored != null && !RowVersions.supersedes(e.position(), stored.position())) {
                continue;
            }
            state.put(id, e);
            if (e.isDelete()) {
                deleted.add(id);
            } else {
                deleted.remove(id);
                Struct previous = images.get(id);
                Struct next = new Struct(ROW);
                for (var f : ROW.fields()) {
                    boolean keep = e.unavailable().contains(f.name());
                    next.put(f, keep ? (previous == null ? PLACEHOLDER_MARK : previous.get(f)) : e.row().get(f));
                }
                images.put(id, next);
            }
        }
        Map<Integer, Struct> visible = new HashMap<>(images);
        visible.keySet().removeAll(deleted);
        return visible;
    }

    private static final String PLACEHOLDER_MARK = "<unavailable>";

    private static Struct visible(ChangeEvent e) {
        Struct out = new Struct(ROW);
        for (var f : ROW.fields()) {
            out.put(f, e.unavailable().contains(f.name()) ? PLACEHOLDER_MARK : e.row().get(f));
        }
        return out;
    }
}
