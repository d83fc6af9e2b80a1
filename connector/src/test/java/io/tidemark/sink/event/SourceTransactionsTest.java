package io.tidemark.sink.event;

import io.tidemark.sink.BinlogEvents;
import io.tidemark.sink.BinlogEvents.At;
import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.TransactionMetadata;
import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.position.StreamHorizon;
import org.apache.kafka.common.TopicPartition;
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
    private final TransactionMetadata metadata = new TransactionMetadata();
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

    @Test
    void binlogTransactionsAreNamedByTheirWholeIdAndWaitForTheirEndMarker() {
        BinlogEvents binlog = new BinlogEvents();
        String t1 = "file=mysql-bin.000003,pos=400";
        SinkRecord a = metadata.withBinlogBlock(binlog.insert(1, "a", 1, At.of("mysql-bin.000003", 480, 0)), t1);
        SinkRecord b = metadata.withBinlogBlock(binlog.insert(2, "b", 1, At.of("mysql-bin.000003", 480, 1)), t1);
        SinkRecord c = metadata.withBinlogBlock(binlog.insert(3, "c", 1, At.of("mysql-bin.000003", 600, 0)), t1);
        SourceTransactions.Split waiting = transactions.split(List.of(a, b, metadata.end(t1, Map.of("shop.items", 3L))));
        assertThat(waiting.held()).as("two of the three events END counts").containsExactly(a, b);
        assertThat(transactions.split(List.of(a, b, c)).complete()).containsExactly(a, b, c);
    }

    @Test
    void gtidsOfOneServerNameDifferentTransactionsThoughTheyShareTheirSourcePart() {
        BinlogEvents binlog = new BinlogEvents();
        String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        SinkRecord first = metadata.withBinlogBlock(binlog.insert(1, "a", 1, At.of("mysql-bin.000003", 480, 0)), uuid + ":23");
        SinkRecord second = metadata.withBinlogBlock(binlog.insert(2, "b", 1, At.of("mysql-bin.000003", 700, 0)), uuid + ":24");
        SourceTransactions.Split split = transactions.split(List.of(metadata.end(uuid + ":23", Map.of("shop.items", 1L)), first,
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
        SinkRecord order = metadata.withBlock(orders.insert(1, "o", 1, 100, 5), "orders");
        SinkRecord firstItem = metadata.withBlock(items.insert(1, "a", 1, 101, 5), "items");
        SinkRecord end = metadata.end(5, Map.of("public.orders", 1L, "public.items", 2L));
        SinkRecord nextOrder = metadata.withBlock(orders.insert(2, "o", 1, 120, 6), "orders");
        SourceTransactions.Split first = transactions.split(List.of(order, end, firstItem, nextOrder));
        assertThat(first.complete()).as("markers are never held").containsExactly(end);
        assertThat(first.held()).containsExactly(order, firstItem, nextOrder);

        SinkRecord secondItem = metadata.withBlock(items.insert(2, "b", 1, 102, 5), "items");
        List<SinkRecord> next = new ArrayList<>(first.held());
        next.add(secondItem);
        SourceTransactions.Split second = transactions.split(next);
        assertThat(second.complete()).containsExactly(order, firstItem, secondItem);
        assertThat(second.held()).as("transaction 6 has no END yet").containsExactly(nextOrder);
    }

    @Test
    void aSubscribedMetadataTopicMakesTheFirstTransactionWaitForItsEndMarkerBeforeAnyMarkerArrives() {
        SinkRecord order = metadata.withBlock(orders.insert(1, "o", 1, 100, 5), "orders");
        SinkRecord next = metadata.withBlock(orders.insert(2, "o", 1, 110, 6), "orders");
        assertThat(new SourceTransactions(topic -> topic.equals("shop.transaction")).split(List.of(order, next)).held())
                .as("transaction 5 waits for its END").containsExactly(order, next);
        assertThat(new SourceTransactions(topic -> false).split(List.of(order, next)).held())
                .as("not subscribed: the next transaction ends it").containsExactly(next);
    }

    @Test
    void withTransactionMetadataAnEndedTransactionIsReleasedAtOnceAndTablesNeverReceivedAreNotAwaited() {
        SinkRecord order = metadata.withBlock(orders.insert(1, "o", 1, 100, 5), "orders");
        SinkRecord end = metadata.end(5, Map.of("public.orders", 1L, "public.audit_log", 4L));
        assertThat(transactions.split(List.of(order, end)).held()).isEmpty();
    }

    @Test
    void endMarkersDoNotCountTombstonesSoADeletesTombstoneNeverStandsInForAnEventStillToCome() {
        SinkRecord delete = metadata.withBlock(items.delete(1, 100, 5), "items");
        SinkRecord tombstone = items.tombstone(1);
        SinkRecord end = metadata.end(5, Map.of("public.items", 2L));
        assertThat(transactions.split(List.of(delete, tombstone, end)).held()).containsExactly(delete, tombstone);
    }

    private static final TopicPartition ITEMS = new TopicPartition(DebeziumEvents.TOPIC, 0);

    /** Transaction 5's three inserts, streamed after the commit at LSN 90, each with its transaction block. */
    private List<SinkRecord> transactionFive(DebeziumEvents events) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            records.add(metadata.withBlock(DebeziumEvents.afterCommit(90, events.insert(id, "n" + id, id, 100 + id, 5)), "items"));
        }
        return records;
    }

    @Test
    void aTransactionTailReemittedAfterARestartIsReleasedAtOnceThoughItsEndCountsTheWholeTransaction() {
        List<SinkRecord> first = transactionFive(items);
        transactions.reached(Map.of(ITEMS, new StreamHorizon("shop", new RowVersion(90, 103))));
        // Debezium 3.6 resumes inside transaction 5: no BEGIN, its last two events again, an END counting all three.
        SinkRecord tail2 = items.reemit(first.get(1));
        SinkRecord tail3 = items.reemit(first.get(2));
        SinkRecord next = metadata.withBlock(DebeziumEvents.afterCommit(104, items.insert(4, "n4", 4, 105, 6)), "items");
        SourceTransactions.Split split = transactions.split(List.of(metadata.end(5, Map.of("public.items", 3L)), tail2, tail3,
                next));
        assertThat(split.complete()).as("what the target holds already changes nothing there").contains(tail2, tail3);
        assertThat(split.held()).as("transaction 6 is new: it waits for its END").containsExactly(next);

        SourceTransactions unaware = new SourceTransactions();
        assertThat(unaware.split(List.of(metadata.end(5, Map.of("public.items", 3L)), items.reemit(tail2), items.reemit(tail3)))
                .held()).as("without the horizon the tail is two of the three events END counts").hasSize(2);
    }

    @Test
    void aTransactionTheTargetDoesNotHoldYetCountsItsReemittedEventsAndWaitsForAllOfThem() {
        List<SinkRecord> first = transactionFive(items);
        transactions.reached(Map.of(ITEMS, new StreamHorizon("shop", new RowVersion(80, 200))));
        // Its first emission stopped after two events; the restart sends the second again and then the third.
        SinkRecord again = items.reemit(first.get(1));
        SourceTransactions.Split waiting = transactions.split(List.of(first.get(0), first.get(1), again,
                metadata.end(5, Map.of("public.items", 3L))));
        assertThat(waiting.held()).as("the third event is still to come").containsExactly(first.get(0), first.get(1),
                again);
        List<SinkRecord> all = new ArrayList<>(waiting.held());
        all.add(first.get(2));
        assertThat(transactions.split(all).held()).isEmpty();
    }

    @Test
    void aHorizonCoversOnlyChangesOfItsOwnServerThatKnowTheirPlaceInTheStream() {
        transactions.reached(Map.of(ITEMS, new StreamHorizon("other-source", new RowVersion(90, 103))));
        SinkRecord ofAnotherServer = metadata.withBlock(DebeziumEvents.afterCommit(90, items.insert(1, "a", 1, 101, 5)), "items");
        SinkRecord unplaced = metadata.withBlock(items.insert(2, "b", 2, 102, 5), "items");
        SourceTransactions.Split split = transactions.split(List.of(ofAnotherServer, unplaced,
                metadata.end(5, Map.of("public.items", 3L))));
        assertThat(split.held()).containsExactly(ofAnotherServer, unplaced);

        transactions.revoked(List.of(ITEMS));
        transactions.reached(Map.of(ITEMS, new StreamHorizon("shop", new RowVersion(90, 103))));
        assertThat(transactions.split(List.of(items.reemit(ofAnotherServer), items.reemit(unplaced))).held())
                .as("a sequence without the previous commit ([null, lsn]) places no change").hasSize(1);
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
                metadata.withBlock(items.insert(1, "a", 1, 100, 5), "items"), metadata.withBlock(items.insert(2, "b", 1, 101, 5), "items"));
        SourceTransactions.Advance second = advance(first.open(), 10, metadata.end(5, Map.of("public.items", 3L)));
        assertThat(second.commitAfter()).as("two of the three events").isNegative();
        assertThat(second.wakeNanos()).as("atomic.end.timeout.ms after the last record of items")
                .isEqualTo(60 * SECOND - 10);
        SourceTransactions.Advance third = advance(second.open(), 20, metadata.withBlock(items.insert(3, "c", 1, 102, 5), "items"));
        assertThat(third.commitAfter()).isEqualTo(1);
    }

    @Test
    void withTransactionMetadataAnOpenTransactionCountsAnEventEmittedTwiceOnce() {
        SinkRecord second = metadata.withBlock(items.insert(2, "b", 1, 101, 5), "items");
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0,
                metadata.withBlock(items.insert(1, "a", 1, 100, 5), "items"), second);
        // Debezium restarted inside transaction 5 and sends its second event again before the third.
        SourceTransactions.Advance again = advance(first.open(), 10, items.reemit(second), metadata.end(5, Map.of("public.items", 3L)));
        assertThat(again.commitAfter()).as("two distinct events of the three").isNegative();
        SourceTransactions.Advance third = advance(again.open(), 20, metadata.withBlock(items.insert(3, "c", 1, 102, 5), "items"));
        assertThat(third.commitAfter()).isEqualTo(1);
    }

    @Test
    void withTransactionMetadataEndMarkersAreAwaitedNoMoreOnceTheOpenTransactionIsAtomicEndTimeoutMsOld() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0, metadata.end(4, Map.of("public.items", 1L)),
                metadata.withBlock(items.insert(1, "a", 1, 100, 5), "items"));
        SourceTransactions.Advance second = advance(first.open(), SECOND,
                metadata.withBlock(items.insert(2, "b", 1, 110, 6), "items"));
        assertThat(second.commitAfter()).as("5 is followed, but its END marker has not come").isNegative();
        assertThat(second.wakeNanos()).isEqualTo(59 * SECOND);
        SourceTransactions.Advance late = advance(second.open(), 60 * SECOND,
                metadata.withBlock(items.insert(3, "c", 1, 120, 7), "items"));
        assertThat(late.commitAfter()).as("5 and 6 are followed; 7 may continue").isEqualTo(0);
    }

    @Test
    void withTransactionMetadataAnOldOpenTransactionStillWaitsAtomicEndTimeoutMsOfSilenceForTheEndOfItsLastTransaction() {
        SourceTransactions.Advance first = advance(SourceTransactions.Open.EMPTY, 0, metadata.end(4, Map.of("public.items", 1L)),
                metadata.withBlock(items.insert(1, "a", 1, 100, 5), "items"));
        SourceTransactions.Advance more = advance(first.open(), 70 * SECOND,
                metadata.withBlock(items.insert(2, "b", 1, 101, 5), "items"));
        assertThat(advance(more.open(), 71 * SECOND).commitAfter()).as("a pause of atomic.idle.ms is no end").isNegative();
        assertThat(advance(more.open(), 130 * SECOND).commitAfter()).isZero();
    }
}
