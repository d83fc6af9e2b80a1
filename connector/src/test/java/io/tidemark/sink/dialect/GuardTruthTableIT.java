package io.tidemark.sink.dialect;

import io.tidemark.sink.DebeziumEvents;
import io.tidemark.sink.event.TableId;
import io.tidemark.sink.position.RowVersion;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dialect's guarded statements against the guard's truth table on a real server: each case seeds the stored row
 * with plain JDBC, runs the dialect's statement for the incoming change and reads the row back. One concrete class per
 * target database.
 */
public abstract class GuardTruthTableIT {

    static final List<GuardTruthTable.Case> CASES = GuardTruthTable.cases();
    private static final String STORED_NAME = "stored";
    private static final String INCOMING_NAME = "incoming";

    private TargetDialect dialect;
    private TableDefinition table;
    private Connection connection;

    /** The dialect under test. */
    protected abstract TargetDialect dialect();

    /** A connection, autocommit off, to an empty database of the dialect's server; one per test. */
    protected abstract Connection connect() throws SQLException;

    @BeforeEach
    void emptyTable() throws SQLException {
        dialect = dialect();
        connection = connect();
        TableId id = new TableId(null, "guarded");
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", dialect.columnType(Schema.INT32_SCHEMA, true) + " NOT NULL");
        columns.put("name", dialect.columnType(Schema.OPTIONAL_STRING_SCHEMA, false));
        columns.put("qty", dialect.columnType(Schema.OPTIONAL_INT32_SCHEMA, false));
        columns.put(HiddenColumns.SOURCE_VERSION, dialect.hiddenColumnType(HiddenColumns.Type.VERSION));
        columns.put(HiddenColumns.SOURCE_SNAPSHOT, dialect.hiddenColumnType(HiddenColumns.Type.VERSION));
        columns.put(HiddenColumns.DELETED, dialect.hiddenColumnType(HiddenColumns.Type.DELETED_FLAG));
        dialect.runDdl(connection, List.of("DROP TABLE IF EXISTS " + dialect.quote(id)));
        dialect.runDdl(connection, dialect.createTable(id, columns, List.of("id")));
        table = dialect.describe(connection, id);
    }

    private static RowVersion[] versions(Long value) {
        return new RowVersion[] {value == null ? null : RowVersion.of(value)};
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void guardedStatementsFollowTheTruthTable(GuardTruthTable.Case c) throws SQLException {
        try (Connection ignored = connection) {
            if (c.stored().exists()) {
                seed(c.stored());
            }
            int changed = apply(c);
            connection.commit();
            assertThat(changed).as("rows changed").isEqualTo(c.applies() ? 1 : 0);
            assertThat(read()).isEqualTo(expected(c));
        }
    }

    private void seed(GuardTruthTable.Stored stored) throws SQLException {
        String sql = "INSERT INTO " + dialect.quote(table.id()) + " (" + String.join(", ",
                List.of(dialect.quote("id"), dialect.quote("name"), dialect.quote("qty"),
                        dialect.quote(HiddenColumns.SOURCE_VERSION), dialect.quote(HiddenColumns.SOURCE_SNAPSHOT),
                        dialect.quote(HiddenColumns.DELETED))) + ") VALUES (1, ?, 1, ?, ?, ?)";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, STORED_NAME);
            ps.setObject(2, stored.streamed() == null ? null : BigDecimal.valueOf(stored.streamed()), java.sql.Types.NUMERIC);
            ps.setObject(3, stored.snapshot() == null ? null : BigDecimal.valueOf(stored.snapshot()), java.sql.Types.NUMERIC);
            ps.setBoolean(4, false);
            ps.executeUpdate();
        }
        connection.commit();
    }

    private int apply(GuardTruthTable.Case c) throws SQLException {
        Struct image = DebeziumEvents.row(1, INCOMING_NAME, 2);
        return switch (c.incoming()) {
            case STREAMED -> dialect.upsert(connection, table, List.of("id", "name", "qty"), List.of(image),
                    versions(c.version()), versions(null), List.of(), true);
            case STREAMED_TOAST -> dialect.upsert(connection, table, List.of("id", "qty"), List.of(image),
                    versions(c.version()), versions(null), List.of(), true);
            case SNAPSHOT -> dialect.upsert(connection, table, List.of("id", "name", "qty"), List.of(image),
                    versions(null), versions(c.version()), List.of(), true);
            case INCREMENTAL -> dialect.upsert(connection, table, List.of("id", "name", "qty"), List.of(image),
                    versions(null), versions(null), List.of(), true);
            case DELETE -> dialect.delete(connection, table, List.of("id"),
                    List.of(new Struct(DebeziumEvents.KEY).put("id", 1)), versions(c.version()), true);
        };
    }

    /** name, qty, streamed version, snapshot version, deleted; null when the table has no row. */
    private List<String> read() throws SQLException {
        String sql = "SELECT " + String.join(", ", List.of(dialect.quote("name"), dialect.quote("qty"),
                dialect.quote(HiddenColumns.SOURCE_VERSION), dialect.quote(HiddenColumns.SOURCE_SNAPSHOT),
                dialect.quote(HiddenColumns.DELETED))) + " FROM " + dialect.quote(table.id());
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> row = null;
            if (rs.next()) {
                BigDecimal streamed = rs.getBigDecimal(3);
                BigDecimal snapshot = rs.getBigDecimal(4);
                row = Arrays.asList(rs.getString(1), rs.getString(2),
                        streamed == null ? null : streamed.toBigInteger().toString(),
                        snapshot == null ? null : snapshot.toBigInteger().toString(),
                        Boolean.toString(rs.getBoolean(5)));
            }
            connection.commit();
            return row;
        }
    }

    private static List<String> expected(GuardTruthTable.Case c) {
        if (!c.after().exists()) {
            return null;
        }
        String name = STORED_NAME;
        String qty = "1";
        boolean deleted = false;
        if (c.applies()) {
            switch (c.incoming()) {
                case STREAMED, SNAPSHOT, INCREMENTAL -> {
                    name = INCOMING_NAME;
                    qty = "2";
                }
                case STREAMED_TOAST -> qty = "2";
                case DELETE -> {
                    deleted = true;
                    if (!c.stored().exists()) {
                        name = null;
                        qty = null;
                    }
                }
            }
        }
        return Arrays.asList(name, qty, string(c.after().streamed()), string(c.after().snapshot()),
                Boolean.toString(deleted));
    }

    private static String string(Long value) {
        return value == null ? null : value.toString();
    }
}
