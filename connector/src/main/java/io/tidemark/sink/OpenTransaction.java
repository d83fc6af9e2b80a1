package io.tidemark.sink;

import io.tidemark.sink.writer.ChangeApplier;
import io.tidemark.sink.writer.ErrantRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * A target transaction kept open across {@code put()} calls, for a source transaction too large to hold in memory
 * (correctness.md §4.1): records are written into it as they come and it commits once no source transaction in it
 * is cut ({@link TransactionGate} decides when).
 *
 * <p>Written into on the apply thread and read on the task thread, never at the same time: the task awaits the
 * apply thread before it looks.
 */
final class OpenTransaction {

    private static final Logger LOG = LoggerFactory.getLogger(OpenTransaction.class);

    private final DataSource dataSource;
    private final long openedNanos;
    private Connection connection;
    /** The applier written with, whose knowledge of the tables a rollback makes stale. */
    private ChangeApplier applier;
    private ChangeApplier.Result written;
    private boolean committed;

    OpenTransaction(DataSource dataSource, long openedNanos) {
        this.dataSource = dataSource;
        this.openedNanos = openedNanos;
    }

    /**
     * Writes {@code records} into the transaction in chunks of {@code chunkSize}, without committing. On any failure
     * the transaction is rolled back and its connection closed before the failure is thrown.
     */
    void write(ChangeApplier applier, List<SinkRecord> records, Map<TopicPartition, Long> durableOffsets,
               ErrantRecords errant, int chunkSize) throws SQLException {
        try {
            if (connection == null) {
                connection = dataSource.getConnection();
            }
            this.applier = applier;
            for (int from = 0; from < records.size(); from += chunkSize) {
                List<SinkRecord> chunk = records.subList(from, Math.min(records.size(), from + chunkSize));
                ChangeApplier.Result result = applier.write(connection, chunk, durableOffsets, errant);
                written = written == null ? result : written.plus(result);
            }
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            throw e;
        }
    }

    /** Commits what was written; returns it as one result, whose offsets are now durable. */
    ChangeApplier.Result commit() throws SQLException {
        try {
            if (connection != null) {
                connection.commit();
                connection.close();
                connection = null;
            }
        } catch (SQLException e) {
            rollback(e);
            throw e;
        }
        committed = true;
        return written != null ? written : new ChangeApplier.Result(Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, 0, null);
    }

    /** Rolls back whatever was written and lets the connection go, when the task gives the transaction up. */
    void abandon() {
        Exception problems = new SQLException("rolling back the open transaction");
        rollback(problems);
        if (problems.getSuppressed().length > 0) {
            LOG.warn("Rolling back the open transaction failed; closing its connection ends it", problems);
        }
    }

    /** Rolls back whatever was written and lets the connection go; any error doing so is added to {@code cause}. */
    private void rollback(Exception cause) {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
        try {
            connection.close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
        connection = null;
        if (applier != null) {
            // Tables created or altered inside the transaction are gone with it.
            applier.forgetTables();
        }
    }

    boolean committed() {
        return committed;
    }

    /** When the transaction was opened, in {@link System#nanoTime()}. */
    long openedNanos() {
        return openedNanos;
    }
}
