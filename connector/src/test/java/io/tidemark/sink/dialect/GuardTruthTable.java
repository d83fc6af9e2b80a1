package io.tidemark.sink.dialect;

import java.util.List;

/**
 * The position guard (docs/correctness.md §3) as one truth table: a row's stored versions × an incoming change →
 * whether it applies and what the row stores after. Written out case by case, not computed from the rule, so that the
 * Java rule ({@code RowVersions}, {@link GuardTruthTableTest}) and every dialect's SQL ({@link GuardTruthTableIT}) are
 * checked against the same facts. Versions are small numbers standing for LSNs or binlog positions.
 */
public final class GuardTruthTable {

    private GuardTruthTable() {
    }

    /** How the incoming change came to be and what it does. */
    public enum Incoming {
        /** A streamed insert or update carrying the whole row. */
        STREAMED,
        /** A streamed update whose {@code name} column is an unchanged-TOAST placeholder: it keeps the stored value. */
        STREAMED_TOAST,
        /** A streamed delete, soft: the row stays, marked deleted. */
        DELETE,
        /** A read of an initial or blocking snapshot at its snapshot point. */
        SNAPSHOT,
        /** A read of an incremental snapshot chunk: no version of its own. */
        INCREMENTAL
    }

    /** A row's stored versions; {@code exists} false for a key the table does not have. */
    public record Stored(boolean exists, Long streamed, Long snapshot) {
        static final Stored NONE = new Stored(false, null, null);

        static Stored of(Long streamed, Long snapshot) {
            return new Stored(true, streamed, snapshot);
        }
    }

    /**
     * @param version the incoming change's version (ignored for {@link Incoming#INCREMENTAL})
     * @param applies whether the change's values replace the stored ones
     * @param after   the row's versions afterwards
     */
    public record Case(String name, Stored stored, Incoming incoming, long version, boolean applies, Stored after) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case of(String name, Stored stored, Incoming incoming, long version, boolean applies, Stored after) {
        return new Case(name, stored, incoming, version, applies, after);
    }

    private static final Stored STREAMED_100 = Stored.of(100L, null);
    private static final Stored SNAPSHOT_500 = Stored.of(null, 500L);
    private static final Stored STREAMED_100_SNAPSHOT_500 = Stored.of(100L, 500L);

    public static List<Case> cases() {
        return List.of(
                of("new key, streamed", Stored.NONE, Incoming.STREAMED, 100, true, Stored.of(100L, null)),
                of("streamed older than streamed", STREAMED_100, Incoming.STREAMED, 50, false, STREAMED_100),
                of("streamed equal to streamed (re-emitted)", STREAMED_100, Incoming.STREAMED, 100, false, STREAMED_100),
                of("streamed newer than streamed", STREAMED_100, Incoming.STREAMED, 150, true, Stored.of(150L, null)),
                of("streamed below the snapshot point of a snapshot-only row (open across the snapshot)",
                        SNAPSHOT_500, Incoming.STREAMED, 450, true, Stored.of(450L, null)),
                of("streamed equal to streamed after a re-snapshot", STREAMED_100_SNAPSHOT_500, Incoming.STREAMED, 100,
                        false, STREAMED_100_SNAPSHOT_500),
                of("streamed newer than streamed after a re-snapshot", STREAMED_100_SNAPSHOT_500, Incoming.STREAMED, 150,
                        true, Stored.of(150L, null)),
                of("new key, snapshot", Stored.NONE, Incoming.SNAPSHOT, 500, true, Stored.of(null, 500L)),
                of("snapshot older than streamed", STREAMED_100, Incoming.SNAPSHOT, 50, false, STREAMED_100),
                of("snapshot newer than streamed keeps the streamed version", STREAMED_100, Incoming.SNAPSHOT, 500, true,
                        STREAMED_100_SNAPSHOT_500),
                of("snapshot equal to the stored snapshot", SNAPSHOT_500, Incoming.SNAPSHOT, 500, false, SNAPSHOT_500),
                of("snapshot older than the stored snapshot", SNAPSHOT_500, Incoming.SNAPSHOT, 400, false, SNAPSHOT_500),
                of("snapshot newer than the stored snapshot", SNAPSHOT_500, Incoming.SNAPSHOT, 900, true,
                        Stored.of(null, 900L)),
                of("re-snapshot newer than both", STREAMED_100_SNAPSHOT_500, Incoming.SNAPSHOT, 900, true,
                        Stored.of(100L, 900L)),
                of("snapshot between streamed and stored snapshot", STREAMED_100_SNAPSHOT_500, Incoming.SNAPSHOT, 300,
                        false, STREAMED_100_SNAPSHOT_500),
                of("new key, incremental", Stored.NONE, Incoming.INCREMENTAL, 0, true, Stored.of(null, null)),
                of("incremental over streamed keeps it", STREAMED_100, Incoming.INCREMENTAL, 0, true, STREAMED_100),
                of("incremental over both keeps both", STREAMED_100_SNAPSHOT_500, Incoming.INCREMENTAL, 0, true,
                        STREAMED_100_SNAPSHOT_500),
                of("delete older than streamed", STREAMED_100, Incoming.DELETE, 50, false, STREAMED_100),
                of("delete equal to streamed (re-emitted)", STREAMED_100, Incoming.DELETE, 100, false, STREAMED_100),
                of("delete newer than streamed", STREAMED_100, Incoming.DELETE, 150, true, Stored.of(150L, null)),
                of("delete of a key never seen leaves a deleted marker", Stored.NONE, Incoming.DELETE, 100, true,
                        Stored.of(100L, null)),
                of("delete below the snapshot point of a snapshot-only row", SNAPSHOT_500, Incoming.DELETE, 450, true,
                        Stored.of(450L, null)),
                of("unchanged-TOAST update newer than streamed", STREAMED_100, Incoming.STREAMED_TOAST, 150, true,
                        Stored.of(150L, null)),
                of("unchanged-TOAST update older than streamed", STREAMED_100, Incoming.STREAMED_TOAST, 50, false,
                        STREAMED_100));
    }
}
