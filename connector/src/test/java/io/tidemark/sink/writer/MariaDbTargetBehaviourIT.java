package io.tidemark.sink.writer;

import io.tidemark.sink.DebeziumEvents;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The target behaviour suite on MariaDB, and what only MariaDB can get wrong. */
class MariaDbTargetBehaviourIT extends TargetBehaviourIT {

    private final MariaDbDatabase mariadb = new MariaDbDatabase();

    @Override
    protected TargetDatabase target() {
        return mariadb;
    }

    /** A table without transactions would take rows outside the transaction that carries the offsets. */
    @Test
    void aTableOfAStorageEngineWithoutTransactionsIsRefusedNamingTheFix() {
        String database = mariadb.createDatabase("myisam");
        mariadb.execute(database, "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, qty INT) ENGINE=MyISAM");
        TestTarget target = new TestTarget(mariadb, database, Map.of());
        assertThatThrownBy(() -> target.apply(new DebeziumEvents().insert(1, "a", 1, 100, 1)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("MyISAM").hasMessageContaining("ALTER TABLE `items` ENGINE=InnoDB");
        assertThat(mariadb.count(database, "SELECT count(*) FROM items")).isZero();
        assertThat(mariadb.count(database, "SELECT count(*) FROM cdc_watermark")).isZero();
    }
}
