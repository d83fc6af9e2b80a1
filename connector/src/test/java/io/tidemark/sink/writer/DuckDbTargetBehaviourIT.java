package io.tidemark.sink.writer;

import io.tidemark.testkit.TestDuckDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The target behaviour suite on DuckDB. A connection of the test keeps the database file open, as a running task's pool
 * does: the suite's appliers connect for each batch, and closing a file's last connection checkpoints and closes it.
 */
class DuckDbTargetBehaviourIT extends TargetBehaviourIT {

    private Connection holder;

    @Override
    protected TargetDatabase target() {
        return new DuckDbDatabase();
    }

    @BeforeEach
    void holdTheFileOpen() throws SQLException {
        holder = TestDuckDb.connect(database());
    }

    @AfterEach
    void letGoOfTheFile() throws SQLException {
        holder.close();
    }
}
