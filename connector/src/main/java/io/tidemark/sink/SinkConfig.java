package io.tidemark.sink;

import io.tidemark.sink.event.TableId;
import io.tidemark.sink.event.TableNameFormat;
import io.tidemark.sink.dialect.TargetDialect;
import io.tidemark.sink.dialect.TargetDialects;
import io.tidemark.sink.writer.AppendWriter;
import io.tidemark.sink.writer.MergeWriter;
import io.tidemark.sink.writer.SchemaEvolution;
import io.tidemark.sink.writer.WriteMode;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The sink's configuration: one {@link ConfigDef}, every key documented, validated and grouped. */
public final class SinkConfig extends AbstractConfig {

    public interface ConfigName {
        String CONNECTION_URL = "connection.url";
        String CONNECTION_USER = "connection.user";
        String CONNECTION_PASSWORD = "connection.password";
        String CONNECTION_IDLE_RELEASE_MS = "connection.idle.release.ms";
        String TABLE_NAME_FORMAT = "table.name.format";
        String MODE = "mode";
        String DELETE_MODE = "delete.mode";
        String AUTO_CREATE = "auto.create";
        String SCHEMA_EVOLUTION = "schema.evolution";
        String UNAVAILABLE_VALUE_PLACEHOLDER = "unavailable.value.placeholder";
        String BATCH_SIZE = "batch.size";
        String BATCH_ADAPTIVE = "batch.adaptive";
        String BATCH_MAX_BYTES = "batch.max.bytes";
        String BATCH_MAX_DURATION_MS = "batch.max.duration.ms";
        String WATERMARK_TABLE = "watermark.table";
        String AUDIT_EVENTS_TABLE = "audit.events.table";
        String SNAPSHOT_RECONCILE = "snapshot.reconcile";
        String ATOMIC_SOURCE_TRANSACTIONS = "atomic.source.transactions";
        String ATOMIC_MAX_HELD_RECORDS = "atomic.max.held.records";
        String ATOMIC_IDLE_MS = "atomic.idle.ms";
        String ATOMIC_END_TIMEOUT_MS = "atomic.end.timeout.ms";
        String MAX_RETRIES = "max.retries";
        String RETRY_BACKOFF_MS = "retry.backoff.ms";
    }

    public enum Mode { MERGE, APPEND }

    public enum DeleteMode { SOFT, HARD }

