package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class WorkloadEndTest {

    @Test
    void onePartitionEndsWithTheWorkloadsLastInsert() {
        Workload workload = new Workload(10_000, 42);
        WorkloadEnd.Builder builder = new WorkloadEnd.Builder(1);
        long records = 0;
        for (Workload.Change change : workload) {
            builder.add(0, change);
            records += change.op() == Workload.Op.DELETE ? 2 : 1;
        }

        assertThat(builder.build().partitions()).containsExactly(
                new WorkloadEnd.PartitionEnd(0, workload.lastInsertedId(), 1, List.of(), false, records));
    }

    @Test
    void eachPartitionEndsWithItsLastUpsertOfAKeyThatStaysAndTheDeletesAfterIt() {
        Workload workload = new Workload(30_000, 9);
        int partitions = 8;
        WorkloadEnd.Builder builder = new WorkloadEnd.Builder(partitions);
        List<List<Workload.Change>> byPartition = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            byPartition.add(new ArrayList<>());
        }
        for (Workload.Change change : workload) {
            int partition = (int) (change.id() % partitions);
            builder.add(partition, change);
            byPartition.get(partition).add(change);
        }

        List<WorkloadEnd.PartitionEnd> ends = builder.build().partitions();

        assertThat(ends).hasSize(partitions);
        for (WorkloadEnd.PartitionEnd end : ends) {
            List<Workload.Change> changes = byPartition.get(end.partition());
            Set<Long> live = new HashSet<>();
            changes.forEach(c -> {
                if (c.op() == Workload.Op.DELETE) {
                    live.remove(c.id());
                } else {
                    live.add(c.id());
                }
            });
            int marker = changes.size() - 1;
            while (changes.get(marker).op() == Workload.Op.DELETE || !live.contains(changes.get(marker).id())) {
                marker--;
            }
            assertThat(end.id()).isEqualTo(changes.get(marker).id());
            assertThat(end.version()).isEqualTo(changes.get(marker).row().version());
            List<Workload.Change> tail = changes.subList(marker + 1, changes.size());
            Set<Long> insertedAfter = new HashSet<>();
            tail.stream().filter(c -> c.op() == Workload.Op.INSERT).forEach(c -> insertedAfter.add(c.id()));
            Set<Long> deletedAfter = new HashSet<>();
            tail.stream().filter(c -> c.op() == Workload.Op.DELETE && !insertedAfter.contains(c.id()))
                    .forEach(c -> deletedAfter.add(c.id()));
            assertThat(Set.copyOf(end.deletedAfter())).isEqualTo(deletedAfter);
            assertThat(end.needsOffsets()).isEqualTo(!insertedAfter.isEmpty());
            assertThat(end.endOffset()).isEqualTo(changes.size() + changes.stream()
                    .filter(c -> c.op() == Workload.Op.DELETE).count());
        }
    }

    @Test
    void aKeyAlwaysGoesToTheSamePartition() {
        byte[] key = "{\"schema\":{},\"payload\":{\"id\":7}}".getBytes();
        assertThat(TopicLoader.partition(key, 4)).isEqualTo(TopicLoader.partition(key.clone(), 4)).isBetween(0, 3);
    }
}
