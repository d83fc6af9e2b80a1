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
 * @param rowInherited true for a delete whose {@code row} is the image of the change it superseded in
 *                    the same batch: a soft delete must leave that image behind, as one-by-one
 *                    application would
 */
public record ChangeEvent(TopicPartition partition, long offset, TableId table, Op op, Struct key, Struct row,
                          SourcePosition position, Set<String> unavailable, boolean rowInherited) {

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
     * This event as the result of applying it after {@code previous}: values it lacks (unavailable
     * TOAST columns) come from the previous image, and a delete carries the previous image along, so
     * the reduced batch leaves the row exactly as one-by-one application would.
     *
     * <p>A soft-deleted row keeps its values, so with {@code softDelete} a delete that carries an image
     * is itself an image to inherit from. After a hard delete the row is gone; PostgreSQL emits no
     * update of a deleted row without an insert in between, so such an update is not reconstructed.
     */
    public ChangeEvent after(ChangeEvent previous, boolean softDelete) {
        boolean previousHasImage = previous.row != null && (!previous.isDelete() || (softDelete && previous.rowInherited));
        if (!previousHasImage) {
            return this;
        }
        if (isDelete()) {
            return new ChangeEvent(partition, offset, table, op, key, previous.row, position, previous.unavailable, true);
        }
        if (unavailable.isEmpty()) {
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
        return new ChangeEvent(partition, offset, table, op, key, filled, position,
                Collections.unmodifiableSet(stillUnavailable), false);
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