    private static final String GROUP_CONNECTION = "Connection";
    private static final String GROUP_WRITES = "Writes";
    private static final String GROUP_EXACTLY_ONCE = "Exactly once";
    private static final String GROUP_RETRIES = "Retries";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(ConfigName.CONNECTION_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                    ConfigDef.LambdaValidator.with((name, value) -> TargetDialects.forUrl(name, (String) value),
                            () -> "a JDBC URL of a supported database: " + String.join(", ",
                                    TargetDialects.all().stream().map(TargetDialect::exampleUrl).toList())),
                    Importance.HIGH,
                    "JDBC URL of the target database, e.g. jdbc:postgresql://db:5432/analytics; its prefix chooses the "
                            + "target dialect. Driver options pass through, including TLS: "
                            + "?sslmode=verify-full&sslrootcert=/path/root.crt. A DuckDB target is a database file the "
                            + "worker process opens (jdbc:duckdb:/var/lib/tidemark/analytics.duckdb, options after ';'), "
                            + "with no user or password.",
                    GROUP_CONNECTION, 1, Width.LONG, "JDBC URL")
            .define(ConfigName.CONNECTION_USER, Type.STRING, null, Importance.HIGH,
                    "Database user. The user needs CREATE on the target schema when auto.create or schema.evolution "
                            + "may change tables, and INSERT/UPDATE/DELETE on the target tables and the watermark table.",
                    GROUP_CONNECTION, 2, Width.MEDIUM, "User")
            .define(ConfigName.CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Database password. Never logged, never in error messages. Connect hides it in its own logs, but "
                            + "GET /connectors/<name> returns connector configs as stored: use a config provider "
                            + "(e.g. ${file:/secrets/db.properties:password}) to keep it out of the REST API.",
                    GROUP_CONNECTION, 3, Width.MEDIUM, "Password")
            .define(ConfigName.CONNECTION_IDLE_RELEASE_MS, Type.LONG, null,
                    ConfigDef.LambdaValidator.with(SinkConfig::validateIdleRelease,
                            () -> "not set (the target's default) or [0,...]"),
                    Importance.LOW,
                    "How long a task's database connections stay open unused before they are closed. A DuckDB file is "
                            + "locked against every other process while the sink has it open: this is how soon after "
                            + "its last write the sink lets go of it, so that a duckdb CLI or another program can open "
                            + "it (pause the connector to let them in while changes are flowing); while another "
                            + "process holds the file, the sink retries like after any transient error. 0 closes them "
                            + "after every transaction. Not set: the target's default, " + idleReleaseDefaults() + ".",
                    GROUP_CONNECTION, 4, Width.SHORT, "Idle release (ms)")
            .define(ConfigName.TABLE_NAME_FORMAT, Type.STRING, "${source.table}",
                    ConfigDef.LambdaValidator.with(SinkConfig::validateTableNameFormat,
                            () -> "a table name with placeholders " + TableNameFormat.PLACEHOLDERS),
                    Importance.MEDIUM,
                    "Target table for a record. Placeholders: ${topic}, ${source.db}, ${source.schema}, ${source.table}. "
                            + "A literal dot separates schema and table (${source.schema}.${source.table}); dots inside a "
                            + "substituted value become underscores. Names are used exactly as they resolve (case kept) and "
                            + "always quoted.",
                    GROUP_WRITES, 1, Width.LONG, "Table name format")
            .define(ConfigName.MODE, Type.STRING, "merge", enumValidator(Mode.class), Importance.HIGH,
                    "How changes are written. merge: one current row per primary key; inserts and updates upsert the row, "
                            + "deletes follow delete.mode. append: an audit table with one row per change, the row image "
                            + "(after, or before for deletes) plus __op, __source_version, __source_sequence, __source_tx_id, "
                            + "__source_ts_ms and __kafka_topic/__kafka_partition/__kafka_offset; replays add nothing.",
                    GROUP_WRITES, 2, Width.SHORT, "Write mode")
            .define(ConfigName.DELETE_MODE, Type.STRING, "soft", enumValidator(DeleteMode.class), Importance.MEDIUM,
                    "What a delete does in merge mode. soft: the row stays with __deleted = true and keeps its source "
                            + "position, so a replayed older insert can never resurrect it. hard: the row is removed; Kafka "
                            + "redelivery still cannot resurrect it (offsets are stored with the data), but a Debezium "
                            + "re-emission that replays the insert before the delete re-creates the row until the replayed "
                            + "delete arrives.",
                    GROUP_WRITES, 3, Width.SHORT, "Delete mode")
            .define(ConfigName.AUTO_CREATE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Create a missing target table from the record's row schema, with the record key as primary key.",
                    GROUP_WRITES, 4, Width.SHORT, "Create tables")
            .define(ConfigName.SCHEMA_EVOLUTION, Type.STRING, "basic", enumValidator(SchemaEvolution.class),
                    Importance.MEDIUM,
                    "basic: add columns that records carry and the table lacks (nullable), and the sink's own position "
                            + "columns. A column the records no longer carry (dropped at the source) stays in the table and "
                            + "merge mode sets it to NULL from then on. none: never alter a table; a record that does not "
                            + "fit fails with the reason.",
                    GROUP_WRITES, 5, Width.SHORT, "Schema evolution")
            .define(ConfigName.UNAVAILABLE_VALUE_PLACEHOLDER, Type.STRING, "__debezium_unavailable_value",
                    new ConfigDef.NonEmptyString(), Importance.LOW,
                    "The value Debezium sends for an unchanged TOASTed column (its unavailable.value.placeholder). "
                            + "Such a column keeps its stored value instead of being overwritten.",
                    GROUP_WRITES, 6, Width.LONG, "Unavailable value placeholder")
            .define(ConfigName.BATCH_SIZE, Type.INT, 5000, ConfigDef.Range.between(1, 1_000_000), Importance.MEDIUM,
                    "Most records applied in one database transaction while the sink keeps up. The records of each "
                            + "put() from the worker are applied on a thread of the task's own, in as many transactions "
                            + "as this allows, while the worker polls and converts the next ones; raise "
                            + "consumer.override.max.poll.records with it for larger batches. With batch.adaptive=true a "
                            + "transaction grows beyond it while the sink is behind.",
                    GROUP_WRITES, 7, Width.SHORT, "Batch size")
            .define(ConfigName.BATCH_ADAPTIVE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Grow transactions while the sink is behind. Records the worker delivers while the previous "
                            + "transaction is still being applied (a backlog in Kafka, or a slow commit) are gathered "
                            + "instead of making the worker wait, and then applied together in transactions larger than "
                            + "batch.size, bounded by batch.max.bytes and batch.max.duration.ms, so that more changes of "
                            + "one key fold into one row write. Caught up, records are applied as they come, in "
                            + "transactions of at most batch.size records. Gathered records are not committed, so their "
                            + "offsets are not reported and a restart reads them again. false: at most batch.size "
                            + "records per transaction, and each put() waits for the previous transaction.",
                    GROUP_WRITES, 8, Width.SHORT, "Adaptive batches")
            .define(ConfigName.BATCH_MAX_BYTES, Type.LONG, 16L << 20, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "With batch.adaptive=true: the most memory, as estimated from the converted records, that the "
                            + "records gathered for one transaction take (the transaction being applied takes as much "
                            + "again, plus one put() each). Gathering stops at this size and the worker waits.",
                    GROUP_WRITES, 9, Width.SHORT, "Max batch bytes")
            .define(ConfigName.BATCH_MAX_DURATION_MS, Type.LONG, 2_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "With batch.adaptive=true: how long a grown transaction may take to apply. A transaction takes "
                            + "no more records than the target applied in this time on the last commit (and at least "
                            + "batch.size), so that a backlog does not turn into one long transaction.",
                    GROUP_WRITES, 10, Width.SHORT, "Max batch duration (ms)")
            .define(ConfigName.SNAPSHOT_RECONCILE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "When the snapshot of a table completes (Debezium marks its last read last_in_data_collection, or "
                            + "last), delete (per delete.mode) the target rows the snapshot did not contain and no change "
                            + "at or after its snapshot point wrote: rows deleted at the source while its connector had "
                            + "lost its offsets or was re-snapshotting. A stopped, partial snapshot deletes nothing; a "
                            + "target table fed from several topics is never reconciled. Append mode records the "
                            + "completed snapshot in the audit events table instead.",
                    GROUP_WRITES, 11, Width.SHORT, "Reconcile snapshots")
            .define(ConfigName.WATERMARK_TABLE, Type.STRING, "cdc_watermark",
                    ConfigDef.LambdaValidator.with(SinkConfig::validateTableName, () -> "[schema.]table"),
                    Importance.MEDIUM,
                    "Table holding, per connector and topic partition, the next Kafka offset and the furthest source "
                            + "position processed, written in the same transaction as the data. Created when missing.",
                    GROUP_EXACTLY_ONCE, 1, Width.MEDIUM, "Watermark table")
            .define(ConfigName.AUDIT_EVENTS_TABLE, Type.STRING, "cdc_audit_events",
                    ConfigDef.LambdaValidator.with(SinkConfig::validateTableName, () -> "[schema.]table"),
                    Importance.LOW,
                    "Append mode: table recording changes that concern a whole table rather than a row (truncates, op "
                            + "t; completed snapshots, op s), one row per change with the connector, target table, op, "
                            + "source position and Kafka coordinates; a change delivered again adds nothing. Created on "
                            + "the first such change.",
                    GROUP_EXACTLY_ONCE, 2, Width.MEDIUM, "Audit events table")
            .define(ConfigName.ATOMIC_SOURCE_TRANSACTIONS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Commit target transactions only at source-transaction boundaries, so a reader of the target "
                            + "never sees part of a source transaction: within each topic partition always, and across "
                            + "tables (topics) when Debezium's transaction metadata topic (<prefix>.transaction, with "
                            + "provide.transaction.metadata=true) is among the subscribed topics. Many source "
                            + "transactions still share one target transaction. The records of a source transaction "
                            + "whose end has not arrived yet are held back until it does (or until atomic.idle.ms, "
                            + "atomic.end.timeout.ms with metadata, passes without a record of their partition). false: "
                            + "commit every batch.size records wherever they fall.",
                    GROUP_EXACTLY_ONCE, 3, Width.SHORT, "Atomic source transactions")
            .define(ConfigName.ATOMIC_MAX_HELD_RECORDS, Type.INT, 10_000, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Most records of unfinished source transactions held back in memory per task. A source transaction "
                            + "larger than this is not held: its records are written into a target transaction kept open "
                            + "across put() calls until the source transaction is complete (counted in the "
                            + "SourceTransactionsStreamed metric), so it stays whole at any size while the task's memory "
                            + "stays bounded. The open transaction holds one of the task's two database connections.",
                    GROUP_EXACTLY_ONCE, 4, Width.SHORT, "Max held records")
            .define(ConfigName.ATOMIC_IDLE_MS, Type.LONG, 250L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How long a source transaction's records wait for a following record of their partition to show that "
                            + "the transaction is complete. Debezium publishes a transaction's records together, so a "
                            + "pause this long means it has ended (or its source stopped mid-transaction); the held "
                            + "records are then applied. It bounds the extra latency of the last transaction of a burst.",
                    GROUP_EXACTLY_ONCE, 5, Width.SHORT, "Idle commit (ms)")
            .define(ConfigName.ATOMIC_END_TIMEOUT_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "With Debezium's transaction metadata topic among the subscribed topics: how long a source "
                            + "transaction's records wait, with no record of their partition arriving, for its END marker "
                            + "and every event it counts (for the tables this task receives) before they are applied "
                            + "anyway. Until then a transaction that wrote several tables becomes visible in all of them "
                            + "at once.",
                    GROUP_EXACTLY_ONCE, 6, Width.SHORT, "END marker timeout (ms)")
            .define(ConfigName.MAX_RETRIES, Type.INT, 10, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "How many times in a row a transient database error (connection lost, server shutting down, "
                            + "serialization failure, deadlock) is retried before the task fails.",
                    GROUP_RETRIES, 1, Width.SHORT, "Max retries")
            .define(ConfigName.RETRY_BACKOFF_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Wait before the first retry; it doubles with each further retry, up to 60 s.",
                    GROUP_RETRIES, 2, Width.SHORT, "Retry backoff (ms)");

