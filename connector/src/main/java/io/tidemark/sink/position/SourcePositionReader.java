package io.tidemark.sink.position;

import io.tidemark.sink.schema.PerSchema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads the source position from a Debezium {@code source} block. PostgreSQL is supported now;
 * other connector types (MySQL binlog file/pos/GTID) get their own position class here.
 *
 * <p>The fields are looked up by name once per schema instance ({@link PerSchema}), not once per record.
 */
public final class SourcePositionReader {

    private final PerSchema<SourceFields> sourceFields = new PerSchema<>(SourceFields::of);

    /** The {@code source} fields of one schema; a field the schema lacks is null. */
    private record SourceFields(Field connector, Field name, Field lsn, Field sequence, Field txId, Field tsMs,
                                Field snapshot) {
        static SourceFields of(Schema schema) {
            return new SourceFields(schema.field("connector"), schema.field("name"), schema.field("lsn"),
                    schema.field("sequence"), schema.field("txId"), schema.field("ts_ms"), schema.field("snapshot"));
        }
    }

    /**
     * {@code snapshotRead} is true for {@code op = r}; which kind of snapshot read it is comes from the source
     * block's {@code snapshot} marker ({@code incremental}, or one of an initial or blocking snapshot's values).
     */
    public SourcePosition read(Struct source, boolean snapshotRead) {
        SourceFields fields = sourceFields.of(source.schema());
        String connector = string(source, fields.connector());
        if (connector == null || !"postgresql".equals(connector)) {
            throw new DataException("unsupported source connector '" + connector
                    + "': this sink reads positions of Debezium's PostgreSQL connector (source.connector=postgresql)");
        }
        String marker = string(source, fields.snapshot());
        ReadKind kind = !snapshotRead ? ReadKind.STREAMED
                : "incremental".equals(marker) ? ReadKind.INCREMENTAL : ReadKind.SNAPSHOT;
        String sequence = string(source, fields.sequence());
        Object txId = value(source, fields.txId());
        Object tsMs = value(source, fields.tsMs());
        return new PostgresSourcePosition(
                string(source, fields.name()),
                kind == ReadKind.INCREMENTAL ? closeMarkerLsn(sequence) : changeLsn(value(source, fields.lsn())),
                sequence,
                txId instanceof Number n ? n.longValue() : null,
                tsMs instanceof Number n ? n.longValue() : null,
                kind,
                kind == ReadKind.SNAPSHOT && ("last_in_data_collection".equals(marker) || "last".equals(marker)));
    }

    private static long changeLsn(Object lsn) {
        if (!(lsn instanceof Number n)) {
            throw new DataException("the Debezium source block has no lsn, so the change cannot be ordered against"
                    + " others of its row");
        }
        return n.longValue();
    }

    /**
     * An incremental-snapshot row carries no lsn; its sequence {@code ["<lastCommitLsn>","<lsn>"]} holds the LSN of
     * the window's close marker, at which the chunk was emitted (correctness.md §2.3).
     */
    private static long closeMarkerLsn(String sequence) {
        String last = null;
        if (sequence != null && sequence.startsWith("[") && sequence.endsWith("]")) {
            String[] parts = sequence.substring(1, sequence.length() - 1).split(",");
            if (parts.length == 2) {
                last = parts[1].trim().replace("\"", "");
            }
        }
        try {
            return Long.parseLong(last);
        } catch (NumberFormatException e) {
            throw new DataException("the Debezium source block of an incremental-snapshot row has no readable"
                    + " sequence [\"<lastCommitLsn>\",\"<lsn>\"]: " + sequence);
        }
    }

    private static Object value(Struct struct, Field field) {
        return field == null ? null : struct.get(field);
    }

    private static String string(Struct struct, Field field) {
        Object v = value(struct, field);
        return v == null ? null : v.toString();
    }
}
