package io.tidemark.sink.event;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Undoes how Debezium's pgoutput decoder before 3.4.3 and 3.5.0.CR1 reads names in streamed events: one char
 * per byte, sign-extended, so every UTF-8 byte 0x80..0xFF of a schema, table or column name arrives as a char in
 * U+FF80..U+FFFF ({@code naïve} as {@code naￃﾯve}). Snapshot reads carry the real names.
 *
 * <p>A name is a <em>candidate</em> when it has at least one char in U+FF80..U+FFFF and every other char is
 * ASCII, because that is all the garbling can produce; a name with any other non-ASCII char is real. The repair
 * maps each such char back to its byte and decodes the bytes strictly as UTF-8. A candidate is kept when it
 * is itself a name we know (a real name may use half-width forms), renamed when its repair is one, and otherwise
 * fails the record: writing it would add a garbage column and leave the real one NULL. We know the columns of
 * the target table and the fields of every schema already accepted for the table.
 *
 * <p>The same decoder loses the record key of a table whose name or key columns it garbles (it looks the
 * primary key up under the garbled names); such a key is rebuilt from the row and the target's primary key.
 */
public final class PgoutputNames {

    private static final int SCHEMAS_PER_TABLE = 64;

    /** What the target database holds of a table. */
    public record TargetTable(Set<String> columns, List<String> keyColumns) {
    }

    /** Describes target tables; answers null for a table that does not exist. */
    @FunctionalInterface
    public interface Target<E extends Exception> {
        TargetTable describe(TableId table) throws E;
    }

    private final Map<TableId, TableId> tables = new HashMap<>();
    private final Set<TableId> seenTables = new HashSet<>();
    private final Map<TableId, Set<String>> seenColumns = new HashMap<>();
    /** Per table, each row or key schema instance and its repaired equivalent (the same instance when sound). */
    private final Map<TableId, Map<Schema, Schema>> schemas = new HashMap<>();
    /** Per table, each repaired row schema instance and the key schema rebuilt from it. */
    private final Map<TableId, Map<Schema, Schema>> keySchemas = new HashMap<>();

