package io.tidemark.sink.event;

import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.position.ReadKind;
import io.tidemark.sink.position.RowVersion;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventReaderTest {

    private final ChangeEventReader reader = new ChangeEventReader(TableNameFormat.parse("${source.table}"),
            "__debezium_unavailable_value");
    private final DebeziumEvents events = new DebeziumEvents();

    @Test
    void readsOpKeyRowPositionAndTable() {
        ChangeEvent e = reader.read(events.update(3, "x", 4, 0x2A0L, 77));
        assertThat(e.op()).isEqualTo(Op.UPDATE);
        assertThat(e.key().getInt32("id")).isEqualTo(3);
        assertThat(e.row().getString("name")).isEqualTo("x");
        assertThat(e.table()).isEqualTo(new TableId(null, "items"));
        assertThat(e.position().rowVersion()).isEqualTo(RowVersion.of(0x2A0L));
        assertThat(e.position().txId()).isEqualTo(77L);
        assertThat(e.position().kind()).isEqualTo(ReadKind.STREAMED);
        assertThat(e.position().logPosition()).isEqualTo("0/2A0");
    }

    @Test
    void snapshotReadIsMarkedAsSnapshot() {
        assertThat(reader.read(events.snapshot(1, "a", 1, 500)).position().kind()).isEqualTo(ReadKind.SNAPSHOT);
    }

    @Test
    void theLastReadOfATablesSnapshotCompletesItButNoOtherReadDoes() {
        assertThat(reader.read(events.lastSnapshotRead(1, "a", 1, 500)).position().completesTableSnapshot()).isTrue();
        assertThat(reader.read(events.record(2, "r", null, DebeziumEvents.row(2, "b", 1), 500, null, "last"))
                .position().completesTableSnapshot()).isTrue();
        assertThat(reader.read(events.snapshot(3, "c", 1, 500)).position().completesTableSnapshot()).isFalse();
        assertThat(reader.read(events.record(4, "r", null, DebeziumEvents.row(4, "d", 1), 500, null,
                "first_in_data_collection")).position().completesTableSnapshot()).isFalse();
        assertThat(reader.read(events.incremental(5, "e", 1, 600)).position().completesTableSnapshot()).isFalse();
    }

    @Test
    void incrementalSnapshotReadHasTheCloseMarkerLsnOfItsSequence() {
        ChangeEvent e = reader.read(events.incremental(1, "a", 1, 0x7D0L));
        assertThat(e.position().kind()).isEqualTo(ReadKind.INCREMENTAL);
        assertThat(e.position().rowVersion()).isEqualTo(RowVersion.of(0x7D0L));
        assertThat(e.position().logPosition()).isEqualTo("0/7D0");
    }

    @Test
    void incrementalSnapshotReadWithoutASequenceFailsNamingIt() {
        SinkRecord record = events.incremental(1, "a", 1, 100);
        ((Struct) record.value()).getStruct("source").put("sequence", null);
        assertThatThrownBy(() -> reader.read(record)).isInstanceOf(DataException.class)
                .hasMessageContaining("incremental-snapshot row has no readable sequence");
    }

    @Test
    void deleteUsesTheBeforeImage() {
        ChangeEvent e = reader.read(events.delete(3, 300, 1));
        assertThat(e.isDelete()).isTrue();
        assertThat(e.row().getInt32("id")).isEqualTo(3);
    }

    @Test
    void tombstonesAndMessagesChangeNoRow() {
        assertThat(reader.read(events.tombstone(1))).isNull();
        assertThat(reader.read(events.record(1, "m", null, null, 10, 1L, "false"))).isNull();
    }

    @Test
    void truncateHasNoKeyNoRowAndTheTruncatesLsn() {
        ChangeEvent e = reader.read(events.truncate(0x1F4L, 9));
        assertThat(e.isTruncate()).isTrue();
        assertThat(e.key()).isNull();
        assertThat(e.row()).isNull();
        assertThat(e.table()).isEqualTo(new TableId(null, "items"));
        assertThat(e.position().kind()).isEqualTo(ReadKind.STREAMED);
        assertThat(e.position().rowVersion()).isEqualTo(RowVersion.of(0x1F4L));
    }

    @Test
    void placeholderMarksUnavailableColumns() {
        ChangeEvent e = reader.read(events.update(1, "__debezium_unavailable_value", 2, 10, 1));
        assertThat(e.unavailable()).containsExactly("name");
    }

    @Test
    void placeholderTextInAnInsertOrSnapshotReadIsData() {
        assertThat(reader.read(events.insert(1, "__debezium_unavailable_value", 2, 10, 1)).unavailable()).isEmpty();
        assertThat(reader.read(events.snapshot(1, "__debezium_unavailable_value", 2, 10)).unavailable()).isEmpty();
    }

    @Test
    void nonEnvelopeValueIsRejectedWithAHint() {
        SinkRecord plain = new SinkRecord("t", 0, null, null, Schema.STRING_SCHEMA, "hello", 5);
        assertThatThrownBy(() -> reader.read(plain)).isInstanceOf(DataException.class).hasMessageContaining("schemas");
        Schema notEnvelope = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
        SinkRecord struct = new SinkRecord("t", 0, null, null, notEnvelope, new Struct(notEnvelope).put("id", 1), 5);
        assertThatThrownBy(() -> reader.read(struct)).isInstanceOf(DataException.class).hasMessageContaining("'op'");
    }

    @Test
    void missingKeyIsRejected() {
        SinkRecord keyed = events.insert(1, "a", 1, 10, 1);
        SinkRecord unkeyed = new SinkRecord(keyed.topic(), 0, null, null, keyed.valueSchema(), keyed.value(), 1);
        assertThatThrownBy(() -> reader.read(unkeyed)).isInstanceOf(DataException.class).hasMessageContaining("key");
    }

    @Test
    void unknownOpIsRejected() {
        assertThatThrownBy(() -> reader.read(events.record(1, "x", null, DebeziumEvents.row(1, "a", 1), 10, 1L, "false")))
                .isInstanceOf(DataException.class).hasMessageContaining("op 'x'");
    }
}