    private final TableNameFormat tableNameFormat;

    public SinkConfig(Map<?, ?> props) {
        // No automatic dump of every value: connection.url may carry a password parameter. The task logs
        // its settings itself, with the URL masked.
        super(CONFIG_DEF, props, false);
        this.tableNameFormat = TableNameFormat.parse(getString(ConfigName.TABLE_NAME_FORMAT));
    }

    public String url() {
        return getString(ConfigName.CONNECTION_URL);
    }

    /** The URL with any password parameter masked, for logs and messages. */
    public String urlForDisplay() {
        return TargetDialects.maskPassword(url());
    }

    public String user() {
        return getString(ConfigName.CONNECTION_USER);
    }

    public Password password() {
        return getPassword(ConfigName.CONNECTION_PASSWORD);
    }

    /** How long the task's connections stay open unused: connection.idle.release.ms, or {@code dialect}'s default. */
    public long idleReleaseMs(TargetDialect dialect) {
        Long ms = getLong(ConfigName.CONNECTION_IDLE_RELEASE_MS);
        return ms != null ? ms : dialect.defaultIdleReleaseMs();
    }

    public TableNameFormat tableNameFormat() {
        return tableNameFormat;
    }

    public Mode mode() {
        return parseEnum(Mode.class, getString(ConfigName.MODE));
    }

