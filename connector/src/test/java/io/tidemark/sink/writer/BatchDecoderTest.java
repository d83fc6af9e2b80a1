package io.tidemark.sink.writer;

import io.tidemark.sink.BinlogEvents;
import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.dialect.postgres.PostgresDialect;
import io.tidemark.sink.event.ChangeEventReader;
import io.tidemark.sink.event.PgoutputNames;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.event.TableNameFormat;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding and reduction without a database: what a list of records comes to before anything is written. */
class BatchDecoderTest {

    private static final TopicPartition ITEMS = new TopicPartition(DebeziumEvents.TOPIC, 0);
    private static final PgoutputNames.Target<RuntimeException> NO_TABLES = table -> null;

    private final List<SinkRecord> reported = new ArrayList<>();
    private final ErrantRecords errant = (record, error) -> reported.add(record);
    private final DebeziumEvents events = new DebeziumEvents();

    private static BatchDecoder decoder(String tableNameFormat) {
        return new BatchDecoder(new ChangeEventReader(TableNameFormat.parse(tableNameFormat),
                DebeziumEvents.UNAVAILABLE), new MergeWriter(new PostgresDialect(), true),
                List.of(new TableId(null, "cdc_watermark")), true);
    }

    private final BatchDecoder decoder = decoder("${source.table}");

    @Test
    void recordsBelowTheDurableOffsetAreSkippedAsRedelivered() {
        List<SinkRecord> records = List.of(events.insert(1, "a", 1, 100, 1), events.insert(2, "b", 1, 110, 2),
                events.insert(3, "c", 1, 120, 3));
        BatchDecoder.Decoded decoded = decoder.decode(records, Map.of(ITEMS, 2L), errant, NO_TABLES);
        assertThat(decoded.redelivered()).isEqualTo(2);
        assertThat(decoded.batch().rows(new TableId(null, "items"))).hasSize(1);
        assertThat(decoded.progress().get(ITEMS).nextOffset()).isEqualTo(3);
    }

    @Test
    void changesOfOneKeyFoldIntoTheNewestAndProgressKeepsThePartitionsLastPosition() {
        BatchDecoder.Decoded decoded = decoder.decode(List.of(events.insert(1, "a", 1, 100, 1),
                events.update(1, "b", 2, 110, 2), events.tombstone(9)), Map.of(), errant, NO_TABLES);
        assertThat(decoded.batch().folded()).isEqualTo(1);
        assertThat(decoded.progress().get(ITEMS).nextOffset()).isEqualTo(3);
        assertThat(decoded.progress().get(ITEMS).lastPosition().logPosition()).isEqualTo("0/6E");
        assertThat(decoded.lastSourceTsMs()).isEqualTo(1_700_000_000_000L + 110);
    }

    @Test
    void neighbourRecordsAdvanceTheOffsetAndChangeNoRow() {
        Schema schema = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        SinkRecord heartbeat = new SinkRecord(DebeziumEvents.TOPIC, 0, null, null, schema,
                new Struct(schema).put("ts_ms", 1L), 0);
        BatchDecoder.Decoded decoded = decoder.decode(List.of(heartbeat), Map.of(), errant, NO_TABLES);
        assertThat(decoded.neighbours()).isEqualTo(1);
        assertThat(decoded.batch().tables()).isEmpty();
        assertThat(decoded.progress().get(ITEMS).nextOffset()).isEqualTo(1);
    }

    @Test
    void aRecordThatCannotBeReadIsReportedAndItsOffsetStillAdvances() {
        SinkRecord foreign = events.insert(1, "a", 1, 100, 1);
        ((Struct) foreign.value()).getStruct("source").put("connector", "sqlserver");
        SinkRecord good = events.insert(2, "b", 1, 110, 2);
        BatchDecoder.Decoded decoded = decoder.decode(List.of(foreign, good), Map.of(), errant, NO_TABLES);
        assertThat(reported).containsExactly(foreign);
        assertThat(decoded.errant()).isEqualTo(1);
        assertThat(decoded.progress().get(ITEMS).nextOffset()).isEqualTo(2);
    }

    @Test
    void theLastReadOfATableSnapshotAddsTheSnapshotsCompletion() {
        BatchDecoder.Decoded decoded = decoder.decode(List.of(events.snapshot(1, "a", 1, 500),
                events.lastSnapshotRead(2, "b", 1, 500)), Map.of(), errant, NO_TABLES);
        assertThat(decoded.batch().tableChanges()).isEqualTo(1);
    }

    @Test
    void aTableWrittenFromTwoTopicsIsNeverReconciledBySnapshotsOfOne() {
        BatchDecoder shared = decoder("items");
        DebeziumEvents other = new DebeziumEvents("shop.archive.items", 0, 0);
        BatchDecoder.Decoded decoded = shared.decode(List.of(events.insert(1, "a", 1, 100, 1),
                other.insert(2, "b", 1, 110, 2), events.lastSnapshotRead(3, "c", 1, 500)), Map.of(), errant, NO_TABLES);
        assertThat(decoded.batch().tableChanges()).isZero();
    }

    @Test
    void changeEventsAimedAtTheSinksOwnTablesAreRejected() {
        BatchDecoder intoWatermark = decoder("cdc_watermark");
        SinkRecord record = events.insert(1, "a", 1, 100, 1);
        intoWatermark.decode(List.of(record), Map.of(), errant, NO_TABLES);
        assertThat(reported).containsExactly(record);
    }

    @Test
    void binlogChangesDecodeLikeWalChanges() {
        BinlogEvents binlog = new BinlogEvents();
        BatchDecoder.Decoded decoded = decoder.decode(List.of(
                binlog.insert(1, "a", 1, BinlogEvents.At.of("mysql-bin.000001", 400, 0)),
                binlog.update(1, "b", 2, BinlogEvents.At.of("mysql-bin.000001", 600, 0))), Map.of(), errant, NO_TABLES);
        assertThat(decoded.batch().folded()).isEqualTo(1);
        assertThat(decoded.progress().get(new TopicPartition(BinlogEvents.TOPIC, 0)).lastPosition().logPosition())
                .isEqualTo("mysql-bin.000001:600:0");
    }
}
