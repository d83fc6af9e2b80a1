package io.tidemark.sink.dialect;

import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Append mode's record of changes that concern a whole table rather than one row (truncates, op {@code t}; completed
 * snapshots, op {@code s}): one row per change, keyed by connector, target table, op and source position, so a change
 * delivered again adds nothing. An audit table cannot hold them, since its primary key holds the row's key.
 */
public interface AuditEvents {

    /** Creates the table on first use, in a committed transaction of its own. */
    void createIfMissing(Connection connection) throws SQLException;

    /** Records {@code change} of {@code target} inside the caller's transaction; 1, or 0 if it was recorded before. */
    int record(Connection connection, TableId target, ChangeEvent change) throws SQLException;
}
