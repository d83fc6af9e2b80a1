package io.tidemark.sink;

import io.tidemark.sink.dialect.AuditEvents;
import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TableDefinition;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.dialect.Watermarks;
import io.tidemark.sink.event.ChangeEvent;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.PostgresSourcePosition;
import io.tidemark.sink.position.ReadKind;
import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.position.RowVersions;
import io.tidemark.sink.position.SourcePosition;
import io.tidemark.sink.position.StreamHorizon;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import javax.sql.DataSource;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An in-memory target database for unit tests of the task, behind both of the task's ways into a database: the
 * {@link TargetDialect} SPI (merge-mode upserts, the catalog and its DDL, the watermark table) and the JDBC
 * connections its pool draws, made with {@link Proxy}. It keeps the promises of PostgreSQL the sink relies on:
 * <ul>
 *   <li>a transaction's writes become visible only when it commits; a connection has one transaction at a time;</li>
 *   <li>an upsert changes a row only where the position guard lets it ({@link RowVersions}, correctness.md §3);</li>
 *   <li>{@link #describe} reads inside the caller's transaction and leaves it open, {@link #runDdl} commits the
 *       transaction it runs in and {@link #runDdlInTransaction} leaves it open, as {@code PostgresDialect} does;</li>
 *   <li>a failed statement aborts its transaction: later statements fail, and a commit rolls it back;</li>
 *   <li>a lost connection (SQLSTATE class 08) is lost for good: the server rolls its transaction back, and every later
 *       call on it fails with 08003.</li>
 * </ul>
 * Every statement runs through a JDBC {@link Statement} of its connection, so the pool sees a failure as it would see
 * a driver's (and drops a lost connection). It records every transaction that wrote rows or offsets and how it ended.
 * One writer at a time, as the task writes: committing over writes another transaction committed since this one
 * began fails loudly instead of losing them.
 * Composite keys are kept, but {@link #column} reads tables keyed by one column.
 */
final class FakeTarget implements TargetDialect {

    /** The statements the fake runs, so that a test can make chosen ones fail. */
    enum Operation { DESCRIBE, DDL, UPSERT, CREATE_WATERMARK_TABLE, LOAD_OFFSETS, SAVE_OFFSETS }

    enum Outcome { COMMITTED, ROLLED_BACK }

    /** A row: its table and the values of its primary key. */
    record Key(TableId table, List<Object> values) {
        @Override
        public String toString() {
            return table.toString() + values;
        }
    }

    /**
     * A transaction that wrote rows or offsets: the rows its upserts named ({@code sent}, in order, whether the guard let
     * them through or not) and the next offsets it saved.
     */
    record Transaction(Outcome outcome, List<Key> sent, Map<TopicPartition, Long> offsets) {
    }

    /** The next commit that saves offsets, held until {@link #release()}: a batch written, not committed yet. */
    static final class Pause {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        /** Returns once the commit is held. */
        void awaitReached() throws InterruptedException {
            if (!reached.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no commit of offsets came within 10 s");
            }
        }

        void release() {
            released.countDown();
        }
    }

    /** What the database holds. A transaction writes into a copy, which replaces it when it commits. */
    private static final class Contents {
        final Map<TableId, TableDefinition> tables = new LinkedHashMap<>();
        final Map<TableId, Map<List<Object>, Map<String, Object>>> rows = new LinkedHashMap<>();
        final Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        final Map<TopicPartition, StreamHorizon> horizons = new LinkedHashMap<>();
        boolean watermarkTable;

        Contents copy() {
            Contents copy = new Contents();
            copy.tables.putAll(tables);
            rows.forEach((table, byKey) -> {
                Map<List<Object>, Map<String, Object>> copied = new LinkedHashMap<>();
                byKey.forEach((key, row) -> copied.put(key, new LinkedHashMap<>(row)));
                copy.rows.put(table, copied);
            });
            copy.offsets.putAll(offsets);
            copy.horizons.putAll(horizons);
            copy.watermarkTable = watermarkTable;
            return copy;
        }
    }

    /** The server's side of one connection and its transaction. Guarded by the {@link FakeTarget}. */
    private final class Session {
        /** The transaction's copy of the contents from its first write on; null while it has written nothing. */
        private Contents written;
        /** How many commits had written when the copy was taken. */
        private long basedOn;
        private final List<Key> sent = new ArrayList<>();
        private final Map<TopicPartition, Long> savedOffsets = new LinkedHashMap<>();
        private boolean aborted;
        private boolean lost;
        private boolean closed;

        Contents reading() {
            return written != null ? written : contents;
        }

        Contents writing() {
            if (written == null) {
                written = contents.copy();
                basedOn = writingCommits;
            }
            return written;
        }

        void execute(String sql) throws SQLException {
            if (closed || lost) {
                throw new SQLException("This connection has been closed.", "08003");
            }
            if (aborted) {
                throw new SQLException("current transaction is aborted, commands ignored until end of transaction block",
                        "25P02");
            }
            Deque<String> queued = failures.get(Operation.valueOf(sql.substring(0, sql.indexOf(' '))));
            String state = queued == null ? null : queued.poll();
            if (state == null) {
                return;
            }
            if (state.startsWith("08")) {
                // The server rolls back the transaction of a connection it lost.
                end(Outcome.ROLLED_BACK);
                lost = true;
                throw new SQLException("An I/O error occurred while sending to the backend.", state);
            }
            aborted = true;
            throw new SQLException("the fake target fails " + sql + " with SQLSTATE " + state, state);
        }

        /** Ends the transaction; a committed one's contents become the database's. */
        void end(Outcome outcome) {
            if (outcome == Outcome.COMMITTED && written != null) {
                if (basedOn != writingCommits) {
                    throw new IllegalStateException("two transactions wrote at once; the fake target keeps one writer");
                }
                contents = written;
                writingCommits++;
            }
            if (!sent.isEmpty() || !savedOffsets.isEmpty()) {
                transactions.add(new Transaction(outcome, List.copyOf(sent),
                        Collections.unmodifiableMap(new LinkedHashMap<>(savedOffsets))));
            }
            written = null;
            sent.clear();
            savedOffsets.clear();
            aborted = false;
        }

        void commit() throws SQLException {
            checkOpen();
            // PostgreSQL answers COMMIT in an aborted transaction with a rollback.
            end(aborted ? Outcome.ROLLED_BACK : Outcome.COMMITTED);
        }

        void rollback() throws SQLException {
            checkOpen();
            end(Outcome.ROLLED_BACK);
        }

        void close() {
            if (!closed && !lost) {
                end(Outcome.ROLLED_BACK);
            }
            closed = true;
        }

        private void checkOpen() throws SQLException {
            if (closed || lost) {
                throw new SQLException("This connection has been closed.", "08003");
            }
        }

        /** Fails the statement and aborts the transaction. */
        SQLException abort(String message, String sqlState) {
            aborted = true;
            return new SQLException(message, sqlState);
        }
    }

    private Contents contents = new Contents();
    private long writingCommits;
    private final List<Session> sessions = new ArrayList<>();
    private final List<Transaction> transactions = new ArrayList<>();
    private final Map<Operation, Deque<String>> failures = new EnumMap<>(Operation.class);
    private final Set<Key> rejected = new HashSet<>();
    /** The DDL this dialect rendered, by its text, with what running it does. */
    private final Map<String, Consumer<Contents>> ddl = new HashMap<>();
    private Pause pause;

    /** The connections of the database, one new session each; give it to the task's pool. */
    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getConnection" -> connect();
                    case "isWrapperFor" -> false;
                    case "unwrap" -> throw new SQLException("the fake target's data source wraps nothing");
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "the fake target's data source";
                    // Login timeout and log writer: settings the pool passes on, of no use here.
                    default -> defaultValue(method);
                });
    }

    /** The next {@code count} statements of {@code operation} fail with {@code sqlState} (08006: the connection is lost). */
    synchronized void fail(Operation operation, int count, String sqlState) {
        Deque<String> states = failures.computeIfAbsent(operation, o -> new ArrayDeque<>());
        for (int i = 0; i < count; i++) {
            states.add(sqlState);
        }
    }

    /** Every upsert of the row with key {@code key} in {@code table} fails: a record the database rejects (23505). */
    synchronized void reject(String table, Object key) {
        rejected.add(key(table, key));
    }

    /** Holds the next commit that saves offsets until the returned pause is released. */
    synchronized Pause pauseNextCommit() {
        pause = new Pause();
        return pause;
    }

    /** Offsets committed by an earlier task, in a watermark table that exists. */
    synchronized void storeOffsets(Map<TopicPartition, Long> offsets) {
        contents.watermarkTable = true;
        contents.offsets.putAll(offsets);
    }

    /** The next offsets the committed watermark table holds. */
    synchronized Map<TopicPartition, Long> storedOffsets() {
        return Map.copyOf(contents.offsets);
    }

    /** Committed: {@code column} of each row of {@code table}, by the value of its one key column. */
    synchronized Map<Object, Object> column(String table, String column) {
        Map<Object, Object> values = new LinkedHashMap<>();
        contents.rows.getOrDefault(TableId.parse(table), Map.of())
                .forEach((key, row) -> values.put(key.get(0), row.get(column)));
        return values;
    }

    /** The transactions that wrote rows or offsets and have ended, in the order they ended. */
    synchronized List<Transaction> transactions() {
        return List.copyOf(transactions);
    }

    /** The rows the transactions still in progress sent. */
    synchronized List<Key> uncommitted() {
        return sessions.stream().flatMap(s -> s.sent.stream()).toList();
    }

    /** Connections handed out and not closed yet. */
    synchronized int openConnections() {
        return (int) sessions.stream().filter(s -> !s.closed).count();
    }

    static Key key(String table, Object... values) {
        return new Key(TableId.parse(table), List.of(values));
    }

    private synchronized Connection connect() {
        Session session = new Session();
        sessions.add(session);
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "createStatement" -> statement(session, (Connection) proxy);
                    case "commit" -> {
                        commit(session);
                        yield null;
                    }
                    case "rollback" -> {
                        synchronized (this) {
                            session.rollback();
                        }
                        yield null;
                    }
                    case "close", "abort" -> {
                        synchronized (this) {
                            session.close();
                        }
                        yield null;
                    }
                    case "isClosed" -> {
                        synchronized (this) {
                            yield session.closed;
                        }
                    }
                    case "isValid" -> {
                        synchronized (this) {
                            yield !session.closed && !session.lost;
                        }
                    }
                    case "unwrap" -> {
                        if (args[0] != Session.class) {
                            throw new SQLException("a fake connection wraps nothing but its session");
                        }
                        yield session;
                    }
                    case "isWrapperFor" -> args[0] == Session.class;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "a connection to the fake target";
                    // Auto-commit, isolation, network timeout, warnings: settings the pool reads and resets.
                    default -> defaultValue(method);
                });
    }

    private Statement statement(Session session, Connection connection) {
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "execute" -> {
                        synchronized (this) {
                            session.execute((String) args[0]);
                        }
                        yield false;
                    }
                    case "getConnection" -> connection;
                    case "close" -> null;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "a statement to the fake target";
                    default -> throw new UnsupportedOperationException("the fake target's statements only execute: "
                            + method.getName());
                });
    }

    /** Commits, first waiting while a pause holds a commit that saves offsets. */
    private void commit(Session session) throws SQLException {
        Pause held;
        synchronized (this) {
            held = pause != null && !session.savedOffsets.isEmpty() && !session.aborted ? pause : null;
            if (held != null) {
                pause = null;
            }
        }
        if (held != null) {
            held.reached.countDown();
            try {
                if (!held.released.await(10, TimeUnit.SECONDS)) {
                    throw new SQLException("a paused commit was not released within 10 s", "08006");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while a commit was paused", "08006", e);
            }
        }
        synchronized (this) {
            session.commit();
        }
    }

    private static Object defaultValue(Method method) {
        Class<?> type = method.getReturnType();
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }

    /** Runs {@code operation} as a statement of {@code connection}; returns the connection's session. */
    private static Session run(Connection connection, Operation operation, Object subject) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(operation + " " + subject);
        }
        return connection.unwrap(Session.class);
    }

    @Override
    public String name() {
        return "fake";
    }

    /** Never chosen by URL: tests hand it to the task. */
    @Override
    public boolean accepts(String jdbcUrl) {
        return false;
    }

    @Override
    public String exampleUrl() {
        return "none, tests hand it to the task";
    }

    @Override
    public String quote(String name) {
        return '"' + name + '"';
    }

    @Override
    public String quote(TableId table) {
        return table.schema() == null ? quote(table.table()) : quote(table.schema()) + "." + quote(table.table());
    }

    @Override
    public String columnType(Schema schema, boolean keyColumn) {
        return schema.type().getName();
    }

    @Override
    public String hiddenColumnType(HiddenColumns.Type type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public TableDefinition describe(Connection connection, TableId table) throws SQLException {
        Session session = run(connection, Operation.DESCRIBE, table);
        TableDefinition definition;
        synchronized (this) {
            definition = session.reading().tables.get(table);
        }
        return definition;
    }

    @Override
    public void runDdl(Connection connection, List<String> statements) throws SQLException {
        runDdlInTransaction(connection, statements);
        connection.commit();
    }

    @Override
    public void runDdlInTransaction(Connection connection, List<String> statements) throws SQLException {
        Session session = connection.unwrap(Session.class);
        for (String statement : statements) {
            run(connection, Operation.DDL, statement);
            synchronized (this) {
                ddl.get(statement).accept(session.writing());
            }
        }
    }

    @Override
    public synchronized List<String> createTable(TableId table, Map<String, String> columns, List<String> primaryKey) {
        String statement = "CREATE TABLE " + table + " " + columns.keySet() + " KEY " + primaryKey;
        ddl.put(statement, c -> {
            c.tables.putIfAbsent(table, new TableDefinition(table, columns, primaryKey));
            c.rows.putIfAbsent(table, new LinkedHashMap<>());
        });
        return List.of(statement);
    }

    @Override
    public String addColumns(TableId table, Map<String, String> columns) {
        throw new UnsupportedOperationException("the fake target's tables keep their columns");
    }

    @Override
    public int upsert(Connection connection, TableDefinition table, List<String> columns, List<Struct> images,
                      RowVersion[] streamed, RowVersion[] snapshot, List<String> nullColumns, boolean softDelete)
            throws SQLException {
        Session session = run(connection, Operation.UPSERT, table.id());
        synchronized (this) {
            List<List<Object>> keys = new ArrayList<>();
            for (Struct image : images) {
                List<Object> key = table.primaryKey().stream().map(image::get).toList();
                if (rejected.contains(new Key(table.id(), key))) {
                    throw session.abort("duplicate key value violates unique constraint: " + key, "23505");
                }
                if (keys.contains(key)) {
                    throw session.abort("ON CONFLICT DO UPDATE command cannot affect row a second time", "21000");
                }
                keys.add(key);
            }
            HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
            Map<List<Object>, Map<String, Object>> rows = session.writing().rows.get(table.id());
            int applied = 0;
            for (int r = 0; r < images.size(); r++) {
                Key key = new Key(table.id(), keys.get(r));
                session.sent.add(key);
                SourcePosition incoming = incoming(streamed[r], snapshot[r]);
                Map<String, Object> row = rows.get(key.values());
                RowVersions.Stored stored = row == null ? RowVersions.Stored.NONE : new RowVersions.Stored(
                        (RowVersion) row.get(versions.streamed()), (RowVersion) row.get(versions.snapshot()));
                if (row != null && !RowVersions.supersedes(incoming, stored)) {
                    continue;
                }
                Map<String, Object> write = row != null ? row : new LinkedHashMap<>();
                for (String column : columns) {
                    write.put(column, images.get(r).get(column));
                }
                nullColumns.forEach(column -> write.put(column, null));
                RowVersions.Stored after = RowVersions.after(stored, incoming);
                write.put(versions.streamed(), after.streamed());
                write.put(versions.snapshot(), after.snapshotPoint());
                if (softDelete) {
                    write.put(HiddenColumns.DELETED, false);
                }
                rows.put(key.values(), write);
                applied++;
            }
            return applied;
        }
    }

    /**
     * The guard's view of an upsert row: streamed, a snapshot read, or (neither version) an incremental read. The
     * tests' records are PostgreSQL's, so their row versions are LSNs.
     */
    private static SourcePosition incoming(RowVersion streamed, RowVersion snapshot) {
        if (streamed != null) {
            return new PostgresSourcePosition(null, streamed.int64(), null, null, null, ReadKind.STREAMED, false);
        }
        if (snapshot != null) {
            return new PostgresSourcePosition(null, snapshot.int64(), null, null, null, ReadKind.SNAPSHOT, false);
        }
        // RowVersions lets an incremental read through whatever LSN it carries.
        return new PostgresSourcePosition(null, 0, null, null, null, ReadKind.INCREMENTAL, false);
    }

    @Override
    public int delete(Connection connection, TableDefinition table, List<String> keyColumns, List<Struct> keys,
                      RowVersion[] versions, boolean softDelete) {
        throw new UnsupportedOperationException("the fake target writes upserts only");
    }

    @Override
    public int truncate(Connection connection, TableDefinition table, RowVersion position, boolean softDelete) {
        throw new UnsupportedOperationException("the fake target writes upserts only");
    }

    @Override
    public int deleteMissingFromSnapshot(Connection connection, TableDefinition table, RowVersion position,
                                         boolean softDelete) {
        throw new UnsupportedOperationException("the fake target writes upserts only");
    }

    @Override
    public int append(Connection connection, TableDefinition table, List<String> columns, List<ChangeEvent> changes) {
        throw new UnsupportedOperationException("the fake target has merge-mode tables only");
    }

    @Override
    public Watermarks watermarks(TableId table, String connectorName) {
        return new FakeWatermarks(table);
    }

    @Override
    public AuditEvents auditEvents(TableId table, String connectorName) {
        throw new UnsupportedOperationException("the fake target has merge-mode tables only");
    }

    /** Connection failures: the transient errors the fake produces. */
    @Override
    public boolean isTransient(SQLException error) {
        return error.getSQLState() != null && error.getSQLState().startsWith("08");
    }

    /** The watermark table of the one connector the fake serves. */
    private final class FakeWatermarks implements Watermarks {
        private final TableId table;

        FakeWatermarks(TableId table) {
            this.table = table;
        }

        @Override
        public void createIfMissing(Connection connection) throws SQLException {
            Session session = run(connection, Operation.CREATE_WATERMARK_TABLE, table);
            synchronized (FakeTarget.this) {
                if (!session.reading().watermarkTable) {
                    session.writing().watermarkTable = true;
                }
            }
            connection.commit();
        }

        @Override
        public Map<TopicPartition, Stored> load(Connection connection, Collection<TopicPartition> partitions)
                throws SQLException {
            Session session = run(connection, Operation.LOAD_OFFSETS, table);
            Map<TopicPartition, Stored> stored = new HashMap<>();
            synchronized (FakeTarget.this) {
                Contents contents = existing(session, session.reading());
                contents.offsets.forEach((tp, next) -> {
                    StreamHorizon horizon = contents.horizons.get(tp);
                    stored.put(tp, new Stored(next, horizon == null ? null : horizon.server(),
                            horizon == null ? null : horizon.order()));
                });
            }
            stored.keySet().retainAll(partitions);
            connection.commit();
            return stored;
        }

        @Override
        public void save(Connection connection, Collection<Progress> progress) throws SQLException {
            Session session = run(connection, Operation.SAVE_OFFSETS, table);
            synchronized (FakeTarget.this) {
                Contents write = existing(session, session.writing());
                for (Progress p : progress) {
                    write.offsets.put(p.partition(), p.nextOffset());
                    if (p.horizon() != null) {
                        write.horizons.merge(p.partition(), p.horizon(), StreamHorizon::then);
                    }
                    session.savedOffsets.put(p.partition(), p.nextOffset());
                }
            }
        }

        private Contents existing(Session session, Contents contents) throws SQLException {
            if (!contents.watermarkTable) {
                throw session.abort("relation \"" + table + "\" does not exist", "42P01");
            }
            return contents;
        }
    }
}
