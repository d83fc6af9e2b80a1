package io.tidemark.sink.event;

import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One row change read from a Debezium envelope, independent of the converter that produced it.
 *
 * @param key         the primary-key values (the record key struct)
 * @param row         the row image: {@code after}, or {@code before} for a delete (may hold only key
 *                    columns, or be null, under REPLICA IDENTITY DEFAULT)
 * @param unavailable columns whose value the source did not send (unchanged TOASTed values); they
 *                    must keep whatever the target holds
 */
public record ChangeEvent(TopicPartition partition, long offset, TableId table, Op op, Struct key, Struct row,
                          SourcePosition position, Set<String> unavailable) {

    public boolean isDelete() {
        return op.isDelete();
    }

    public Schema rowSchema() {
        return row == null ? null : row.schema();
    }

    /** The row columns this event writes: every field of the row image except the unavailable ones. */
    public List<Field> writtenFields() {
        if (row == null) {
            return List.of();
        }
        List<Field> fields = new ArrayList<>(row.schema().fields().size());
        for (Field f : row.schema().fields()) {
            if (!unavailable.contains(f.name())) {
                fields.add(f);
            }
        }
        return fields;
    }

    /**
     * This event after {@code previous} was applied: values this event lacks (unavailable TOAST
     * columns) are taken from the previous image when it had them, as one-by-one application would
     * leave them.
     */
    public ChangeEvent inheritUnavailable(ChangeEvent previous) {
        if (unavailable.isEmpty() || previous.isDelete() || previous.row == null) {
            return this;
        }
        Struct filled = copy(row);
        Set<String> stillUnavailable = new TreeSet<>();
        for (String column : unavailable) {
            Field mine = row.schema().field(column);
            Field theirs = previous.row.schema().field(column);
            if (theirs != null && !previous.unavailable.contains(column) && mine.schema().type() == theirs.schema().type()) {
                filled.put(mine, previous.row.get(theirs));
            } else {
                stillUnavailable.add(column);
            }
        }
        return new ChangeEvent(partition, offset, table, op, key, filled, position, Collections.unmodifiableSet(stillUnavailable));
    }

    private static Struct copy(Struct struct) {
        Struct copy = new Struct(struct.schema());
        for (Field f : struct.schema().fields()) {
            Object v = struct.get(f);
            if (v != null) {
                copy.put(f, v);
            }
        }
        return copy;
    }

    public String describe() {
        return partition.topic() + "-" + partition.partition() + "@" + offset;
    }
}
