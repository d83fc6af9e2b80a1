package io.tidemark.sink.position;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowVersionsTest {

    @Test
    void laterStreamingChangeSupersedesEarlierOne() {
        assertThat(RowVersions.supersedes(200, false, 100, false)).isTrue();
        assertThat(RowVersions.supersedes(100, false, 200, false)).isFalse();
    }

    @Test
    void sameChangeEmittedAgainDoesNotSupersede() {
        assertThat(RowVersions.supersedes(100, false, 100, false)).isFalse();
        assertThat(RowVersions.supersedes(100, true, 100, true)).isFalse();
    }

    @Test
    void streamingChangeBelowTheSnapshotPointStillReplacesTheSnapshotRow() {
        // A transaction that began before the snapshot and committed after it has a lower LSN.
        assertThat(RowVersions.supersedes(50, false, 100, true)).isTrue();
    }

    @Test
    void snapshotRowReplacesOnlyOlderRows() {
        assertThat(RowVersions.supersedes(300, true, 200, false)).isTrue();
        assertThat(RowVersions.supersedes(100, true, 200, false)).isFalse();
        assertThat(RowVersions.supersedes(300, true, 100, true)).isTrue();
    }

    @Test
    void postgresPositionPrintsLsnInPgLsnNotation() {
        assertThat(PostgresSourcePosition.formatLsn(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(PostgresSourcePosition.formatLsn(0x1_0000_00FFL)).isEqualTo("1/FF");
    }
}
