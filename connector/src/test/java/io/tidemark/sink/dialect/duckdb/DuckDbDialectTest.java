package io.tidemark.sink.dialect.duckdb;

import io.tidemark.sink.dialect.HiddenColumns;
import io.tidemark.sink.dialect.TargetDialects;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.writer.MergeWriter;
import io.tidemark.sink.writer.SchemaEvolution;
import io.tidemark.sink.writer.TableCatalog;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DuckDbDialectTest {

    private final DuckDbDialect dialect = new DuckDbDialect();

    @TempDir
    Path directory;

    private static Schema named(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    private String url(String file) {
        return "jdbc:duckdb:" + directory.resolve(file);
    }

    @Test
    void aDuckdbFileUrlChoosesThisDialect() {
        assertThat(TargetDialects.forUrl("connection.url", "jdbc:duckdb:/var/lib/analytics.duckdb").name())
                .isEqualTo("duckdb");
        assertThat(dialect.accepts("jdbc:postgresql://db/x")).isFalse();
    }

    @Test
    void inMemoryReadOnlyAndRemoteDatabasesAreRefusedWithTheReason() {
        for (String url : List.of("jdbc:duckdb:", "jdbc:duckdb::memory:", "jdbc:duckdb::memory:shared")) {
            assertThatThrownBy(() -> TargetDialects.forUrl("connection.url", url)).as(url)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("in-memory DuckDB database");
        }
        assertThat(dialect.refusal("jdbc:duckdb:/data/a.duckdb;access_mode=READ_ONLY")).contains("read-only");
        assertThat(dialect.refusal("jdbc:duckdb:/data/a.duckdb;duckdb.read_only=true")).contains("read-only");
        assertThat(dialect.refusal("jdbc:duckdb:md:analytics")).contains("MotherDuck");
        assertThat(dialect.refusal("jdbc:duckdb:/data/a.duckdb;memory_limit=1GB")).isNull();
        assertThat(dialect.refusal("jdbc:duckdb:analytics.duckdb")).isNull();
    }

    @Test
    void aMissingDirectoryIsASetupProblemAndAFreshFileIsNot() {
        assertThat(dialect.setupProblem("jdbc:duckdb:" + directory.resolve("missing/a.duckdb")))
                .contains("directory " + directory.resolve("missing"), "does not exist");
        assertThat(dialect.setupProblem(url("fresh.duckdb"))).isNull();
        assertThat(directory.resolve("fresh.duckdb")).doesNotExist();
    }

    @Test
    void aFileThatIsNoDuckdbDatabaseIsASetupProblem() throws Exception {
        java.nio.file.Files.writeString(directory.resolve("notes.duckdb"), "not a database ".repeat(20));
        assertThat(dialect.setupProblem(url("notes.duckdb"))).contains("cannot open", "not a valid DuckDB database");
    }

    @Test
    void hostileNamesStayOneDoubleQuotedIdentifier() {
        assertThat(dialect.quote("we\"ird; DROP TABLE x")).isEqualTo("\"we\"\"ird; DROP TABLE x\"");
        assertThat(dialect.quote(new TableId("shop", "orders"))).isEqualTo("\"shop\".\"orders\"");
        assertThatThrownBy(() -> dialect.quote("a\u0000b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void debeziumTypesGetTheirDuckdbTypes() {
        assertThat(dialect.columnType(Schema.STRING_SCHEMA, true)).isEqualTo("VARCHAR");
        assertThat(dialect.columnType(Schema.BYTES_SCHEMA, false)).isEqualTo("BLOB");
        assertThat(dialect.columnType(named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"), false))
                .isEqualTo("TIMESTAMP");
        assertThat(dialect.columnType(named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp"), false))
                .isEqualTo("TIMESTAMPTZ");
        assertThat(dialect.columnType(named(Schema.Type.INT64, "io.debezium.time.MicroDuration"), false))
                .isEqualTo("INTERVAL");
        assertThat(dialect.columnType(named(Schema.Type.STRING, "io.debezium.data.Uuid"), false)).isEqualTo("UUID");
        assertThat(dialect.columnType(named(Schema.Type.STRING, "io.debezium.data.Json"), false)).isEqualTo("JSON");
        assertThat(dialect.columnType(Decimal.builder(2).parameter("connect.decimal.precision", "12").build(), false))
                .isEqualTo("DECIMAL(12,2)");
        assertThat(dialect.columnType(Decimal.builder(2).build(), false)).isEqualTo("DECIMAL(38,2)");
        assertThat(dialect.columnType(Decimal.builder(2).parameter("connect.decimal.precision", "50").build(), false))
                .isEqualTo("VARCHAR");
        assertThat(dialect.columnType(SchemaBuilder.array(SchemaBuilder.array(Schema.INT32_SCHEMA).build()).build(),
                false)).isEqualTo("INTEGER[][]");
        assertThat(dialect.hiddenColumnType(HiddenColumns.Type.VERSION)).isEqualTo("DECIMAL(38,0)");
    }

    @Test
    void valuesAreStagedAsTheJavaTypesTheAppenderWritesExactly() {
        assertThat(DuckDbTypes.stagedValue(named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"))
                .apply(1_700_000_000_123_456L)).isEqualTo(LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_456_000));
        assertThat(DuckDbTypes.stagedValue(named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp"))
                .apply("2024-01-01T10:00:00.5+02:00")).isEqualTo(OffsetDateTime.parse("2024-01-01T10:00:00.5+02:00"));
        assertThat(DuckDbTypes.stagedValue(named(Schema.Type.INT32, "io.debezium.time.Date")).apply(19_000))
                .isEqualTo(LocalDate.of(2022, 1, 8));
        assertThat(DuckDbTypes.stagedValue(named(Schema.Type.STRING, "io.debezium.data.Uuid"))
                .apply("123e4567-e89b-12d3-a456-426614174000"))
                .isEqualTo(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        assertThat(DuckDbTypes.stagedValue(Schema.BYTES_SCHEMA).apply(ByteBuffer.wrap(new byte[] {1, 2})))
                .isEqualTo(new byte[] {1, 2});
        assertThat(DuckDbTypes.stagedValue(Decimal.builder(2).parameter("connect.decimal.precision", "50").build())
                .apply(new BigDecimal("12345678901234567890123456789012345678901234.50")))
                .isEqualTo("12345678901234567890123456789012345678901234.50");
        Schema variable = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();
        assertThat(DuckDbTypes.stagedValue(variable).apply(new Struct(variable).put("scale", 3)
                .put("value", new BigDecimal("-1234.567").unscaledValue().toByteArray()))).isEqualTo("-1234.567");
    }

    @Test
    void timesAndDurationsAreStagedAsTextForDuckdbToCheck() {
        Schema microTime = named(Schema.Type.INT64, "io.debezium.time.MicroTime");
        assertThat(DuckDbTypes.stagingType(microTime)).isEqualTo("VARCHAR");
        assertThat(DuckDbTypes.stagedValue(microTime).apply(90_000_000_000L)).isEqualTo("25:00:00.000000");
        assertThat(DuckDbTypes.stagedValue(named(Schema.Type.INT64, "io.debezium.time.MicroDuration")).apply(5L))
                .isEqualTo("5 microseconds");
        assertThat(DuckDbTypes.stagingType(named(Schema.Type.STRING, "io.debezium.data.Json"))).isEqualTo("VARCHAR");
        assertThat(DuckDbTypes.stagingType(SchemaBuilder.array(microTime).build())).isEqualTo("VARCHAR[]");
    }

    @Test
    void addedColumnsAreOneAlterEach() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("a", "INTEGER");
        columns.put("b b", "VARCHAR");
        assertThat(dialect.addColumns(new TableId(null, "t"), columns)).isEqualTo(
                "ALTER TABLE \"t\" ADD COLUMN IF NOT EXISTS \"a\" INTEGER; ALTER TABLE \"t\" ADD COLUMN IF NOT EXISTS"
                        + " \"b b\" VARCHAR");
    }

    @Test
    void versionsAreExactDecimals() {
        RowVersion binlog = new RowVersion(7, -1);
        assertThat(DuckDbDialect.decimal(binlog)).isEqualTo(new BigDecimal(binlog.decimal()));
        assertThat(DuckDbDialect.decimal(null)).isNull();
    }

    @Test
    void writeWriteConflictsAndFailedCommitsPassWithTimeAndBreakTheConnection() throws SQLException {
        try (Connection first = DriverManager.getConnection(url("conflict.duckdb"));
             Connection second = DriverManager.getConnection(url("conflict.duckdb"))) {
            execute(first, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", "INSERT INTO t VALUES (1, 0)");
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            execute(first, "UPDATE t SET v = 1 WHERE id = 1");
            SQLException conflict = catchThrowableOfType(SQLException.class,
                    () -> execute(second, "UPDATE t SET v = 2 WHERE id = 1"));
            assertThat(conflict.getMessage()).contains("Conflict");
            assertThat(dialect.isTransient(conflict)).isTrue();
            assertThat(dialect.breaksConnection(conflict)).isTrue();
            second.rollback();
            first.commit();

            execute(first, "INSERT INTO t VALUES (2, 0)");
            execute(second, "INSERT INTO t VALUES (2, 0)");
            first.commit();
            SQLException failedCommit = catchThrowableOfType(SQLException.class, second::commit);
            assertThat(dialect.isTransient(failedCommit)).as(failedCommit.getMessage()).isTrue();
            assertThat(dialect.breaksConnection(failedCommit)).isTrue();
            // Why such a connection is closed: the driver can no longer roll back, and would apply the next statements
            // one by one in autocommit.
            assertThatThrownBy(second::rollback).isInstanceOf(SQLException.class);
            execute(second, "INSERT INTO t VALUES (3, 0)");
            assertThatThrownBy(second::rollback).isInstanceOf(SQLException.class);
            first.commit();
            assertThat(count(first, "SELECT count(*) FROM t WHERE id = 3")).isEqualTo(1);
        }
    }

    @Test
    void dataErrorsDoNotPassWithTime() throws SQLException {
        try (Connection c = DriverManager.getConnection(url("data.duckdb"))) {
            execute(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, j JSON)");
            for (String bad : List.of("INSERT INTO t VALUES (1, CAST('{bad' AS JSON))",
                    "INSERT INTO t VALUES (1, NULL), (1, NULL)", "INSERT INTO t VALUES (CAST('x' AS INTEGER), NULL)",
                    "SELECT CAST('25:00:00' AS TIME)")) {
                SQLException error = catchThrowableOfType(SQLException.class, () -> execute(c, bad));
                assertThat(dialect.isTransient(error)).as(error.getMessage()).isFalse();
                assertThat(dialect.breaksConnection(error)).as(error.getMessage()).isFalse();
            }
        }
    }

    @Test
    void aTableWithHostileNamesIsCreatedDescribedAndWritten() throws SQLException {
        TableId id = new TableId("we\"ird; DROP", "ta\"ble -- x");
        Schema row = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
                .field("na\"me; --", Schema.OPTIONAL_STRING_SCHEMA).build();
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", dialect.columnType(Schema.INT32_SCHEMA, true) + " NOT NULL");
        columns.put("na\"me; --", dialect.columnType(Schema.OPTIONAL_STRING_SCHEMA, false));
        columns.put(HiddenColumns.SOURCE_VERSION, dialect.hiddenColumnType(HiddenColumns.Type.VERSION));
        columns.put(HiddenColumns.SOURCE_SNAPSHOT, dialect.hiddenColumnType(HiddenColumns.Type.VERSION));
        try (Connection c = DriverManager.getConnection(url("hostile.duckdb"))) {
            c.setAutoCommit(false);
            dialect.runDdl(c, dialect.createTable(id, columns, List.of("id")));
            var table = dialect.describe(c, id);
            assertThat(table.columns()).containsOnlyKeys(columns.keySet());
            assertThat(table.primaryKey()).containsExactly("id");
            Struct image = new Struct(row).put("id", 1).put("na\"me; --", "x'); DROP TABLE y; --");
            assertThat(dialect.upsert(c, table, List.of("id", "na\"me; --"), List.of(image),
                    new RowVersion[] {RowVersion.of(10)}, new RowVersion[1], List.of(), false)).isEqualTo(1);
            c.commit();
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT \"na\"\"me; --\" FROM "
                    + dialect.quote(id))) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("x'); DROP TABLE y; --");
            }
        }
    }

    /**
     * Two tasks that both found a table missing (each transaction began with reading the catalog) create it at the
     * same moment: the second sees it created instead of failing on a catalog write-write conflict.
     */
    @Test
    void racingTasksCreateOneTableWithoutAConflict() throws Exception {
        ExecutorService tasks = Executors.newFixedThreadPool(2);
        try (Connection first = DriverManager.getConnection(url("race.duckdb"));
             Connection second = DriverManager.getConnection(url("race.duckdb"))) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            for (int i = 0; i < 10; i++) {
                TableId id = new TableId(null, "raced_" + i);
                List<String> ddl = dialect.createTable(id, Map.of("id", "INTEGER NOT NULL"), List.of("id"));
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<?>> creations = new ArrayList<>();
                for (Connection c : List.of(first, second)) {
                    creations.add(tasks.submit(() -> {
                        assertThat(dialect.describe(c, id)).isNull();
                        together.await();
                        dialect.runDdl(c, ddl);
                        return null;
                    }));
                }
                for (Future<?> creation : creations) {
                    creation.get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            tasks.shutdownNow();
        }
    }

    /** DuckDB compares names case-insensitively: names that differ only in case stop the sink, never mix. */
    @Test
    void namesThatDifferOnlyInCaseStopTheSinkInsteadOfSharingATableOrColumn() throws SQLException {
        TableCatalog catalog = new TableCatalog(dialect, true, SchemaEvolution.BASIC, new MergeWriter(dialect, true));
        Schema key = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
        Schema row = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("v", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Schema twoNames = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
                .field("Name", Schema.OPTIONAL_STRING_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA).build();
        try (Connection c = DriverManager.getConnection(url("case.duckdb"))) {
            c.setAutoCommit(false);
            assertThat(catalog.prepare(c, new TableId(null, "orders"), key, List.of(row), false)).isNotNull();
            assertThatThrownBy(() -> catalog.prepare(c, new TableId(null, "Orders"), key, List.of(row), false))
                    .isInstanceOf(ConnectException.class).hasMessageContaining("cannot be read back");
            assertThatThrownBy(() -> catalog.prepare(c, new TableId(null, "people"), key, List.of(twoNames), false))
                    .isInstanceOf(SQLException.class).hasMessageContaining("already exists");
        }
    }

    @Test
    void ddlInsideATransactionRollsBackWithIt() throws SQLException {
        TableId id = new TableId(null, "created_inside");
        try (Connection c = DriverManager.getConnection(url("ddl.duckdb"))) {
            c.setAutoCommit(false);
            dialect.runDdlInTransaction(c, dialect.createTable(id, Map.of("id", "INTEGER NOT NULL"), List.of("id")));
            assertThat(dialect.describe(c, id)).isNotNull();
            c.rollback();
            assertThat(dialect.describe(c, id)).isNull();
        }
    }

    @Test
    void aValueItsColumnCannotHoldFailsItsStatementAsADataError() throws SQLException {
        TableId id = new TableId(null, "times");
        Schema microTime = named(Schema.Type.INT64, "io.debezium.time.MicroTime");
        Schema row = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("at", microTime).build();
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "INTEGER NOT NULL");
        columns.put("at", dialect.columnType(microTime, false));
        columns.put(HiddenColumns.SOURCE_VERSION, VERSION_TYPE);
        columns.put(HiddenColumns.SOURCE_SNAPSHOT, VERSION_TYPE);
        try (Connection c = DriverManager.getConnection(url("times.duckdb"))) {
            c.setAutoCommit(false);
            dialect.runDdl(c, dialect.createTable(id, columns, List.of("id")));
            var table = dialect.describe(c, id);
            // A MySQL TIME of 25 hours: a duration, which a TIME column refuses.
            Struct image = new Struct(row).put("id", 1).put("at", 90_000_000_000L);
            SQLException error = catchThrowableOfType(SQLException.class, () -> dialect.upsert(c, table,
                    List.of("id", "at"), List.of(image), new RowVersion[] {RowVersion.of(1)}, new RowVersion[1],
                    List.of(), false));
            assertThat(error.getMessage()).contains("25:00:00");
            assertThat(dialect.isTransient(error)).isFalse();
            c.rollback();
        }
    }

    private static final String VERSION_TYPE = "DECIMAL(38,0)";

    private static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
