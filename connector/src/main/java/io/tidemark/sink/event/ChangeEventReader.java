package io.tidemark.sink.event;

import io.tidemark.sink.position.SourcePosition;
import io.tidemark.sink.position.SourcePositionReader;
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

    public ChangeEventReader(TableNameFormat tableNames, String unavailablePlaceholder) {
        this.tableNames = tableNames;
        this.unavailablePlaceholder = unavailablePlaceholder;
        this.unavailablePlaceholderBytes = unavailablePlaceholder.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The change in {@code record}, or null when the record changes no row: a tombstone (null value,
     * which Debezium sends after a delete for log compaction), a truncate or a logical message.
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
        Schema schema = envelope.schema();
        for (String required : List.of("op", "source")) {
            if (schema.field(required) == null) {
                throw new DataException("value is not a Debezium change-event envelope: it has no '" + required
                        + "' field (fields: " + fieldNames(schema) + ")");
            }
        }
        Op op = Op.fromCode(envelope.getString("op"));
        if (op == null) {
            return null;
        }
        Struct source = envelope.getStruct("source");
        if (source == null) {
            throw new DataException("the Debezium envelope has an empty 'source' block");
        }
        if (!(record.key() instanceof Struct key)) {
            throw new DataException("the record has no key struct; merge mode needs the table's primary key as the"
                    + " record key (tables without a primary key need REPLICA IDENTITY and message.key.columns"
                    + " on the Debezium source)");
        }
        Struct row = op.isDelete() ? structOrNull(envelope, "before") : structOrNull(envelope, "after");
        if (row == null && !op.isDelete()) {
            throw new DataException("a '" + op.code() + "' event without an 'after' image");
        }
        SourcePosition position = SourcePositionReader.read(source, op == Op.READ);
        TableId table = tableNames.resolve(record.topic(), source);
        return new ChangeEvent(new TopicPartition(record.topic(), record.kafkaPartition()), record.kafkaOffset(),
                table, op, key, row, position, op == Op.UPDATE ? unavailableColumns(row) : Set.of());
    }

    private static Struct structOrNull(Struct envelope, String name) {
        return envelope.schema().field(name) == null ? null : envelope.getStruct(name);
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