    /** The dialect of the target database {@code connection.url} names. */
    public TargetDialect dialect() {
        return TargetDialects.forUrl(ConfigName.CONNECTION_URL, url());
    }

    /** The write mode this configuration asks for, for the connector {@code connectorName}, in {@code dialect}. */
    public WriteMode writeMode(TargetDialect dialect, String connectorName) {
        return mode() == Mode.APPEND
                ? new AppendWriter(dialect, dialect.auditEvents(auditEventsTable(), connectorName))
                : new MergeWriter(dialect, deleteMode() == DeleteMode.SOFT);
    }

    public DeleteMode deleteMode() {
        return parseEnum(DeleteMode.class, getString(ConfigName.DELETE_MODE));
    }

    public boolean autoCreate() {
        return getBoolean(ConfigName.AUTO_CREATE);
    }

    public SchemaEvolution schemaEvolution() {
        return parseEnum(SchemaEvolution.class, getString(ConfigName.SCHEMA_EVOLUTION));
    }

    public String unavailablePlaceholder() {
        return getString(ConfigName.UNAVAILABLE_VALUE_PLACEHOLDER);
    }

    public int batchSize() {
        return getInt(ConfigName.BATCH_SIZE);
    }

    /** How the task sizes its target transactions: batch.size, batch.adaptive and its bounds. */
    TransactionSizer transactionSizer() {
        return new TransactionSizer(getBoolean(ConfigName.BATCH_ADAPTIVE), batchSize(),
                getLong(ConfigName.BATCH_MAX_BYTES), getLong(ConfigName.BATCH_MAX_DURATION_MS));
    }

