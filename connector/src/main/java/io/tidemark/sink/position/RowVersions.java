package io.tidemark.sink.position;

/**
 * The rule that decides whether a change may replace the stored state of a row (docs/correctness.md §3). The SQL
 * guards in the statement builder state the same rule; keep the two in step.
 *
 * <p>A merge-mode row remembers two versions: the highest row version of any <em>streamed</em> change
 * applied to it ({@code streamed}, null if none), and the snapshot point of the snapshot read that
 * last wrote it ({@code snapshotPoint}, null when a streamed change wrote it last).
 *
 * <ul>
 *   <li>A streamed change applies when it is newer than every streamed change the row has seen. A
 *       snapshot write keeps {@code streamed}, so after a re-snapshot the older changes Debezium
 *       replays are still recognised as old, while a transaction that began before the snapshot point
 *       and committed after it (lower LSN than the snapshot, higher than the row's earlier changes)
 *       applies over the snapshot image.</li>
 *   <li>A snapshot read applies when its snapshot point is after every streamed change of the row and
 *       after the snapshot that wrote it, i.e. a newer image of the row.</li>
 *   <li>An incremental-snapshot read always applies and keeps both versions: Debezium places it in the topic
 *       partition after every change its image holds and before every change newer than it, so in Kafka order it
 *       is newer than what the row holds, while a later change still finds the row's streamed version untouched
 *       (correctness.md §3.3).</li>
 * </ul>
 * Equal versions never apply: they are the same change emitted again.
 */
public final class RowVersions {

    private RowVersions() {
    }

    /** A row's stored versions; either may be null. */
    public record Stored(RowVersion streamed, RowVersion snapshotPoint) {
        public static final Stored NONE = new Stored(null, null);
    }

    public static boolean supersedes(SourcePosition incoming, Stored stored) {
        RowVersion version = incoming.rowVersion();
        boolean newerThanStreamed = stored.streamed() == null || version.isAfter(stored.streamed());
        return switch (incoming.kind()) {
            case STREAMED -> newerThanStreamed;
            case SNAPSHOT -> newerThanStreamed
                    && (stored.snapshotPoint() == null || version.isAfter(stored.snapshotPoint()));
            case INCREMENTAL -> true;
        };
    }

    /** The row's versions after {@code applied} was written over {@code before}. */
    public static Stored after(Stored before, SourcePosition applied) {
        return switch (applied.kind()) {
            case STREAMED -> new Stored(applied.rowVersion(), null);
            case SNAPSHOT -> new Stored(before.streamed(), applied.rowVersion());
            case INCREMENTAL -> before;
        };
    }
}
