package io.tidemark.sink.position;

/**
 * The one rule that decides whether an incoming change may replace the stored state of a row.
 * The SQL guard in the statement builder states the same rule; keep the two in step.
 *
 * <ul>
 *   <li>A streaming change replaces a snapshot row whatever its version: a transaction that began
 *       before the snapshot point and committed after it has a lower LSN than the snapshot, yet is
 *       newer than the snapshot image.</li>
 *   <li>Otherwise the incoming version must be strictly greater: an equal version is the same change
 *       emitted again (Debezium re-emission), a lower one is stale.</li>
 *   <li>A snapshot row replaces a stored row only with a strictly greater version (a re-snapshot).</li>
 * </ul>
 */
public final class RowVersions {

    private RowVersions() {
    }

    public static boolean supersedes(long incomingVersion, boolean incomingSnapshot,
                                     long storedVersion, boolean storedSnapshot) {
        if (!incomingSnapshot && storedSnapshot) {
            return true;
        }
        return incomingVersion > storedVersion;
    }

    public static boolean supersedes(SourcePosition incoming, SourcePosition stored) {
        return supersedes(incoming.rowVersion(), incoming.snapshot(), stored.rowVersion(), stored.snapshot());
    }
}
