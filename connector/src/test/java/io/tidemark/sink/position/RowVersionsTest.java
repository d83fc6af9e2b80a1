package io.tidemark.sink.position;

import io.tidemark.sink.position.RowVersions.Stored;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowVersionsTest {

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
        assertThat(RowVersions.supersedes(streamed(200), new Stored(100L, null))).isTrue();
        assertThat(RowVersions.supersedes(streamed(100), new Stored(200L, null))).isFalse();
    }

    @Test
    void sameChangeEmittedAgainDoesNotSupersede() {
        assertThat(RowVersions.supersedes(streamed(100), new Stored(100L, null))).isFalse();
        assertThat(RowVersions.supersedes(snapshot(500), new Stored(null, 500L))).isFalse();
    }

    @Test
    void streamedChangeBelowTheSnapshotPointReplacesARowOnlyTheSnapshotWrote() {
        // A transaction that began before the snapshot and committed after it has a lower LSN.
        assertThat(RowVersions.supersedes(streamed(450), new Stored(null, 500L))).isTrue();
    }

    @Test
    void afterAResnapshotReplayedOlderChangesStayOldAndNewerOnesApply() {
        Stored resnapshotted = RowVersions.after(new Stored(300L, null), snapshot(900));
        assertThat(resnapshotted).isEqualTo(new Stored(300L, 900L));
        assertThat(RowVersions.supersedes(streamed(250), resnapshotted)).isFalse();
        assertThat(RowVersions.supersedes(streamed(300), resnapshotted)).isFalse();
        assertThat(RowVersions.supersedes(streamed(350), resnapshotted)).isTrue();
    }

    @Test
    void snapshotReadReplacesOnlyOlderImages() {
        assertThat(RowVersions.supersedes(snapshot(300), new Stored(200L, null))).isTrue();
        assertThat(RowVersions.supersedes(snapshot(100), new Stored(200L, null))).isFalse();
        assertThat(RowVersions.supersedes(snapshot(300), new Stored(null, 100L))).isTrue();
        assertThat(RowVersions.supersedes(snapshot(300), new Stored(200L, 400L))).isFalse();
    }

    @Test
    void streamedWriteClearsTheSnapshotPoint() {
        assertThat(RowVersions.after(new Stored(100L, 500L), streamed(450))).isEqualTo(new Stored(450L, null));
    }

    @Test
    void incrementalReadAppliesOverAnyStoredStateAndKeepsBothVersions() {
        for (Stored stored : new Stored[] {Stored.NONE, new Stored(900L, null), new Stored(null, 900L), new Stored(300L, 900L)}) {
            assertThat(RowVersions.supersedes(incremental(100), stored)).as("over %s", stored).isTrue();
            assertThat(RowVersions.after(stored, incremental(100))).isEqualTo(stored);
        }
    }

    @Test
    void transactionOpenAcrossAChunkAppliesOverTheChunkRow() {
        // The row's last change was at 30; a transaction changed it at 40, before the chunk was selected, and
        // committed after the window closed at 100: its change is streamed after the chunk row and is newer.
        Stored afterChunk = RowVersions.after(new Stored(30L, null), incremental(100));
        assertThat(RowVersions.supersedes(streamed(40), afterChunk)).isTrue();
        assertThat(RowVersions.supersedes(streamed(30), afterChunk)).as("the row's last change, re-emitted").isFalse();
    }

    @Test
    void postgresPositionPrintsLsnInPgLsnNotation() {
        assertThat(PostgresSourcePosition.formatLsn(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(PostgresSourcePosition.formatLsn(0x1_0000_00FFL)).isEqualTo("1/FF");
    }
}
