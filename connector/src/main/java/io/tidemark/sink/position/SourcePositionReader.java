package io.tidemark.sink.position;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads the source position from a Debezium {@code source} block. PostgreSQL is supported now;
 * other connector types (MySQL binlog file/pos/GTID) get their own position class here.
 */
public final class SourcePositionReader {

    private SourcePositionReader() {
    }

    /** {@code snapshotRead} is true for {@code op = r}: Debezium's own snapshot marker differs between versions. */
    public static SourcePosition read(Struct source, boolean snapshotRead) {
        String connector = string(source, "connector");
        if (connector == null || !"postgresql".equals(connector)) {
            throw new DataException("unsupported source connector '" + connector
                    + "': this sink reads positions of Debezium's PostgreSQL connector (source.connector=postgresql)");
        }
        Object lsn = value(source, "lsn");
        if (!(lsn instanceof Number)) {
            throw new DataException("the Debezium source block has no lsn, so the change cannot be ordered against"
                    + " others of its row (incremental-snapshot rows carry none)");
        }
        Object txId = value(source, "txId");
        Object tsMs = value(source, "ts_ms");
        return new PostgresSourcePosition(
                string(source, "name"),
                ((Number) lsn).longValue(),
                string(source, "sequence"),
                txId instanceof Number n ? n.longValue() : null,
                tsMs instanceof Number n ? n.longValue() : null,
                snapshotRead);
    }

    private static Object value(Struct struct, String name) {
        Field field = struct.schema().field(name);
        return field == null ? null : struct.get(field);
    }

    private static String string(Struct struct, String name) {
        Object v = value(struct, name);
        return v == null ? null : v.toString();
    }
}
