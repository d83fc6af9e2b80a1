package io.tidemark.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When a sink has applied the whole topic. A sink applies each partition in order, but the partitions independently,
 * so with several partitions the workload's last event can be visible while other partitions are still behind. Each
 * partition is done when the table shows its last observable change: its last insert or update of a key that stays
 * (the key holds that event's {@code version}: keys are never reused and every later change of a key raises the
 * version), and after it the deletes of keys inserted before it (those keys are gone; in order, nothing else could
 * remove them). A key inserted and deleted after that point never shows in the table; for a partition with such a
 * tail the sink's committed consumer offset must also have reached the partition's end ({@code needsOffsets}).
 * Keys stay in one partition, so no other partition changes these rows.
 */
final class WorkloadEnd {

    /**
     * The last observable change of one partition, and what follows it there.
     *
     * @param deletedAfter keys deleted after it whose insert came before it
     * @param needsOffsets whether keys inserted and deleted after it leave changes the table cannot show
     * @param endOffset    the offset after the partition's last record
     */
    record PartitionEnd(int partition, long id, long version, List<Long> deletedAfter, boolean needsOffsets,
                        long endOffset) {
    }

    private final List<PartitionEnd> partitions;

    private WorkloadEnd(List<PartitionEnd> partitions) {
        this.partitions = List.copyOf(partitions);
    }

    List<PartitionEnd> partitions() {
        return partitions;
    }

    /**
     * Collects the end of every partition while the workload is produced, in order: the last {@link #TAIL} changes of
     * each partition, in which its last observable change is found at the end.
     */
    static final class Builder {
        static final int TAIL = 10_000;

        private final long[][] ids;
        private final long[][] versions;
        private final long[] counts;
        private final long[] records;

        Builder(int partitions) {
            ids = new long[partitions][TAIL];
            versions = new long[partitions][TAIL];
            counts = new long[partitions];
            records = new long[partitions];
        }

        /** A change produced to {@code partition}, with its tombstone for a delete. */
        void add(int partition, Workload.Change change) {
            int slot = (int) (counts[partition]++ % TAIL);
            ids[partition][slot] = change.id();
            // Inserts have version 1, updates a larger one, deletes none.
            versions[partition][slot] = change.op() == Workload.Op.DELETE ? 0 : change.row().version();
            records[partition] += change.op() == Workload.Op.DELETE ? 2 : 1;
        }

        /** Partitions that got no events have nothing to wait for. */
        WorkloadEnd build() {
            List<PartitionEnd> ends = new ArrayList<>();
            for (int p = 0; p < counts.length; p++) {
                if (counts[p] > 0) {
                    ends.add(end(p));
                }
            }
            return new WorkloadEnd(ends);
        }

        /** Backwards from the partition's last change to the last upsert of a key not deleted after it. */
        private PartitionEnd end(int partition) {
            Set<Long> deleted = new HashSet<>();
            Set<Long> insertedAfter = new HashSet<>();
            long first = Math.max(0, counts[partition] - TAIL);
            for (long i = counts[partition] - 1; i >= first; i--) {
                int slot = (int) (i % TAIL);
                long id = ids[partition][slot];
                long version = versions[partition][slot];
                if (version == 0) {
                    deleted.add(id);
                } else if (!deleted.contains(id)) {
                    List<Long> observable = new ArrayList<>(deleted);
                    observable.removeAll(insertedAfter);
                    observable.sort(null);
                    return new PartitionEnd(partition, id, version, observable, !insertedAfter.isEmpty(),
                            records[partition]);
                } else if (version == 1) {
                    insertedAfter.add(id);
                }
            }
            throw new IllegalStateException("partition " + partition + " has no key that stays in its last " + TAIL
                    + " changes");
        }
    }

    /** The sink's committed consumer offsets by partition, for the partitions whose end the table cannot show. */
    interface CommittedOffsets {
        Map<Integer, Long> get();
    }

    /** Whether every partition shows as applied; asks only about those not done at the last call. */
    final class Progress {
        private final List<PartitionEnd> pending = new ArrayList<>(partitions);
        private final CommittedOffsets offsets;
        private long nextOffsetsCheck;

        private Progress(CommittedOffsets offsets) {
            this.offsets = offsets;
        }

        boolean done(Connection probe) {
            pending.removeIf(end -> !end.needsOffsets() && applied(probe, end));
            // Connect commits offsets every second or so: no need to ask the broker at every probe.
            if (System.nanoTime() >= nextOffsetsCheck && pending.stream().anyMatch(end -> applied(probe, end))) {
                nextOffsetsCheck = System.nanoTime() + 100_000_000L;
                Map<Integer, Long> committed = offsets.get();
                pending.removeIf(end -> committed.getOrDefault(end.partition(), -1L) >= end.endOffset()
                        && applied(probe, end));
            }
            return pending.isEmpty();
        }
    }

    Progress progress(CommittedOffsets offsets) {
        return new Progress(offsets);
    }

    private static boolean applied(Connection probe, PartitionEnd end) {
        try (PreparedStatement s = probe.prepareStatement("SELECT id, version FROM " + DebeziumEncoding.TABLE
                + " WHERE id = ?")) {
            s.setLong(1, end.id());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getLong(2) != end.version()) {
                    return false;
                }
            }
            for (long deleted : end.deletedAfter()) {
                s.setLong(1, deleted);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot probe the target for partition " + end.partition(), e);
        }
    }
}
