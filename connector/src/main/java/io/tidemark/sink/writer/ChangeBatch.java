package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.ValueText;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersions;
import org.apache.kafka.connect.data.Field;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The changes of one transaction, grouped by table and, in merge mode, reduced per row.
 *
 * <p>Events are added in Kafka order (docs/correctness.md §4). A change that carries the whole row folds into a
 * change of the same kind (streamed, snapshot read, incremental read) before it: between two such changes the
 * position rule is a plain "greater version wins" (or "always", for incremental reads), so writing only the newest
 * against the stored row leaves what one-by-one application leaves. A change whose outcome depends on what the row
 * holds when it arrives goes into the next <em>round</em> instead, and rounds are written in order in the same
 * transaction: a switch between kinds (the rules differ, and an incremental read folded over a streamed change
 * would hide that change's version from the guard),
 * an update with unchanged-TOAST columns (they keep the value the row holds), and a soft delete after
 * an upsert (the deleted row keeps its values). A change of the whole table (a truncate, a completed snapshot)
 * takes a round of its own between the table's changes before and after it. A batch that keeps every change
 * (append mode) only groups, in one round.
 */
public final class ChangeBatch {

    private final boolean reduce;
    private final boolean softDelete;
    /** Per round, per table, the surviving change per key (or per record in append mode). */
    private final List<Map<TableId, Map<Object, ChangeEvent>>> rounds = new ArrayList<>();
    /** Per table and key, the round holding the key's latest change. */
    private final Map<TableId, Map<List<String>, Integer>> roundOfKey = new HashMap<>();
    /** Per table, the highest round holding one of its changes. */
    private final Map<TableId, Integer> lastRoundOfTable = new HashMap<>();
    /** Per table, the round after its latest change of the whole table, where the changes after it start. */
    private final Map<TableId, Integer> firstRoundOfTable = new HashMap<>();
    private int folded;
    private int stale;
    private int tableChanges;

    private ChangeBatch(boolean reduce, boolean softDelete) {
        this.reduce = reduce;
        this.softDelete = softDelete;
    }

    public static ChangeBatch reducing(boolean softDelete) {
        return new ChangeBatch(true, softDelete);
    }

    public static ChangeBatch keepingEveryChange() {
        return new ChangeBatch(false, false);
    }

    public void add(ChangeEvent event) {
        if (event.isTableChange()) {
            tableChanges++;
        }
        if (!reduce) {
            round(0, event.table()).put(recordKey(event), event);
            return;
        }
        if (event.isTableChange()) {
            // A round of its own, after every earlier change of the table and before every later one.
            int index = lastRoundOfTable.getOrDefault(event.table(), -1) + 1;
            round(index, event.table()).put(recordKey(event), event);
            roundOfKey.remove(event.table());
            firstRoundOfTable.put(event.table(), index + 1);
            return;
        }
        List<String> key = keyOf(event);
        Map<List<String>, Integer> rounds = roundOfKey.computeIfAbsent(event.table(), t -> new HashMap<>());
        Integer index = rounds.get(key);
        if (index == null) {
            int first = firstRoundOfTable.getOrDefault(event.table(), 0);
            rounds.put(key, first);
            round(first, event.table()).put(key, event);
            return;
        }
        Map<Object, ChangeEvent> rows = round(index, event.table());
        ChangeEvent current = rows.get(key);
        if (!RowVersions.supersedes(event.position(), RowVersions.after(RowVersions.Stored.NONE, current.position()))
                && current.position().kind() == event.position().kind()) {
            stale++;
        } else if (dependsOnTheRowItFinds(current, event)) {
            rounds.put(key, index + 1);
            round(index + 1, event.table()).put(key, event);
        } else {
            rows.put(key, event);
            folded++;
        }
    }

    private boolean dependsOnTheRowItFinds(ChangeEvent current, ChangeEvent event) {
        return current.position().kind() != event.position().kind()
                || !event.unavailable().isEmpty()
                || (softDelete && event.isDelete() && !current.isDelete());
    }

    private Map<Object, ChangeEvent> round(int index, TableId table) {
        while (rounds.size() <= index) {
            rounds.add(new LinkedHashMap<>());
        }
        lastRoundOfTable.merge(table, index, Math::max);
        return rounds.get(index).computeIfAbsent(table, t -> new LinkedHashMap<>());
    }

    /** Where the event came from: its record, and its op (a completed snapshot shares the record of its last read). */
    private static String recordKey(ChangeEvent event) {
        return event.op().code() + "@" + event.describe();
    }

    /** The key values as PostgreSQL text: equal keys compare equal whatever Java type carries them. */
    static List<String> keyOf(ChangeEvent event) {
        List<Field> fields = event.key().schema().fields();
        List<String> key = new ArrayList<>(fields.size());
        for (Field f : fields) {
            key.add(ValueText.render(f.schema(), event.key().get(f)));
        }
        return key;
    }

    /** Every table the batch touches, in first-seen order. */
    public Set<TableId> tables() {
        Set<TableId> tables = new LinkedHashSet<>();
        rounds.forEach(round -> tables.addAll(round.keySet()));
        return tables;
    }

    /** How many rounds must be written, in order. */
    public int roundCount() {
        return rounds.size();
    }

    /** The tables of one round, each with its surviving changes in first-seen order. */
    public Map<TableId, Collection<ChangeEvent>> round(int index) {
        Map<TableId, Collection<ChangeEvent>> out = new LinkedHashMap<>();
        rounds.get(index).forEach((table, rows) -> out.put(table, rows.values()));
        return out;
    }

    /** Every surviving change of {@code table}, across rounds. */
    public List<ChangeEvent> rows(TableId table) {
        List<ChangeEvent> rows = new ArrayList<>();
        for (Map<TableId, Map<Object, ChangeEvent>> round : rounds) {
            rows.addAll(round.getOrDefault(table, Map.of()).values());
        }
        return rows;
    }

    /** Changes of whole tables (truncates, completed snapshots) in this batch. */
    public int tableChanges() {
        return tableChanges;
    }

    /** Changes replaced by a newer change of the same row in this batch. */
    public int folded() {
        return folded;
    }

    /** Changes older than one already in this batch for the same row (re-emitted), dropped. */
    public int stale() {
        return stale;
    }
}