    public TableId auditEventsTable() {
        return TableId.parse(getString(ConfigName.AUDIT_EVENTS_TABLE));
    }

    public TableId watermarkTable() {
        return TableId.parse(getString(ConfigName.WATERMARK_TABLE));
    }

    public boolean snapshotReconcile() {
        return getBoolean(ConfigName.SNAPSHOT_RECONCILE);
    }

    public boolean atomicSourceTransactions() {
        return getBoolean(ConfigName.ATOMIC_SOURCE_TRANSACTIONS);
    }

    /**
     * Whether the connector's subscription ({@code topics} or {@code topics.regex}, Connect's own keys) names a topic,
     * whether or not it exists yet.
     */
    public Predicate<String> subscribes() {
        Object topics = originals().get(SinkTask.TOPICS_CONFIG);
        Object regex = originals().get(SinkTask.TOPICS_REGEX_CONFIG);
        if (regex != null && !regex.toString().isBlank()) {
            return Pattern.compile(regex.toString().trim()).asMatchPredicate();
        }
        Set<String> names = new HashSet<>();
        if (topics != null) {
            for (String name : topics.toString().split(",")) {
                names.add(name.trim());
            }
        }
        return names::contains;
    }

    public int atomicMaxHeldRecords() {
        return getInt(ConfigName.ATOMIC_MAX_HELD_RECORDS);
    }

    public long atomicIdleMs() {
        return getLong(ConfigName.ATOMIC_IDLE_MS);
    }

    public long atomicEndTimeoutMs() {
        return getLong(ConfigName.ATOMIC_END_TIMEOUT_MS);
    }

    public int maxRetries() {
        return getInt(ConfigName.MAX_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(ConfigName.RETRY_BACKOFF_MS);
    }

    private static <E extends Enum<E>> ConfigDef.Validator enumValidator(Class<E> type) {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            try {
                parseEnum(type, (String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }, () -> enumValues(type));
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return constant;
            }
        }
        throw new IllegalArgumentException("must be one of " + enumValues(type));
    }

    private static <E extends Enum<E>> String enumValues(Class<E> type) {
        StringBuilder out = new StringBuilder("[");
        for (E constant : type.getEnumConstants()) {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(constant.name().toLowerCase(Locale.ROOT));
        }
        return out.append(']').toString();
    }

    private static void validateIdleRelease(String name, Object value) {
        if (value != null && (Long) value < 0) {
            throw new ConfigException(name, value, "must be 0 or more milliseconds, or not set for the target's default");
        }
    }

    /** Each target's default for connection.idle.release.ms, for its documentation. */
    private static String idleReleaseDefaults() {
        return String.join(", ", TargetDialects.all().stream()
                .map(d -> d.defaultIdleReleaseMs() + " ms for " + d.name()).toList());
    }

    private static void validateTableNameFormat(String name, Object value) {
        try {
            TableNameFormat.parse((String) value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static void validateTableName(String name, Object value) {
        String table = (String) value;
        if (table == null || table.isBlank()) {
            throw new ConfigException(name, value, "must name a table");
        }
        try {
            TableId.parse(table);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
        if (table.startsWith(".") || table.endsWith(".") || table.indexOf('.') != table.lastIndexOf('.')) {
            throw new ConfigException(name, value, "must be table or schema.table");
        }
    }
}
