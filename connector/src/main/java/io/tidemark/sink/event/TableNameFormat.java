package io.tidemark.sink.event;

import io.tidemark.sink.schema.PerSchema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code table.name.format} for a record. Placeholders: {@code ${topic}}, {@code ${source.db}},
 * {@code ${source.schema}}, {@code ${source.table}}. A literal dot in the format separates schema and
 * table ({@code ${source.schema}.${source.table}}); dots inside a substituted value become underscores,
 * so a topic name such as {@code shop.public.orders} never turns into a schema by accident.
 */
public final class TableNameFormat {

    public static final List<String> PLACEHOLDERS = List.of("topic", "source.db", "source.schema", "source.table");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final String format;
    private final Map<String, TableId> cache = new ConcurrentHashMap<>();
    /*
     * A topic's records nearly always name the same table and share one source schema instance, so the last
     * field lookup and the last resolution answer most records with a few comparisons.
     */
    private final PerSchema<SourceFields> sourceFields = new PerSchema<>(SourceFields::of);
    private volatile Resolved lastResolved;

    /** The {@code source} fields the placeholders read, of one schema; a field the schema lacks is null. */
    private record SourceFields(Field db, Field schemaName, Field table) {
        static SourceFields of(Schema schema) {
            return new SourceFields(schema.field("db"), schema.field("schema"), schema.field("table"));
        }
    }

    private record Resolved(String topic, String db, String schema, String table, TableId id) {
    }

    private TableNameFormat(String format) {
        this.format = format;
    }

    /** Parses and checks the format; the message of the exception is fit for a config error. */
    public static TableNameFormat parse(String format) {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("must name a table, e.g. ${source.table}");
        }
        Matcher m = PLACEHOLDER.matcher(format);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw new IllegalArgumentException("unknown placeholder ${" + m.group(1) + "}; known: "
                        + PLACEHOLDERS.stream().map(p -> "${" + p + "}").toList());
            }
        }
        String literal = PLACEHOLDER.matcher(format).replaceAll("x");
        long dots = literal.chars().filter(c -> c == '.').count();
        if (dots > 1) {
            throw new IllegalArgumentException("at most one literal dot (schema.table) is allowed");
        }
        if (literal.startsWith(".") || literal.endsWith(".")) {
            throw new IllegalArgumentException("the schema and the table name must both be non-empty");
        }
        return new TableNameFormat(format);
    }

    public boolean hasPlaceholders() {
        return PLACEHOLDER.matcher(format).find();
    }

    /** The table a format without placeholders names. */
    public TableId fixedTable() {
        return TableId.parse(format);
    }

    public TableId resolve(String topic, Struct source) {
        SourceFields fields = sourceFields.of(source.schema());
        String db = field(source, fields.db());
        String schema = field(source, fields.schemaName());
        String table = field(source, fields.table());
        Resolved last = lastResolved;
        if (last != null && last.topic().equals(topic) && Objects.equals(last.db(), db)
                && Objects.equals(last.schema(), schema) && Objects.equals(last.table(), table)) {
            return last.id();
        }
        TableId id = cache.computeIfAbsent(topic + '\u0000' + db + '\u0000' + schema + '\u0000' + table,
                k -> TableId.parse(render(topic, db, schema, table)));
        lastResolved = new Resolved(topic, db, schema, table, id);
        return id;
    }

    private String render(String topic, String db, String schema, String table) {
        Matcher m = PLACEHOLDER.matcher(format);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "topic" -> topic;
                case "source.db" -> db;
                case "source.schema" -> schema;
                default -> table;
            };
            if (value == null || value.isEmpty()) {
                missing.add(m.group(1));
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.replace('.', '_')));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new DataException("table.name.format '" + format + "' needs " + missing
                    + " but the record's source block has no value for it");
        }
        return out.toString();
    }

    private static String field(Struct source, Field field) {
        Object v = field == null ? null : source.get(field);
        return v == null ? null : v.toString();
    }

    @Override
    public String toString() {
        return format;
    }
}
