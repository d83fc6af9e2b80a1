package io.tidemark.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BinlogPositionTest {

    private static final BinlogPosition SERVER = new BinlogPosition("mysql-bin.000003", 4711);

    @Test
    void readsTheFileAndPosOfTheSinksSourcePositionAndNothingElse() {
        assertThat(BinlogPosition.fromSourcePosition("mysql-bin.000003:4711:2")).isEqualTo(SERVER);
        assertThat(BinlogPosition.fromSourcePosition("db1-bin.000010:4:0"))
                .isEqualTo(new BinlogPosition("db1-bin.000010", 4));
        assertThat(BinlogPosition.fromSourcePosition("0/16B3748")).as("a PostgreSQL LSN").isNull();
        assertThat(BinlogPosition.fromSourcePosition("mysql-bin.000003:4711")).as("no row").isNull();
    }

    @Test
    void filesAreOrderedByTheirNumberThenPositionsByOffset() {
        BinlogPosition ninth = new BinlogPosition("mysql-bin.9", 900);
        BinlogPosition tenth = new BinlogPosition("mysql-bin.10", 4);
        assertThat(tenth.fileIndex()).isEqualTo(10);
        assertThat(tenth).isGreaterThan(ninth);
        assertThat(new BinlogPosition("mysql-bin.10", 5)).isGreaterThan(tenth);
    }

    @Test
    void aReaderInTheSameFileIsBehindByTheBytesBetween() {
        assertThat(SERVER.gapTo(new BinlogPosition("mysql-bin.000003", 711))).isEqualTo(new BinlogPosition.Gap(0, 4000));
        assertThat(SERVER.gapTo(SERVER)).isEqualTo(new BinlogPosition.Gap(0, 0));
    }

    @Test
    void aReaderInAnOlderFileIsBehindByTheFilesBetweenWhateverItsOffset() {
        assertThat(SERVER.gapTo(new BinlogPosition("mysql-bin.000002", 9_000_000)))
                .isEqualTo(new BinlogPosition.Gap(1, 0));
        assertThat(SERVER.gapTo(new BinlogPosition("mysql-bin.000001", 4))).isEqualTo(new BinlogPosition.Gap(2, 0));
    }

    @Test
    void aReaderAtOrPastTheServersPositionIsNotBehind() {
        assertThat(SERVER.gapTo(new BinlogPosition("mysql-bin.000003", 5000))).isEqualTo(new BinlogPosition.Gap(0, 0));
        assertThat(SERVER.gapTo(new BinlogPosition("mysql-bin.000004", 4))).isEqualTo(new BinlogPosition.Gap(0, 0));
    }
}
