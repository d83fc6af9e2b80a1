package io.tidemark.sink.position;

import io.tidemark.sink.position.RowVersions.Stored;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowVersionsTest {

    private static RowVersion v(long value) {
        return RowVersion.of(value);
    }

    private static SourcePosition streamed(long lsn) {
        return new PostgresSourcePosition("shop", lsn, null, 1L, 0L, ReadKind.STREAMED, false);
    }

    private static SourcePosition snapshot(long lsn) {
        return new PostgresSourcePosition("shop", lsn, null, null, 0L, ReadKind.SNAPSHOT, false);
    }

    private static SourcePosition incremental(long closeLsn) {
        return new PostgresSourcePosition("shop", closeLsn, null, null, 0L, ReadKind.INCREMENTAL, false);
    }

    @Test
    void laterStreamedChangeSupersedesEarlierOne() {
        assertThat(RowVersions.supersedes(streamed(200), new Stored(v(100), null))).isTrue();
        assertThat(RowVersions.supersedes(streamed(100), new Stored(v(200), null))).isFalse();
    }

    @Test
    void sameChangeEmittedAgainDoesNotSupersede() {
        assertThat(RowVersions.supersedes(streamed(100), new Stored(v(100), null))).isFalse();
        assertThat(RowVersions.supersedes(snapshot(500), new Stored(null, v(500)))).isFalse();
    }

    @Test
    void streamedChangeBelowTheSnapshotPointReplacesARowOnlyTheSnapshotWrote() {
        // A transaction that began before the snapshot and committed after it has a lower LSN.
        assertThat(RowVersions.supersedes(streamed(450), new Stored(null, v(500)))).isTrue();
    }

    @Test
    void afterAResnapshotReplayedOlderChangesStayOldAndNewerOnesApply() {
        Stored resnapshotted = RowVersions.after(new Stored(v(300), null), snapshot(900));
        assertThat(resnapshotted).isEqualTo(new Stored(v(300), v(900)));
        assertThat(RowVersions.supersedes(streamed(250), resnapshotted)).isFalse();
        assertThat(RowVersions.supersedes(streamed(300), resnapshotted)).isFalse();
        assertThat(RowVersions.supersedes(streamed(350), resnapshotted)).isTrue();
    }

    @Test
    void snapshotReadReplacesOnlyOlderImages() {
        assertThat(RowVersions.supersedes(snapshot(300), new Stored(v(200), null))).isTrue();
        assertThat(RowVersions.supersedes(snapshot(100), new Stored(v(200), null))).isFalse();
        assertThat(RowVersions.supersedes(snapshot(300), new Stored(null, v(100)))).isTrue();
        assertThat(RowVersions.supersedes(snapshot(300), new Stored(v(200), v(400)))).isFalse();
    }

    @Test
    void streamedWriteClearsTheSnapshotPoint() {
        assertThat(RowVersions.after(new Stored(v(100), v(500)), streamed(450))).isEqualTo(new Stored(v(450), null));
    }

    @Test
    void incrementalReadAppliesOverAnyStoredStateAndKeepsBothVersions() {
        for (Stored stored : new Stored[] {Stored.NONE, new Stored(v(900), null), new Stored(null, v(900)), new Stored(v(300), v(900))}) {
            assertThat(RowVersions.supersedes(incremental(100), stored)).as("over %s", stored).isTrue();
            assertThat(RowVersions.after(stored, incremental(100))).isEqualTo(stored);
        }
    }

    @Test
    void transactionOpenAcrossAChunkAppliesOverTheChunkRow() {
        // The row's last change was at 30; a transaction changed it at 40, before the chunk was selected, and
        // committed after the window closed at 100: its change is streamed after the chunk row and is newer.
        Stored afterChunk = RowVersions.after(new Stored(v(30), null), incremental(100));
        assertThat(RowVersions.supersedes(streamed(40), afterChunk)).isTrue();
        assertThat(RowVersions.supersedes(streamed(30), afterChunk)).as("the row's last change, re-emitted").isFalse();
    }

    @Test
    void postgresPositionPrintsLsnInPgLsnNotation() {
        assertThat(PostgresSourcePosition.formatLsn(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(PostgresSourcePosition.formatLsn(0x1_0000_00FFL)).isEqualTo("1/FF");
    }
}
