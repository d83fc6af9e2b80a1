package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WorkloadTest {

    @Test
    void mixIsSeventyTwentyFiveFive() {
        Map<Workload.Op, Integer> counts = new EnumMap<>(Workload.Op.class);
        for (Workload.Change change : new Workload(100_000, 7)) {
            counts.merge(change.op(), 1, Integer::sum);
        }
        assertThat(counts.get(Workload.Op.INSERT) / 100_000.0).isCloseTo(0.70, within(0.01));
        assertThat(counts.get(Workload.Op.UPDATE) / 100_000.0).isCloseTo(0.25, within(0.01));
        assertThat(counts.get(Workload.Op.DELETE) / 100_000.0).isCloseTo(0.05, within(0.01));
    }

    @Test
    void updatesAndDeletesOnlyTouchLiveKeysAndTheLastChangeInsertsAFreshKey() {
        Set<Long> live = new HashSet<>();
        Workload.Change last = null;
        long previousLsn = 0;
        for (Workload.Change change : new Workload(20_000, 11)) {
            switch (change.op()) {
                case INSERT -> assertThat(live.add(change.id())).isTrue();
                case UPDATE -> assertThat(live).contains(change.id());
                case DELETE -> assertThat(live.remove(change.id())).isTrue();
            }
            assertThat(change.lsn()).isGreaterThan(previousLsn);
            previousLsn = change.lsn();
            last = change;
        }
        assertThat(last.op()).isEqualTo(Workload.Op.INSERT);
    }

    @Test
    void sameSeedGivesTheSameChanges() {
        List<Workload.Change> first = new ArrayList<>();
        new Workload(2_000, 3).forEach(first::add);
        List<Workload.Change> second = new ArrayList<>();
        new Workload(2_000, 3).forEach(second::add);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void netChangesAreTheLastChangeOfEveryKeyInKeyOrder() {
        Workload workload = new Workload(20_000, 5);
        Map<Long, Workload.Change> last = new HashMap<>();
        workload.forEach(change -> last.put(change.id(), change));

        List<Workload.Change> net = workload.netChanges();

        assertThat(net).hasSize(last.size());
        assertThat(net).extracting(Workload.Change::id).isSorted();
        assertThat(net).allSatisfy(change -> assertThat(change).isEqualTo(last.get(change.id())));
    }

    @Test
    void netChangesPerWindowAreTheLastChangeOfEveryKeyInEachWindowOfEvents() {
        Workload workload = new Workload(12_345, 5);
        List<Workload.Change> all = new ArrayList<>();
        workload.forEach(all::add);

        List<List<Workload.Change>> windows = workload.netChangesPerWindow(5_000);

        assertThat(windows).hasSize(3);
        for (int w = 0; w < windows.size(); w++) {
            Map<Long, Workload.Change> last = new HashMap<>();
            all.subList(w * 5_000, Math.min(all.size(), (w + 1) * 5_000)).forEach(c -> last.put(c.id(), c));
            assertThat(windows.get(w)).extracting(Workload.Change::id).isSorted();
            assertThat(windows.get(w)).containsExactlyInAnyOrderElementsOf(last.values());
        }
        assertThat(workload.netChangesPerWindow(Integer.MAX_VALUE)).containsExactly(workload.netChanges());
    }
}
