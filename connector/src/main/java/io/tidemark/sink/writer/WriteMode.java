package io.tidemark.sink.writer;

import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** How a write mode ({@code mode=merge} or {@code mode=append}) lays out its tables and writes changes. */
public interface WriteMode {

    /**
     * Columns the sink keeps beside the row's own columns, with the version columns named by {@code versions}: name to
     * SQL type, with constraints, for DDL.
     */
    Map<String, String> hiddenColumns(HiddenColumns.Versions versions);

    /** The primary key of a table of layout {@code versions} whose records are keyed by {@code keyColumns}. */
    List<String> primaryKey(List<String> keyColumns, HiddenColumns.Versions versions);

    /** An empty batch that collects one transaction's changes the way this mode needs them. */
    ChangeBatch newBatch();

    /**
     * Creates what this mode needs beside the tables before a batch holding table changes (truncates, completed
     * snapshots) is written (it runs DDL, in a committed transaction of its own).
     */
    void prepareForTableChanges(Connection connection) throws SQLException;

    /** Writes one table's changes of a batch inside the caller's transaction; returns the rows written. */
    int write(Connection connection, TableDefinition table, Collection<ChangeEvent> changes) throws SQLException;

    /**
     * Applies a change of the whole {@code table} (a truncate, or a completed snapshot) inside the caller's
     * transaction; {@code definition} is null when the target table does not exist. Returns the rows written.
     */
    int applyTableChange(Connection connection, TableId table, TableDefinition definition, ChangeEvent change)
            throws SQLException;
}
