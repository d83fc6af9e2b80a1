package io.tidemark.sink.event;

import io.tidemark.sink.position.SourcePosition;
import io.tidemark.sink.position.SourcePositionReader;
import io.tidemark.sink.schema.PerSchema;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a sink record holding a Debezium change-event envelope into a {@link ChangeEvent}. Works on
 * Connect's {@link Struct} data only, so any converter (JSON with schemas, Avro, Protobuf) feeds it.
 */
public final class ChangeEventReader {

    private final TableNameFormat tableNames;
    private final String unavailablePlaceholder;
    private final byte[] unavailablePlaceholderBytes;
    private final SourcePositionReader positions = new SourcePositionReader();
    private final PerSchema<EnvelopeFields> envelopes = new PerSchema<>(ChangeEventReader::envelopeFields);
    private final PerSchema<Neighbour> neighbours = new PerSchema<>(Neighbour::of);

    /** The envelope fields of one schema; {@code before} and {@code after} are null when the schema lacks them. */
    private record EnvelopeFields(Field op, Field source, Field before, Field after) {
    }

    public ChangeEventReader(TableNameFormat tableNames, String unavailablePlaceholder) {
        this.tableNames = tableNames;
        this.unavailablePlaceholder = unavailablePlaceholder;
        this.unavailablePlaceholderBytes = unavailablePlaceholder.getBytes(StandardCharsets.UTF_8);
    }

    /** The kind of Debezium neighbour record {@code record} is (a transaction marker, a heartbeat, ...), or null. */
    public Neighbour neighbour(SinkRecord record) {
        return record.value() instanceof Struct value ? neighbours.of(value.schema()) : null;
    }

    /**
     * The change in {@code record}, or null when the record changes no row: a tombstone (null value,
     * which Debezium sends after a delete for log compaction) or a logical message.
     *
     * @throws DataException when the record is not a keyed Debezium envelope
     */
    public ChangeEvent read(SinkRecord record) {
        if (record.value() == null) {
            return null;
        }
        if (!(record.value() instanceof Struct envelope)) {
            throw new DataException("value is not a Debezium change-event envelope (expected a Struct with a schema,"
                    + " got " + record.value().getClass().getSimpleName() + "); use a converter with schemas,"
                    + " e.g. JsonConverter with value.converter.schemas.enable=true");
        }
        EnvelopeFields fields = envelopes.of(envelope.schema());
        Object code = envelope.get(fields.op());
        if (code != null && !(code instanceof String)) {
            throw new DataException("the Debezium envelope's 'op' is not a string: " + code);
        }
        Op op = Op.fromCode((String) code);
        if (op == null) {
            return null;
        }
        Struct source = struct(envelope, fields.source());
        if (source == null) {
            throw new DataException("the Debezium envelope has an empty 'source' block");
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.kafkaPartition());
        if (op == Op.TRUNCATE) {
            return new ChangeEvent(partition, record.kafkaOffset(), tableNames.resolve(record.topic(), source), op,
                    null, null, positions.read(source, false), Set.of());
        }
        if (!(record.key() instanceof Struct key)) {
            throw new DataException("the record has no key struct; merge mode needs the table's primary key as the"
                    + " record key (tables without a primary key need REPLICA IDENTITY and message.key.columns"
                    + " on the Debezium source)");
        }
        Struct row = struct(envelope, op.isDelete() ? fields.before() : fields.after());
        if (row == null && !op.isDelete()) {
            throw new DataException("a '" + op.code() + "' event without an 'after' image");
        }
        SourcePosition position = positions.read(source, op == Op.READ);
        TableId table = tableNames.resolve(record.topic(), source);
        return new ChangeEvent(partition, record.kafkaOffset(), table, op, key, row, position,
                op == Op.UPDATE ? unavailableColumns(row) : Set.of());
    }

    /** The envelope's fields, by name; throws when the schema is not an envelope's. */
    private static EnvelopeFields envelopeFields(Schema schema) {
        for (String required : List.of("op", "source")) {
            if (schema.field(required) == null) {
                throw new DataException("value is not a Debezium change-event envelope: it has no '" + required
                        + "' field (fields: " + fieldNames(schema) + ")");
            }
        }
        return new EnvelopeFields(schema.field("op"), schema.field("source"), schema.field("before"), schema.field("after"));
    }

    /** The struct in {@code field}, or null when the field is absent or empty. */
    private static Struct struct(Struct envelope, Field field) {
        if (field == null) {
            return null;
        }
        Object value = envelope.get(field);
        if (value == null || value instanceof Struct) {
            return (Struct) value;
        }
        throw new DataException("the Debezium envelope's '" + field.name() + "' is not a struct");
    }

    /**
     * Columns an update left untouched whose value Debezium could not read (TOAST). Only updates carry the
     * placeholder: inserts and snapshot reads hold every value, so a column there that happens to contain
     * the placeholder text is data.
     */
    private Set<String> unavailableColumns(Struct row) {
        Set<String> unavailable = null;
        for (Field f : row.schema().fields()) {
            if (isPlaceholder(row.get(f))) {
                if (unavailable == null) {
                    unavailable = new TreeSet<>();
                }
                unavailable.add(f.name());
            }
        }
        return unavailable == null ? Set.of() : Collections.unmodifiableSet(unavailable);
    }

    private boolean isPlaceholder(Object value) {
        if (value instanceof String s) {
            return s.equals(unavailablePlaceholder);
        }
        if (value instanceof byte[] b) {
            return Arrays.equals(b, unavailablePlaceholderBytes);
        }
        if (value instanceof ByteBuffer b) {
            return b.remaining() == unavailablePlaceholderBytes.length
                    && b.duplicate().equals(ByteBuffer.wrap(unavailablePlaceholderBytes));
        }
        if (value instanceof List<?> list) {
            return list.size() == 1 && isPlaceholder(list.get(0));
        }
        return false;
    }

    private static String fieldNames(Schema schema) {
        return schema.type() == Schema.Type.STRUCT ? schema.fields().stream().map(Field::name).toList().toString() : schema.type().toString();
    }
}
