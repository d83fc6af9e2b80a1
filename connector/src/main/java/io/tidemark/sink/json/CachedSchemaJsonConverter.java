package io.tidemark.sink.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tidemark.sink.version.Version;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.DecimalFormat;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads what Kafka's {@code JsonConverter} writes with {@code schemas.enable=true}, to the same Connect
 * schemas and values, without parsing the schema of every message. Debezium repeats a table's schema, often
 * several times the size of the row, in each event; {@code JsonConverter} parses it into a tree and hashes that
 * tree to find its cached Connect schema, which is most of a JSON sink's work. This converter finds the schema
 * by its bytes instead ({@link SchemaCache}) and parses only the payload.
 *
 * <p>Writing is the mirror image: each schema's JSON is serialised once and copied into every message, and the
 * payload is written straight from the Connect value, to the same bytes as {@code JsonConverter}'s. It takes
 * {@code JsonConverter}'s options. A message that is not a plain {@code {"schema":{...},"payload":...}}
 * envelope, a value that does not fit its schema, and everything when {@code schemas.enable} is false go to
 * {@code JsonConverter} itself, so results and errors are exactly that converter's.
 */
public class CachedSchemaJsonConverter implements Converter, Versioned {

    private static final byte[] PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INFIX = ",\"payload\":".getBytes(StandardCharsets.UTF_8);

