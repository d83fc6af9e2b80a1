package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.ValueText;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersions;
import org.apache.kafka.connect.data.Field;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of one transaction, grouped by table. A reducing batch (merge mode) keeps one change per
 * row: events are added in Kafka order and for each key the batch keeps the change that the position
 * rule says wins, exactly as applying them one by one would leave the row (including unchanged-TOAST
 * columns taken from an earlier image). A batch that keeps every change (append mode) only groups.
 */
public final class ChangeBatch {

    private final boolean reduce;
    private final boolean softDelete;
    private final Map<TableId, Map<Object, ChangeEvent>> rowsByTable = new LinkedHashMap<>();
    private int folded;
    private int stale;

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
        Map<Object, ChangeEvent> rows = rowsByTable.computeIfAbsent(event.table(), t -> new LinkedHashMap<>());
        if (!reduce) {
            rows.put(event.describe(), event);
            return;
        }
        List<String> key = keyOf(event);
        ChangeEvent current = rows.get(key);
        if (current == null) {
            rows.put(key, event);
        } else if (RowVersions.supersedes(event.position(), current.position())) {
            rows.put(key, event.after(current, softDelete));
            folded++;
        } else {
            stale++;
        }
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

    public Collection<TableId> tables() {
        return rowsByTable.keySet();
    }

    /** The surviving change per row of {@code table}, in first-seen order. */
    public Collection<ChangeEvent> rows(TableId table) {
        return rowsByTable.getOrDefault(table, Map.of()).values();
    }

    /** Changes replaced by a newer change of the same row in this batch. */
    public int folded() {
        return folded;
    }

    /** Changes older than one already in this batch for the same row (re-emitted), dropped. */
    public int stale() {
        return stale;
    }

    public boolean isEmpty() {
        return rowsByTable.isEmpty();
    }
}
