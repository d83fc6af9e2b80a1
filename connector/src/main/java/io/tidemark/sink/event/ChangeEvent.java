package io.tidemark.sink.event;

import io.tidemark.sink.position.SourcePosition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One row change read from a Debezium envelope, independent of the converter that produced it.
 *
 * @param key         the primary-key values (the record key struct); null for a truncate
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

    /** A truncate: every row of the table as of its position goes, rows written by later changes stay. */
    public boolean isTruncate() {
        return op == Op.TRUNCATE;
    }

    /** A change of the whole table rather than of one row: a truncate, or a completed snapshot. */
    public boolean isTableChange() {
        return op == Op.TRUNCATE || op == Op.SNAPSHOT_COMPLETED;
    }

    /** The marker that the snapshot whose last read of the table is {@code lastRead} is complete. */
    public static ChangeEvent snapshotCompleted(ChangeEvent lastRead) {
        return new ChangeEvent(lastRead.partition, lastRead.offset, lastRead.table, Op.SNAPSHOT_COMPLETED, null, null,
                lastRead.position, Set.of());
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

    public String describe() {
        return partition.topic() + "-" + partition.partition() + "@" + offset;
    }
}
