package io.tidemark.sink.position;

import io.tidemark.sink.event.PerSchema;
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
    private record SourceFields(Field connector, Field name, Field lsn, Field sequence, Field txId, Field tsMs) {
        static SourceFields of(Schema schema) {
            return new SourceFields(schema.field("connector"), schema.field("name"), schema.field("lsn"),
                    schema.field("sequence"), schema.field("txId"), schema.field("ts_ms"));
        }
    }

    /** {@code snapshotRead} is true for {@code op = r}: Debezium's own snapshot marker differs between versions. */
    public SourcePosition read(Struct source, boolean snapshotRead) {
        SourceFields fields = sourceFields.of(source.schema());
        String connector = string(source, fields.connector());
        if (connector == null || !"postgresql".equals(connector)) {
            throw new DataException("unsupported source connector '" + connector
                    + "': this sink reads positions of Debezium's PostgreSQL connector (source.connector=postgresql)");
        }
        Object lsn = value(source, fields.lsn());
        if (!(lsn instanceof Number)) {
            throw new DataException("the Debezium source block has no lsn, so the change cannot be ordered against"
                    + " others of its row (incremental-snapshot rows carry none)");
        }
        Object txId = value(source, fields.txId());
        Object tsMs = value(source, fields.tsMs());
        return new PostgresSourcePosition(
                string(source, fields.name()),
                ((Number) lsn).longValue(),
                string(source, fields.sequence()),
                txId instanceof Number n ? n.longValue() : null,
                tsMs instanceof Number n ? n.longValue() : null,
                snapshotRead);
    }

    private static Object value(Struct struct, Field field) {
        return field == null ? null : struct.get(field);
    }

    private static String string(Struct struct, Field field) {
        Object v = value(struct, field);
        return v == null ? null : v.toString();
    }
}
