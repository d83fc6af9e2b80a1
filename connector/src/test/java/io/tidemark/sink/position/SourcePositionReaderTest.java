package io.tidemark.sink.position;

import io.tidemark.sink.BinlogEvents;
import io.tidemark.sink.BinlogEvents.At;
import io.tidemark.sink.DebeziumEvents;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourcePositionReaderTest {

    private final SourcePositionReader reader = new SourcePositionReader();
    private final BinlogEvents events = new BinlogEvents();

    private static Struct source(SinkRecord record) {
        return ((Struct) record.value()).getStruct("source");
    }

    private SourcePosition read(SinkRecord record) {
        return reader.read(source(record), "r".equals(((Struct) record.value()).getString("op")));
    }

    @Test
    void binlogChangesOrderByFileThenEventPositionThenRow() {
        List<SourcePosition> inBinlogOrder = List.of(
                read(events.insert(1, "a", 1, At.of("mysql-bin.000009", 4_000_000_000L, 0))),
                read(events.insert(1, "a", 1, At.of("mysql-bin.000010", 4, 0))),
                read(events.insert(1, "a", 1, At.of("mysql-bin.000010", 4, 1))),
                read(events.insert(1, "a", 1, At.of("mysql-bin.000010", 4, 2))),
                read(events.insert(1, "a", 1, At.of("mysql-bin.000010", 900, 0))),
                read(events.insert(1, "a", 1, At.of("mysql-bin.1000000", 4, 0))));
        for (int i = 1; i < inBinlogOrder.size(); i++) {
            assertThat(inBinlogOrder.get(i).rowVersion().isAfter(inBinlogOrder.get(i - 1).rowVersion()))
                    .as("%s after %s", inBinlogOrder.get(i).logPosition(), inBinlogOrder.get(i - 1).logPosition())
                    .isTrue();
        }
    }

    @Test
    void binlogPositionKeepsTheSourceNotationAndServer() {
        BinlogSourcePosition position = (BinlogSourcePosition) read(events.update(1, "b", 2,
                At.of("mysql-bin.000003", 4711, 2)));
        assertThat(position.logPosition()).isEqualTo("mysql-bin.000003:4711:2");
        assertThat(position.rowVersion()).isEqualTo(new RowVersion(3, (4711L << 32) | 2));
        assertThat(position.serverId()).isEqualTo(1L);
        assertThat(position.server()).isEqualTo("shop");
        assertThat(position.kind()).isEqualTo(ReadKind.STREAMED);
        assertThat(position.txId()).isNull();
    }

    @Test
    void binlogSnapshotAndIncrementalReadsAreToldByTheSnapshotMarker() {
        assertThat(read(events.snapshot(1, "a", 1, At.of("mysql-bin.000003", 1200, 0))).kind())
                .isEqualTo(ReadKind.SNAPSHOT);
        assertThat(read(events.incremental(1, "a", 1, At.of("mysql-bin.000003", 1900, 0))).kind())
                .isEqualTo(ReadKind.INCREMENTAL);
        SinkRecord last = events.snapshot(1, "a", 1, At.of("mysql-bin.000003", 1200, 0));
        source(last).put("snapshot", "last");
        assertThat(read(last).completesTableSnapshot()).isTrue();
    }

    @Test
    void postgresBlockOfDebezium36ReadsByItsOwnLsnWhateverItsOriginFieldsSay() {
        Struct older = source(new DebeziumEvents().update(1, "b", 2, 5_000, 77));
        SchemaBuilder newer = SchemaBuilder.struct().name(older.schema().name());
        older.schema().fields().forEach(field -> newer.field(field.name(), field.schema()));
        // Debezium 3.6 adds these, set for a transaction that a replication origin applied from another server.
        Schema withOrigin = newer.field("origin", Schema.OPTIONAL_STRING_SCHEMA)
                .field("origin_lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
        Struct fromAnOrigin = new Struct(withOrigin).put("origin", "pg_16389").put("origin_lsn", 9_000_000L);
        older.schema().fields().forEach(field -> fromAnOrigin.put(field.name(), older.get(field)));

        assertThat(reader.read(fromAnOrigin, false)).isEqualTo(reader.read(older, false))
                .extracting(position -> ((PostgresSourcePosition) position).lsn()).isEqualTo(5_000L);
    }

    @Test
    void mariadbConnectorBlocksReadAsBinlogPositions() {
        SinkRecord record = events.insert(1, "a", 1, At.of("mariadb-bin.000001", 330, 0));
        source(record).put("connector", "mariadb");
        assertThat(read(record)).isInstanceOf(BinlogSourcePosition.class);
    }

    @Test
    void binlogFileWithoutNumericIndexCannotBeOrdered() {
        assertThatThrownBy(() -> read(events.insert(1, "a", 1, At.of("binlog", 4, 0))))
                .isInstanceOf(DataException.class).hasMessageContaining("numeric index");
    }

    @Test
    void binlogPositionBeyond32BitsIsRejectedRatherThanMisordered() {
        assertThatThrownBy(() -> read(events.insert(1, "a", 1, At.of("mysql-bin.000001", 1L << 32, 0))))
                .isInstanceOf(DataException.class).hasMessageContaining("out of range");
    }

    @Test
    void unknownConnectorIsRejectedNamingTheSupportedOnes() {
        SinkRecord record = events.insert(1, "a", 1, At.of("mysql-bin.000001", 4, 0));
        source(record).put("connector", "sqlserver");
        assertThatThrownBy(() -> read(record)).isInstanceOf(DataException.class)
                .hasMessageContaining("'sqlserver'").hasMessageContaining("[mariadb, mysql, postgresql]");
    }
}
