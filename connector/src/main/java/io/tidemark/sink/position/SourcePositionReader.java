package io.tidemark.sink.position;

import io.tidemark.sink.schema.PerSchema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the source position from a Debezium {@code source} block, by the block's {@code connector}: PostgreSQL
 * ({@code postgresql}: the LSN) and the binlog connectors ({@code mysql}, {@code mariadb}: file, pos and row).
 * A connector type not listed here fails the record with the list of those that are.
 *
 * <p>The fields are looked up by name once per schema instance ({@link PerSchema}), not once per record.
 */
public final class SourcePositionReader {

    private final PerSchema<SourceFields> sourceFields = new PerSchema<>(SourceFields::of);
    private static final Map<String, Family> FAMILIES = Map.of(
            "postgresql", SourcePositionReader::postgres,
            "mysql", SourcePositionReader::binlog,
            "mariadb", SourcePositionReader::binlog);

    /** How one connector type's source block becomes a position. */
    private interface Family {
        SourcePosition read(Struct source, SourceFields fields, ReadKind kind);
    }

    /** The {@code source} fields of one schema; a field the schema lacks is null. */
    private record SourceFields(Field connector, Field name, Field lsn, Field sequence, Field txId, Field tsMs,
                                Field snapshot, Field file, Field pos, Field row, Field serverId, Field gtid) {
        static SourceFields of(Schema schema) {
            return new SourceFields(schema.field("connector"), schema.field("name"), schema.field("lsn"),
                    schema.field("sequence"), schema.field("txId"), schema.field("ts_ms"), schema.field("snapshot"),
                    schema.field("file"), schema.field("pos"), schema.field("row"), schema.field("server_id"),
                    schema.field("gtid"));
        }
    }

    /**
     * {@code snapshotRead} is true for {@code op = r}; which kind of snapshot read it is comes from the source
     * block's {@code snapshot} marker ({@code incremental}, or one of an initial or blocking snapshot's values).
     */
    public SourcePosition read(Struct source, boolean snapshotRead) {
        SourceFields fields = sourceFields.of(source.schema());
        String connector = string(source, fields.connector());
        Family family = connector == null ? null : FAMILIES.get(connector);
        if (family == null) {
            throw new DataException("unsupported source connector '" + connector + "': this sink reads the positions of"
                    + " Debezium's " + new TreeSet<>(FAMILIES.keySet()) + " connectors (source.connector)");
        }
        String marker = string(source, fields.snapshot());
        ReadKind kind = !snapshotRead ? ReadKind.STREAMED
                : "incremental".equals(marker) ? ReadKind.INCREMENTAL : ReadKind.SNAPSHOT;
        return family.read(source, fields, kind);
    }

    private static SourcePosition postgres(Struct source, SourceFields fields, ReadKind kind) {
        String sequence = string(source, fields.sequence());
        return new PostgresSourcePosition(
                string(source, fields.name()),
                kind == ReadKind.INCREMENTAL ? closeMarkerLsn(sequence) : changeLsn(value(source, fields.lsn())),
                sequence,
                number(source, fields.txId()),
                number(source, fields.tsMs()),
                kind,
                completesTableSnapshot(source, fields, kind));
    }

    /**
     * Every binlog change carries file, pos and row; snapshot reads carry the binlog position the snapshot was taken
     * at, incremental reads the position streaming had reached when the chunk was emitted (correctness.md §2.6).
     */
    private static SourcePosition binlog(Struct source, SourceFields fields, ReadKind kind) {
        String file = string(source, fields.file());
        Long pos = number(source, fields.pos());
        Long row = number(source, fields.row());
        if (file == null || pos == null) {
            throw new DataException("the Debezium source block has no binlog file and pos, so the change cannot be"
                    + " ordered against others of its row");
        }
        if (pos < 0 || pos > BinlogSourcePosition.MAX_POS || (row != null && (row < 0 || row > Integer.MAX_VALUE))) {
            throw new DataException("binlog position " + file + ":" + pos + " row " + row + " is out of range (a binlog"
                    + " event position has 32 bits, a row index 31)");
        }
        return new BinlogSourcePosition(
                string(source, fields.name()),
                file,
                fileIndex(file),
                pos,
                row == null ? 0 : row.intValue(),
                number(source, fields.serverId()),
                string(source, fields.gtid()),
                string(source, fields.sequence()),
                number(source, fields.tsMs()),
                kind,
                completesTableSnapshot(source, fields, kind));
    }

    /** The numeric suffix of a binlog file name ({@code mysql-bin.000003}), which orders the files. */
    private static long fileIndex(String file) {
        int dot = file.lastIndexOf('.');
        try {
            long index = Long.parseLong(file.substring(dot + 1));
            if (dot > 0 && index >= 0 && index <= Integer.MAX_VALUE) {
                return index;
            }
        } catch (NumberFormatException e) {
            // Reported below with the name.
        }
        throw new DataException("binlog file name '" + file + "' does not end in a numeric index (e.g. mysql-bin.000003),"
                + " so positions in different files cannot be ordered");
    }

    private static boolean completesTableSnapshot(Struct source, SourceFields fields, ReadKind kind) {
        String marker = string(source, fields.snapshot());
        return kind == ReadKind.SNAPSHOT && ("last_in_data_collection".equals(marker) || "last".equals(marker));
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

    private static Long number(Struct struct, Field field) {
        return value(struct, field) instanceof Number n ? n.longValue() : null;
    }

    private static String string(Struct struct, Field field) {
        Object v = value(struct, field);
        return v == null ? null : v.toString();
    }
}
