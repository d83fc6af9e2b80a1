package io.tidemark.sink.event;

import io.tidemark.sink.BinlogEvents;
import io.tidemark.sink.BinlogEvents.At;
import io.tidemark.sink.DebeziumEvents;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SourceTransactionsTest {

    private final SourceTransactions transactions = new SourceTransactions();
    private final DebeziumEvents items = new DebeziumEvents();
    private final DebeziumEvents orders = new DebeziumEvents("shop.public.orders", 0, 0);

    @Test
    void theLastTransactionOfAPartitionIsHeldUntilItsEndIsSeen() {
        SinkRecord t1 = items.insert(1, "a", 1, 100, 7);
        SinkRecord t2a = items.insert(2, "b", 1, 110, 8);
        SinkRecord t2b = items.update(3, "c", 1, 111, 8);
        SourceTransactions.Split split = transactions.split(List.of(t1, t2a, t2b));
        assertThat(split.complete()).containsExactly(t1);
        assertThat(split.held()).containsExactly(t2a, t2b);
    }

    @Test
    void eachPartitionHoldsItsOwnTailAndKeepsItsOrder() {
        SinkRecord i1 = items.insert(1, "a", 1, 100, 7);
        SinkRecord o1 = orders.insert(1, "o", 1, 101, 7);
        SinkRecord i2 = items.insert(2, "b", 1, 110, 8);
        SinkRecord o2 = orders.insert(2, "o", 1, 111, 9);
        SinkRecord o3 = orders.insert(3, "o", 1, 112, 10);
        SourceTransactions.Split split = transactions.split(List.of(i1, o1, i2, o2, o3));
        assertThat(split.complete()).containsExactly(i1, o1, o2);
        assertThat(split.held()).containsExactly(i2, o3);
    }

    @Test
    void snapshotReadsAndIncrementalReadsAreTransactionsOfTheirOwn() {
        SinkRecord s1 = items.snapshot(1, "a", 1, 500);
        SinkRecord s2 = items.snapshot(2, "b", 1, 500);
        SinkRecord r = items.incremental(3, "c", 1, 600);
        SourceTransactions.Split split = transactions.split(List.of(s1, s2, r));
        assertThat(split.complete()).containsExactly(s1, s2, r);
        assertThat(split.held()).isEmpty();
        assertThat(transactions.commitPoints(List.of(s1, s2, r))).containsExactly(true, true, true);
    }

    @Test
    void aTombstoneBelongsToTheTransactionOfTheDeleteBeforeIt() {
        SinkRecord delete = items.delete(1, 100, 7);
        SinkRecord tombstone = items.tombstone(1);
        SinkRecord update = items.update(2, "b", 1, 101, 7);
        SinkRecord next = items.update(2, "c", 1, 120, 8);
        assertThat(transactions.commitPoints(List.of(delete, tombstone, update, next)))
                .containsExactly(false, false, true, true);
        assertThat(transactions.split(List.of(delete, tombstone)).held()).containsExactly(delete, tombstone);
    }

    @Test
    void commitPointsFallWhereNoPartitionIsInsideATransaction() {
        SinkRecord i1 = items.insert(1, "a", 1, 100, 7);
        SinkRecord o1 = orders.insert(1, "o", 1, 101, 7);
        SinkRecord i2 = items.insert(2, "b", 1, 102, 7);
        SinkRecord o2 = orders.insert(2, "o", 1, 103, 7);
        SinkRecord i3 = items.insert(3, "c", 1, 110, 8);
        SinkRecord o3 = orders.insert(3, "o", 1, 111, 9);
        // After i1 both partitions are inside transaction 7 until o2; after i3 orders has moved on to 9.
        assertThat(transactions.commitPoints(List.of(i1, o1, i2, o2, i3, o3)))
                .containsExactly(false, false, false, true, true, true);
    }

    @Test
    void neighbourRecordsAndUnreadableValuesNeverHoldAnything() {
        SinkRecord heartbeat = new SinkRecord("__debezium-heartbeat.shop", 0, null, null, null, "not a struct", 0);
        assertThat(transactions.split(List.of(heartbeat)).held()).isEmpty();
    }

    @Test
    void aTransactionHeldInOnePartitionHoldsItsRecordsAndWhatFollowsThemInTheOthers() {
        SinkRecord item = items.insert(1, "a", 1, 100, 5);
        SinkRecord order = orders.insert(1, "o", 1, 101, 5);
        SinkRecord laterOrder = orders.insert(2, "o", 1, 120, 6);
        SourceTransactions.Split split = transactions.split(List.of(item, order, laterOrder));
        assertThat(split.complete()).isEmpty();
        assertThat(split.held()).containsExactly(item, order, laterOrder);
    }

    @Test
    void commitPointsNeverCutATransactionAcrossPartitions() {
        SinkRecord item = items.insert(1, "a", 1, 100, 5);
        SinkRecord other = items.insert(2, "b", 1, 110, 6);
        SinkRecord order = orders.insert(1, "o", 1, 101, 5);
        assertThat(transactions.commitPoints(List.of(item, other, order))).containsExactly(false, false, true);
    }

    private static final Schema BLOCK = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA)
            .field("total_order", Schema.INT64_SCHEMA).field("data_collection_order", Schema.INT64_SCHEMA).build();
    private static final Schema ENVELOPE_WITH_BLOCK = SchemaBuilder.struct().field("before", DebeziumEvents.ROW)
            .field("after", DebeziumEvents.ROW).field("source", DebeziumEvents.SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("transaction", BLOCK).build();
    private static final Schema COLLECTION = SchemaBuilder.struct().field("data_collection", Schema.STRING_SCHEMA)
            .field("event_count", Schema.INT64_SCHEMA).build();
    private static final Schema MARKER = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA).field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
            .field("data_collections", SchemaBuilder.array(COLLECTION).optional().build())
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    private long markerOffset;

    /** {@code record} as Debezium sends it with provide.transaction.metadata=true: with a transaction block. */
    private static SinkRecord withBlock(SinkRecord record, String table) {
        Struct plain = (Struct) record.value();
        Struct source = plain.getStruct("source");
        source.put("table", table);
        Struct value = new Struct(ENVELOPE_WITH_BLOCK).put("after", plain.get("after")).put("source", source)
                .put("op", plain.get("op"))
                .put("transaction", new Struct(BLOCK).put("id", source.get("txId") + ":" + source.get("lsn"))
                        .put("total_order", 1L).put("data_collection_order", 1L));
        return new SinkRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                ENVELOPE_WITH_BLOCK, value, record.kafkaOffset());
    }

    private SinkRecord end(long txId, Map<String, Long> counts) {
        List<Struct> collections = new ArrayList<>();
        counts.forEach((table, count) -> collections.add(new Struct(COLLECTION).put("data_collection", table)
                .put("event_count", count)));
        Struct value = new Struct(MARKER).put("status", "END").put("id", txId + ":999")
                .put("event_count", counts.values().stream().mapToLong(Long::longValue).sum())
                .put("data_collections", collections).put("ts_ms", 0L);
        return new SinkRecord("shop.transaction", 0, null, null, MARKER, value, markerOffset++);
    }

    private static final Schema BINLOG_ENVELOPE_WITH_BLOCK = SchemaBuilder.struct().field("before", DebeziumEvents.ROW)
            .field("after", DebeziumEvents.ROW).field("source", BinlogEvents.SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("transaction", BLOCK).build();

    /** A binlog change event with the transaction block Debezium's MySQL connector adds: {@code id} names it whole. */
    private static SinkRecord withBinlogBlock(SinkRecord record, String transactionId) {
        Struct plain = (Struct) record.value();
        Struct value = new Struct(BINLOG_ENVELOPE_WITH_BLOCK).put("after", plain.get("after"))
                .put("source", plain.get("source")).put("op", plain.get("op"))
                .put("transaction", new Struct(BLOCK).put("id", transactionId).put("total_order", 1L)
                        .put("data_collection_order", 1L));
        return new SinkRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                BINLOG_ENVELOPE_WITH_BLOCK, value, record.kafkaOffset());
    }

    private SinkRecord end(String id, Map<String, Long> counts) {
        List<Struct> collections = new ArrayList<>();
        counts.forEach((table, count) -> collections.add(new Struct(COLLECTION).put("data_collection", table)
                .put("event_count", count)));
        Struct value = new Struct(MARKER).put("status", "END").put("id", id)
                .put("event_count", counts.values().stream().mapToLong(Long::longValue).sum())
                .put("data_collections", collections).put("ts_ms", 0L);
        return new SinkRecord("shop.transaction", 0, null, null, MARKER, value, markerOffset++);
    }

    @Test
    void binlogTransactionsAreNamedByTheirWholeIdAndWaitForTheirEndMarker() {
        BinlogEvents binlog = new BinlogEvents();
        String t1 = "file=mysql-bin.000003,pos=400";
        SinkRecord a = withBinlogBlock(binlog.insert(1, "a", 1, At.of("mysql-bin.000003", 480, 0)), t1);
        SinkRecord b = withBinlogBlock(binlog.insert(2, "b", 1, At.of("mysql-bin.000003", 480, 1)), t1);
        SinkRecord c = withBinlogBlock(binlog.insert(3, "c", 1, At.of("mysql-bin.000003", 600, 0)), t1);
        SourceTransactions.Split waiting = transactions.split(List.of(a, b, end(t1, Map.of("shop.items", 3L))));
        assertThat(waiting.held()).as("two of the three events END counts").containsExactly(a, b);
        assertThat(transactions.split(List.of(a, b, c)).complete()).containsExactly(a, b, c);
    }

    @Test
    void gtidsOfOneServerNameDifferentTransactionsThoughTheyShareTheirSourcePart() {
        BinlogEvents binlog = new BinlogEvents();
        String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        SinkRecord first = withBinlogBlock(binlog.insert(1, "a", 1, At.of("mysql-bin.000003", 480, 0)), uuid + ":23");
        SinkRecord second = withBinlogBlock(binlog.insert(2, "b", 1, At.of("mysql-bin.000003", 700, 0)), uuid + ":24");
        SourceTransactions.Split split = transactions.split(List.of(end(uuid + ":23", Map.of("shop.items", 1L)), first,
                second));
        assertThat(split.held()).as("transaction :24 has no END yet").containsExactly(second);
    }

    @Test
    void binlogChangesWithoutGtidOrMetadataAreTransactionsOfTheirOwn() {
        BinlogEvents binlog = new BinlogEvents();
        SinkRecord a = binlog.insert(1, "a", 1, At.of("mysql-bin.000003", 480, 0));
        SinkRecord b = binlog.insert(2, "b", 1, At.of("mysql-bin.000003", 480, 1));
        assertThat(transactions.split(List.of(a, b)).held()).isEmpty();
        assertThat(transactions.commitPoints(List.of(a, b))).containsExactly(true, true);
    }

    @Test
    void binlogChangesCarryingAGtidAreGroupedByItWithoutMetadata() {
        BinlogEvents binlog = new BinlogEvents();
        SinkRecord a = binlog.insert(1, "a", 1, At.of("mysql-bin.000003", 480, 0));
        SinkRecord b = binlog.insert(2, "b", 1, At.of("mysql-bin.000003", 480, 1));
        ((Struct) a.value()).getStruct("source").put("gtid", "0-1-42");
        ((Struct) b.value()).getStruct("source").put("gtid", "0-1-42");
        assertThat(transactions.commitPoints(List.of(a, b))).containsExactly(false, true);
        assertThat(transactions.split(List.of(a, b)).held()).containsExactly(a, b);
    }

    @Test
    void withTransactionMetadataATransactionWaitsForItsEndAndEveryEventItCounts() {
        SinkRecord order = withBlock(orders.insert(1, "o", 1, 100, 5), "orders");
        SinkRecord firstItem = withBlock(items.insert(1, "a", 1, 101, 5), "items");
        SinkRecord end = end(5, Map.of("public.orders", 1L, "public.items", 2L));
        SinkRecord nextOrder = withBlock(orders.insert(2, "o", 1, 120, 6), "orders");
        SourceTransactions.Split first = transactions.split(List.of(order, end, firstItem, nextOrder));
        assertThat(first.complete()).as("markers are never held").containsExactly(end);
        assertThat(first.held()).containsExactly(order, firstItem, nextOrder);

        SinkRecord secondItem = withBlock(items.insert(2, "b", 1, 102, 5), "items");
        List<SinkRecord> next = new ArrayList<>(first.held());
        next.add(secondItem);
        SourceTransactions.Split second = transactions.split(next);
        assertThat(second.complete()).containsExactly(order, firstItem, secondItem);
        assertThat(second.held()).as("transaction 6 has no END yet").containsExactly(nextOrder);
    }

    @Test
    void aSubscribedMetadataTopicMakesTheFirstTransactionWaitForItsEndMarkerBeforeAnyMarkerArrives() {
        SinkRecord order = withBlock(orders.insert(1, "o", 1, 100, 5), "orders");
        SinkRecord next = withBlock(orders.insert(2, "o", 1, 110, 6), "orders");
        assertThat(new SourceTransactions(topic -> topic.equals("shop.transaction")).split(List.of(order, next)).held())
                .as("transaction 5 waits for its END").containsExactly(order, next);
        assertThat(new SourceTransactions(topic -> false).split(List.of(order, next)).held())
                .as("not subscribed: the next transaction ends it").containsExactly(next);
    }

    @Test
    void withTransactionMetadataAnEndedTransactionIsReleasedAtOnceAndTablesNeverReceivedAreNotAwaited() {
        SinkRecord order = withBlock(orders.insert(1, "o", 1, 100, 5), "orders");
        SinkRecord end = end(5, Map.of("public.orders", 1L, "public.audit_log", 4L));
        assertThat(transactions.split(List.of(order, end)).held()).isEmpty();
    }

    @Test
    void endMarkersDoNotCountTombstonesSoADeletesTombstoneNeverStandsInForAnEventStillToCome() {
        SinkRecord delete = withBlock(items.delete(1, 100, 5), "items");
        SinkRecord tombstone = items.tombstone(1);
        SinkRecord end = end(5, Map.of("public.items", 2L));
        assertThat(transactions.split(List.of(delete, tombstone, end)).held()).containsExactly(delete, tombstone);
    }

    private static final long SECOND = 1_000_000_000L;
    private static final SourceTransactions.Waits WAITS = new SourceTransactions.Waits(SECOND, 60 * SECOND);
    private final Map<TopicPartition, Long> arrivals = new HashMap<>();

    /** Advances the open transaction with records that arrive at {@code now}. */
    private SourceTransactions.Advance advance(SourceTransactions.Open open, long now, SinkRecord... records) {
        for (SinkRecord record : records) {
            arrivals.put(new TopicPartition(record.topic(), record.kafkaPartition()), now);
        }
        return transactions.advance(open, 0, List.of(records), arrivals, now, WAITS);
    }

    @Test
    void anOpenTransactionCommitsAtTheLastPointWhereEveryTransactionWrittenIntoItIsFollowed() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0,
                items.insert(1, "a", 1, 100, 7), items.insert(2, "b", 1, 101, 7));
        assertThat(first.commitAfter()).as("transaction 7 may continue: only before it").isZero();
        assertThat(first.open().unfinished()).isEqualTo(1);
        assertThat(first.wakeNanos()).as("atomic.idle.ms after its last record").isEqualTo(SECOND);

        SourceTransactions.Advance second = advance(first.open(), 10,
                items.insert(3, "c", 1, 102, 7), items.insert(4, "d", 1, 110, 8), items.insert(5, "e", 1, 120, 9));
        assertThat(second.commitAfter()).as("after transaction 8, which 9 follows; 9 may continue").isEqualTo(2);
    }

    @Test
    void anOpenTransactionWaitsForTheTransactionsOfOtherPartitionsWrittenIntoIt() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0,
                items.insert(1, "a", 1, 100, 7), orders.insert(1, "o", 1, 105, 9));
        SourceTransactions.Advance second = advance(first.open(), 10,
                items.insert(2, "b", 1, 101, 7), items.insert(3, "c", 1, 110, 8));
        assertThat(second.commitAfter()).as("transaction 9 of orders may continue").isNegative();
        assertThat(second.open().unfinished()).as("9 and 8").isEqualTo(2);

        SourceTransactions.Advance third = advance(second.open(), 20,
                orders.insert(2, "o", 1, 106, 9), orders.insert(3, "o", 1, 130, 10), items.insert(4, "d", 1, 140, 11));
        assertThat(third.commitAfter()).as("8 and 9 are followed; 10 and 11 may continue").isEqualTo(1);
    }

    @Test
    void anOpenTransactionCommitsWhenItsPartitionsHaveBeenQuietForAtomicIdleMs() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0, items.insert(1, "a", 1, 100, 7));
        assertThat(advance(first.open(), SECOND - 1).commitAfter()).isNegative();
        SourceTransactions.Advance quiet = advance(first.open(), SECOND);
        assertThat(quiet.commitAfter()).as("commit before any further record").isZero();
    }

    @Test
    void aSnapshotReadAfterATransactionShowsThatTransactionHasEnded() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0, items.insert(1, "a", 1, 100, 7));
        assertThat(advance(first.open(), 10, items.incremental(2, "b", 1, 200)).commitAfter()).isEqualTo(1);
    }

    @Test
    void aTombstoneAtTheStartOfAPutBelongsToTheDeleteWrittenBeforeIt() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0,
                items.insert(1, "a", 1, 100, 7), items.delete(2, 101, 7));
        SourceTransactions.Advance second = advance(first.open(), 10, items.tombstone(2), items.insert(3, "c", 1, 110, 8));
        assertThat(second.commitAfter()).as("after the tombstone, which ends transaction 7").isEqualTo(1);
    }

    @Test
    void withTransactionMetadataAnOpenTransactionCommitsOnceTheEventsOfAllPutsAddUpToTheEndMarkersCounts() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0,
                withBlock(items.insert(1, "a", 1, 100, 5), "items"), withBlock(items.insert(2, "b", 1, 101, 5), "items"));
        SourceTransactions.Advance second = advance(first.open(), 10, end(5, Map.of("public.items", 3L)));
        assertThat(second.commitAfter()).as("two of the three events").isNegative();
        assertThat(second.wakeNanos()).as("atomic.end.timeout.ms after the last record of items")
                .isEqualTo(60 * SECOND - 10);
        SourceTransactions.Advance third = advance(second.open(), 20, withBlock(items.insert(3, "c", 1, 102, 5), "items"));
        assertThat(third.commitAfter()).isEqualTo(1);
    }

    @Test
    void withTransactionMetadataEndMarkersAreAwaitedNoMoreOnceTheOpenTransactionIsAtomicEndTimeoutMsOld() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0, end(4, Map.of("public.items", 1L)),
                withBlock(items.insert(1, "a", 1, 100, 5), "items"));
        SourceTransactions.Advance second = advance(first.open(), SECOND,
                withBlock(items.insert(2, "b", 1, 110, 6), "items"));
        assertThat(second.commitAfter()).as("5 is followed, but its END marker has not come").isNegative();
        assertThat(second.wakeNanos()).isEqualTo(59 * SECOND);
        SourceTransactions.Advance late = advance(second.open(), 60 * SECOND,
                withBlock(items.insert(3, "c", 1, 120, 7), "items"));
        assertThat(late.commitAfter()).as("5 and 6 are followed; 7 may continue").isEqualTo(0);
    }

    @Test
    void withTransactionMetadataAnOldOpenTransactionStillWaitsAtomicEndTimeoutMsOfSilenceForTheEndOfItsLastTransaction() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0, end(4, Map.of("public.items", 1L)),
                withBlock(items.insert(1, "a", 1, 100, 5), "items"));
        SourceTransactions.Advance more = advance(first.open(), 70 * SECOND,
                withBlock(items.insert(2, "b", 1, 101, 5), "items"));
        assertThat(advance(more.open(), 71 * SECOND).commitAfter()).as("a pause of atomic.idle.ms is no end").isNegative();
        assertThat(advance(more.open(), 130 * SECOND).commitAfter()).isZero();
    }
}
