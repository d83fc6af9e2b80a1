package io.tidemark.sink.dialect;

import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersion;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Everything the sink says to one kind of target database: whole guarded statements and their binding, column types,
 * the catalog and DDL, the watermark and audit-events tables, identifier quoting and which errors pass with time.
 * The sink core decides what to write (reduction, rounds, offsets, the rules of docs/correctness.md); a dialect only
 * says how. Found by {@link java.util.ServiceLoader} from the JDBC URL ({@link TargetDialects}).
 *
 * <p>Every statement runs inside the caller's transaction unless it says otherwise; the caller commits.
 */
public interface TargetDialect {

    /** The database's name as users see it in errors and in the README, e.g. {@code postgresql}. */
    String name();

    /** Whether this dialect writes to the database {@code jdbcUrl} names. */
    boolean accepts(String jdbcUrl);

    /** A JDBC URL of the form this dialect accepts, for error messages. */
    String exampleUrl();

    /**
     * Why {@code jdbcUrl}, which this dialect accepts, names a target the sink cannot keep its promises in (a database
     * that would not outlive the worker, one opened read-only), or null. Checked wherever connection.url is: the REST
     * validate call and every task start.
     */
    default String refusal(String jdbcUrl) {
        return null;
    }

    /**
     * Why the target {@code jdbcUrl} names cannot be written from this process as things are now (a file's directory
     * is missing, another process holds the database), found without writing to it; null when nothing is wrong or
     * only a connection to a server could tell. The connector's validate() reports it; tasks retry instead.
     */
    default String setupProblem(String jdbcUrl) {
        return null;
    }

    /**
     * How long the task's pooled connections stay open unused before they are closed, when connection.idle.release.ms
     * does not say.
     */
    default long defaultIdleReleaseMs() {
        return 600_000;
    }

    /** {@code name} as one quoted identifier, whatever it holds; a name the database cannot hold fails. */
    String quote(String name);

    String quote(TableId table);

    /**
     * The column type for values of Connect schema {@code schema}, for DDL; {@code keyColumn} for a column of the
     * primary key (some databases index only bounded types).
     */
    String columnType(Schema schema, boolean keyColumn);

    /** The column type, with constraints, of one of the sink's own columns. */
    String hiddenColumnType(HiddenColumns.Type type);

    /** Driver properties the sink's statements rely on, added to the user's connection settings. */
    default Map<String, String> driverProperties() {
        return Map.of();
    }

    /**
     * The table's definition, or null when it does not exist. Reads inside the caller's transaction and leaves it
     * open: it may be a target transaction kept open for a large source transaction (correctness.md §4.1).
     */
    TableDefinition describe(Connection connection, TableId table) throws SQLException;

    /**
     * Runs {@code statements} and commits, one task of any connector at a time. The caller's transaction must hold
     * no writes: they would be committed with it.
     */
    void runDdl(Connection connection, List<String> statements) throws SQLException;

    /**
     * Runs {@code statements} inside the caller's open transaction without committing, so they commit or roll back
     * with it (a target transaction kept open, correctness.md §4.1); serialised with {@link #runDdl} of other tasks.
     * A database whose DDL commits by itself throws a non-transient {@link SQLException} instead.
     */
    void runDdlInTransaction(Connection connection, List<String> statements) throws SQLException;

    /** The statements that create {@code table} (and its schema) unless it exists. */
    List<String> createTable(TableId table, Map<String, String> columns, List<String> primaryKey);

    /** The statement that adds {@code columns} (name to type) to {@code table} unless they exist. */
    String addColumns(TableId table, Map<String, String> columns);

    /**
     * Inserts or updates rows {@code images} (their fields {@code columns}, which hold the key columns) under the
     * position guard (docs/correctness.md §3): row {@code r} is streamed when {@code streamed[r]} is set, a snapshot
     * read when {@code snapshot[r]} is, an incremental read when neither is. {@code nullColumns} are set to NULL;
     * a soft-delete table's rows are marked not deleted. Returns the rows the guard let through.
     */
    int upsert(Connection connection, TableDefinition table, List<String> columns, List<Struct> images,
               RowVersion[] streamed, RowVersion[] snapshot, List<String> nullColumns, boolean softDelete)
            throws SQLException;

    /**
     * Deletes the rows of {@code keys} (fields {@code keyColumns}) whose stored version the delete at
     * {@code versions[r]} supersedes: soft (the row stays, marked deleted, with the delete's version; a key never
     * seen gets a deleted marker row) or hard. Returns the rows changed.
     */
    int delete(Connection connection, TableDefinition table, List<String> keyColumns, List<Struct> keys,
               RowVersion[] versions, boolean softDelete) throws SQLException;

    /**
     * A truncate at {@code position}: deletes (soft: marks deleted, recording the position) every row whose stored
     * versions are both below it or absent (correctness.md §3.5).
     */
    int truncate(Connection connection, TableDefinition table, RowVersion position, boolean softDelete)
            throws SQLException;

    /**
     * A completed snapshot at {@code position}: deletes (soft: marks deleted, keeping the versions) every row not
     * deleted yet whose stored versions are both below it or absent (correctness.md §3.6).
     */
    int deleteMissingFromSnapshot(Connection connection, TableDefinition table, RowVersion position,
                                  boolean softDelete) throws SQLException;

    /**
     * Append mode: one audit row per change, its image columns {@code columns} (the row, or the key for a delete
     * without one) plus the hidden position and Kafka columns, ignoring rows whose key is there already. Unchanged
     * TOAST values are written as NULL. Returns the rows added.
     */
    int append(Connection connection, TableDefinition table, List<String> columns, List<ChangeEvent> changes)
            throws SQLException;

    /** The watermark table {@code table} of connector {@code connectorName}. */
    Watermarks watermarks(TableId table, String connectorName);

    /** Append mode's table of whole-table changes, {@code table}, of connector {@code connectorName}. */
    AuditEvents auditEvents(TableId table, String connectorName);

    /**
     * Whether the database reports, by this error alone (its SQLSTATE or vendor code), a condition that passes with
     * time: a lost connection, a server shutting down, too many connections, a serialization failure or deadlock.
     * The driver's transient exception types and the causes around it are looked at by the caller.
     */
    boolean isTransient(SQLException error);

    /**
     * Whether the connection that threw {@code error} must not be used again (its driver may have lost track of the
     * transaction): the pool closes it instead of handing it out once more.
     */
    default boolean breaksConnection(SQLException error) {
        return false;
    }
}