    /** Whether {@code name} looks garbled: some chars in U+FF80..U+FFFF, all others ASCII. */
    public static boolean isCandidate(String name) {
        boolean garbled = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0xFF80) {
                garbled = true;
            } else if (c >= 0x80) {
                return false;
            }
        }
        return garbled;
    }

    /** The UTF-8 reading of a candidate's bytes, or null when they are not valid UTF-8. */
    public static String decode(String candidate) {
        byte[] bytes = new byte[candidate.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) candidate.charAt(i);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * {@code event} with its table and column names repaired, and its key rebuilt from the row when
     * {@code keyMissing} (the record had none and the reader was handed an empty one). The target is asked only
     * the first time a table or schema instance is met, and again while it cannot be repaired.
     *
     * @throws DataException when a garbled name cannot be repaired, or a missing key cannot be rebuilt
     */
    public <E extends Exception> ChangeEvent repair(ChangeEvent event, boolean keyMissing, Target<E> target) throws E {
        TableId table = table(event.table(), target);
        if (event.isTableChange()) {
            return table.equals(event.table()) ? event : new ChangeEvent(event.partition(), event.offset(), table,
                    event.op(), null, null, event.position(), Set.of());
        }
        Struct key = keyMissing ? rebuiltKey(event, table, target) : event.key();
        Schema keySchema = schema(table, key.schema(), target);
        Schema rowSchema = event.row() == null ? null : schema(table, event.row().schema(), target);
        if (table.equals(event.table()) && !keyMissing && keySchema == key.schema()
                && (rowSchema == null || rowSchema == event.row().schema())) {
            return event;
        }
        Set<String> unavailable = event.unavailable();
        if (rowSchema != null && rowSchema != event.row().schema() && !unavailable.isEmpty()) {
            unavailable = new LinkedHashSet<>();
            for (String name : event.unavailable()) {
                unavailable.add(rowSchema.fields().get(event.row().schema().field(name).index()).name());
            }
        }
        return new ChangeEvent(event.partition(), event.offset(), table, event.op(), copy(key, keySchema),
                event.row() == null ? null : copy(event.row(), rowSchema), event.position(), unavailable);
    }

    /** Whether the event's table or a name of its key or row is a candidate. */
    public static boolean hasCandidates(ChangeEvent event) {
        return isCandidate(event.table().table()) || (event.table().schema() != null && isCandidate(event.table().schema()))
                || (event.key() != null && hasCandidates(event.key().schema()))
                || (event.row() != null && hasCandidates(event.row().schema()));
    }

    private static boolean hasCandidates(Schema schema) {
        for (Field f : schema.fields()) {
            if (isCandidate(f.name())) {
                return true;
            }
        }
        return false;
    }

    private <E extends Exception> TableId table(TableId id, Target<E> target) throws E {
        TableId known = tables.get(id);
        if (known != null) {
            return known;
        }
        boolean garbled = isCandidate(id.table()) || (id.schema() != null && isCandidate(id.schema()));
        TableId repaired = garbled ? new TableId(id.schema() == null ? null : decodeOrKeep(id.schema()), decodeOrKeep(id.table())) : id;
        TableId resolved;
        if (!garbled || seenTables.contains(id) || target.describe(id) != null) {
            resolved = id;
        } else if (!repaired.equals(id) && (seenTables.contains(repaired) || target.describe(repaired) != null)) {
            resolved = repaired;
        } else {
            throw new DataException("table name " + id + " looks garbled by Debezium's pgoutput decoder (UTF-8"
                    + " bytes read one per char, fixed in Debezium 3.4.3 and 3.5.0.CR1), but "
                    + (repaired.equals(id) ? "its bytes are not valid UTF-8"
                    : "its UTF-8 reading " + repaired + " is neither a target table nor a table of an earlier record")
                    + ", so the sink will not create a table under it; create the target table by its real name"
                    + " (the snapshot does so with auto.create=true) and its records will be repaired, or upgrade"
                    + " the Debezium source");
        }
        seenTables.add(resolved);
        tables.put(id, resolved);
        return resolved;
    }

    private static String decodeOrKeep(String name) {
        String decoded = isCandidate(name) ? decode(name) : null;
        return decoded == null ? name : decoded;
    }

    private <E extends Exception> Schema schema(TableId table, Schema schema, Target<E> target) throws E {
        Map<Schema, Schema> known = schemas.computeIfAbsent(table, t -> new IdentityHashMap<>());
        Schema repaired = known.get(schema);
        if (repaired != null) {
            return repaired;
        }
        repaired = hasCandidates(schema) ? renamed(table, schema, target) : schema;
        if (known.size() >= SCHEMAS_PER_TABLE) {
            known.clear();
        }
        known.put(schema, repaired);
        Set<String> seen = seenColumns.computeIfAbsent(table, t -> new HashSet<>());
        repaired.fields().forEach(f -> seen.add(f.name()));
        return repaired;
    }

    private <E extends Exception> Schema renamed(TableId table, Schema schema, Target<E> target) throws E {
        Set<String> known = new HashSet<>(seenColumns.getOrDefault(table, Set.of()));
        TargetTable existing = target.describe(table);
        if (existing != null) {
            known.addAll(existing.columns());
        }
        SchemaBuilder builder = SchemaBuilder.struct().name(schema.name()).version(schema.version()).doc(schema.doc());
        if (schema.parameters() != null) {
            builder.parameters(schema.parameters());
        }
        if (schema.isOptional()) {
            builder.optional();
        }
        boolean changed = false;
        for (Field f : schema.fields()) {
            String name = column(table, f.name(), known);
            changed |= !name.equals(f.name());
            builder.field(name, f.schema());
        }
        return changed ? builder.build() : schema;
    }

    private static String column(TableId table, String name, Set<String> known) {
        if (!isCandidate(name) || known.contains(name)) {
            return name;
        }
        String repaired = decode(name);
        if (repaired != null && known.contains(repaired)) {
            return repaired;
        }
        throw new DataException("column name '" + name + "' of table " + table + " looks garbled by Debezium's"
                + " pgoutput decoder (UTF-8 bytes read one per char, fixed in Debezium 3.4.3 and 3.5.0.CR1), but "
                + (repaired == null ? "its bytes are not valid UTF-8"
                : "its UTF-8 reading '" + repaired + "' is neither a column of the target table nor a field of an"
                + " earlier record of the table")
                + ", so the sink will not add a column under it; add the column to the target table by its real"
                + " name" + (repaired == null ? "" : " (ALTER TABLE ... ADD COLUMN \"" + repaired + "\" ...)")
                + " and its records will be repaired, or upgrade the Debezium source");
    }

    private static Struct copy(Struct struct, Schema schema) {
        if (struct.schema() == schema) {
            return struct;
        }
        Struct copy = new Struct(schema);
        List<Field> from = struct.schema().fields();
        for (int i = 0; i < from.size(); i++) {
            copy.put(schema.fields().get(i), struct.get(from.get(i)));
        }
        return copy;
    }

    private <E extends Exception> Struct rebuiltKey(ChangeEvent event, TableId table, Target<E> target) throws E {
        if (event.row() == null) {
            throw new DataException("the record of table " + table + " has neither a key nor a row image to rebuild"
                    + " the key from");
        }
        Schema rowSchema = schema(table, event.row().schema(), target);
        Map<Schema, Schema> known = keySchemas.computeIfAbsent(table, t -> new IdentityHashMap<>());
        Schema keySchema = known.get(rowSchema);
        if (keySchema == null) {
            keySchema = keySchema(table, rowSchema, target);
            if (known.size() >= SCHEMAS_PER_TABLE) {
                known.clear();
            }
            known.put(rowSchema, keySchema);
        }
        Struct row = copy(event.row(), rowSchema);
        Struct key = new Struct(keySchema);
        for (Field f : keySchema.fields()) {
            key.put(f, row.get(f.name()));
        }
        return key;
    }

    private <E extends Exception> Schema keySchema(TableId table, Schema rowSchema, Target<E> target) throws E {
        TargetTable existing = target.describe(table);
        if (existing == null || existing.keyColumns().isEmpty()) {
            throw new DataException("the record of table " + table + " has no key: Debezium's pgoutput decoder"
                    + " (before 3.4.3 and 3.5.0.CR1) garbles non-ASCII names and then misses the table's primary key,"
                    + " and the target table " + (existing == null ? "does not exist" : "has no primary key")
                    + " to rebuild it from; create the target table by its real name with its primary key (the"
                    + " snapshot does so with auto.create=true), or upgrade the Debezium source");
        }
        SchemaBuilder builder = SchemaBuilder.struct();
        for (String column : existing.keyColumns()) {
            Field field = rowSchema.field(column);
            if (field == null) {
                throw new DataException("the record of table " + table + " has no key and its row lacks the key"
                        + " column '" + column + "' of the target table to rebuild it from");
            }
            builder.field(column, field.schema());
        }
        return builder.build();
    }
}