    private final JsonConverter delegate = new JsonConverter();
    /** Read as {@code JsonConverter}'s deserializer reads: exact decimals, lenient leading zeros. */
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS.mappedFeature())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(new JsonNodeFactory(true));
    private boolean schemasEnabled;
    private boolean replaceNullWithDefault;
    private boolean decimalsAsNumbers;
    private SchemaCache schemas;
    /** The JSON of schemas written, by schema (equal schemas share it); the last one is checked by identity first. */
    private Map<Schema, byte[]> writtenSchemas;
    private SchemaJson lastWritten;
    /** Payloads read through a tree instead of as they stream past, and messages read or written by JsonConverter (for tests). */
    long treeReads;
    long delegatedReads;
    long delegatedWrites;

    private record SchemaJson(Schema schema, byte[] json) {
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public ConfigDef config() {
        return JsonConverterConfig.configDef();
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
        Map<String, Object> typed = new HashMap<>(configs);
        typed.put(ConverterConfig.TYPE_CONFIG, (isKey ? ConverterType.KEY : ConverterType.VALUE).getName());
        JsonConverterConfig config = new JsonConverterConfig(typed);
        schemasEnabled = config.schemasEnabled();
        replaceNullWithDefault = config.replaceNullWithDefault();
        decimalsAsNumbers = config.decimalFormat() == DecimalFormat.NUMERIC;
        schemas = new SchemaCache(config.schemaCacheSize());
        writtenSchemas = Collections.synchronizedMap(Lru.map(config.schemaCacheSize()));
    }

    /**
     * Writes the bytes {@code JsonConverter} writes. The schema's JSON is serialised once per schema and copied
     * into each message; the payload is written straight from the Connect value, without a tree.
     */
    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (!schemasEnabled || schema == null) {
            return delegate.fromConnectData(topic, schema, value);
        }
        try {
            byte[] schemaJson = schemaJson(schema);
            ByteArrayBuilder out = new ByteArrayBuilder(schemaJson.length + 512);
            out.write(PREFIX);
            out.write(schemaJson);
            out.write(INFIX);
            try (JsonGenerator generator = mapper.createGenerator(out)) {
                JsonPayload.write(generator, schema, value, replaceNullWithDefault, decimalsAsNumbers);
            }
            out.write('}');
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // A value that does not fit its schema: JsonConverter reports it in its own words.
            delegatedWrites++;
            return delegate.fromConnectData(topic, schema, value);
        }
    }

    private byte[] schemaJson(Schema schema) throws IOException {
        SchemaJson last = lastWritten;
        if (last != null && last.schema() == schema) {
            return last.json();
        }
        byte[] json = writtenSchemas.get(schema);
        if (json == null) {
            json = mapper.writeValueAsBytes(delegate.asJsonSchema(schema));
            writtenSchemas.put(schema, json);
        }
        lastWritten = new SchemaJson(schema, json);
        return json;
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        if (!schemasEnabled) {
            return delegate.toConnectData(topic, value);
        }
        SchemaAndValue read = readCompact(value);
        if (read == null) {
            read = readEnvelope(value);
        }
        if (read != null) {
            return read;
        }
        delegatedReads++;
        return delegate.toConnectData(topic, value);
    }

    /**
     * The common case: {@code {"schema":S,"payload":P}} with S the bytes of the last schema, no whitespace
     * around S. A JSON value is complete at its last byte, so equal bytes mean the same schema. P is read as it
     * streams past, or through a tree when it is not in its plain form.
     */
    private SchemaAndValue readCompact(byte[] value) {
        SchemaCache.Entry last = schemas.last();
        if (last == null || !startsWith(value, 0, PREFIX) || !last.matchesAt(value, PREFIX.length)) {
            return null;
        }
        int infix = PREFIX.length + last.json().length;
        int close = value.length - 1;
        if (!startsWith(value, infix, INFIX) || close < infix + INFIX.length || value[close] != '}') {
            return null;
        }
        Object streamed = streamSingleValue(value, infix + INFIX.length, close, last);
        if (streamed != JsonPayload.NOT_PLAIN) {
            return new SchemaAndValue(last.schema(), streamed);
        }
        JsonNode payload = readSingleValue(value, infix + INFIX.length, close);
        return payload == null ? null : read(last.schema(), payload);
    }

    /** The one JSON value that fills {@code value[from, to)} exactly, read as it streams past, or NOT_PLAIN. */
    private Object streamSingleValue(byte[] value, int from, int to, SchemaCache.Entry entry) {
        try (JsonParser parser = mapper.createParser(value, from, to - from)) {
            if (parser.nextToken() == null) {
                return JsonPayload.NOT_PLAIN;
            }
            Object read = JsonPayload.fromParser(parser, entry.schema(), entry.names(), replaceNullWithDefault);
            return parser.nextToken() == null ? read : JsonPayload.NOT_PLAIN;
        } catch (IOException | DataException e) {
            // Not plain, not well-formed, or refused by the schema: the tree reading gives JsonConverter's answer.
            return JsonPayload.NOT_PLAIN;
        }
    }

    /** Any envelope with exactly one object {@code schema} and one {@code payload}, in either order. */
    private SchemaAndValue readEnvelope(byte[] value) {
        try (JsonParser parser = mapper.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            long schemaFrom = -1;
            long schemaTo = -1;
            JsonNode payload = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken first = parser.nextToken();
                if (name.equals("schema") && schemaFrom < 0 && first == JsonToken.START_OBJECT) {
                    schemaFrom = parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    schemaTo = parser.currentLocation().getByteOffset();
                } else if (name.equals("payload") && payload == null) {
                    payload = mapper.readTree(parser);
                } else {
                    return null;
                }
            }
            if (token != JsonToken.END_OBJECT || schemaFrom < 0 || schemaTo <= schemaFrom || payload == null) {
                return null;
            }
            SchemaCache.Entry entry = schemas.get(value, (int) schemaFrom, (int) schemaTo, this::parseSchema);
            return read(entry.schema(), payload);
        } catch (IOException e) {
            return null;
        }
    }

    private SchemaAndValue read(Schema schema, JsonNode payload) {
        treeReads++;
        return new SchemaAndValue(schema, JsonPayload.toConnect(schema, payload, replaceNullWithDefault));
    }

    /** The one JSON value that fills {@code value[from, to)} exactly, or null. */
    private JsonNode readSingleValue(byte[] value, int from, int to) {
        try (JsonParser parser = mapper.createParser(value, from, to - from)) {
            if (parser.nextToken() == null) {
                return null;
            }
            JsonNode node = mapper.readTree(parser);
            return parser.nextToken() == null ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Schema parseSchema(byte[] json) {
        try {
            return delegate.asConnectSchema(mapper.readTree(json));
        } catch (IOException e) {
            throw new DataException("cannot read the schema of a JSON envelope: " + e.getMessage(), e);
        }
    }

    /** How many schemas the cache holds (for tests). */
    int cachedSchemas() {
        return schemas.size();
    }

    private static boolean startsWith(byte[] value, int at, byte[] expected) {
        return at + expected.length <= value.length
                && Arrays.equals(value, at, at + expected.length, expected, 0, expected.length);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
