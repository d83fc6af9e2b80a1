package io.tidemark.outbox.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON text with Jackson's streaming parser straight into plain Java values, writing the
 * shape key in the same pass. Streaming avoids building a {@code JsonNode} tree only to walk it
 * again; the shape key lets the caller skip schema inference for shapes it has seen before.
 *
 * <p>Shape key grammar: {@code {} } encloses an object whose fields are written as
 * {@code <name length>:<name><shape>}; {@code []} encloses an array whose element shapes are written
 * with consecutive repeats collapsed (inference merges elements, so repeats add nothing); scalars
 * are {@code s} string, {@code i} integer, {@code f} floating point, {@code b} boolean, {@code n} null.
 * Length-prefixed names keep the key unambiguous whatever characters a name holds.
 */
public final class JsonReader {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            // Nesting beyond this is not a domain event but an attack or a bug; fail as "not JSON".
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    /** Reused for every document: one reader serves one task, which Connect drives from one thread. */
    private final StringBuilder shape = new StringBuilder(256);

    /**
     * Parses {@code text} (a {@code String}, {@code byte[]} or {@code ByteBuffer} holding UTF-8) or
     * returns {@code null} when it is not a single well-formed JSON value.
     */
    public ParsedJson read(Object text) {
        try (JsonParser parser = open(text)) {
            shape.setLength(0);
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            Object root = readValue(parser, first, shape);
            if (parser.nextToken() != null) {
                return null;
            }
            return new ParsedJson(root, shape.toString());
        } catch (JsonProcessingException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory JSON payload failed", e);
        }
    }

    private static JsonParser open(Object text) throws IOException {
        if (text instanceof String s) {
            return FACTORY.createParser(s);
        }
        if (text instanceof byte[] bytes) {
            return FACTORY.createParser(bytes);
        }
        if (text instanceof ByteBuffer buffer) {
            ByteBuffer view = buffer.duplicate();
            if (view.hasArray()) {
                return FACTORY.createParser(view.array(), view.arrayOffset() + view.position(), view.remaining());
            }
            byte[] copy = new byte[view.remaining()];
            view.get(copy);
            return FACTORY.createParser(copy);
        }
        throw new IllegalArgumentException("a JSON payload must be text or UTF-8 bytes, got "
                + text.getClass().getName());
    }

    private static Object readValue(JsonParser parser, JsonToken token, StringBuilder shape) throws IOException {
        switch (token) {
            case START_OBJECT:
                return readObject(parser, shape);
            case START_ARRAY:
                return readArray(parser, shape);
            case VALUE_STRING:
                shape.append('s');
                return parser.getText();
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    // Beyond 64 bits: keep the magnitude as a double rather than fail the event.
                    shape.append('f');
                    return parser.getDoubleValue();
                }
                shape.append('i');
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                shape.append('f');
                return parser.getDoubleValue();
            case VALUE_TRUE:
                shape.append('b');
                return Boolean.TRUE;
            case VALUE_FALSE:
                shape.append('b');
                return Boolean.FALSE;
            case VALUE_NULL:
                shape.append('n');
                return null;
            default:
                throw new JsonReadException("unexpected token " + token, parser);
        }
    }

    private static JsonObject readObject(JsonParser parser, StringBuilder shape) throws IOException {
        JsonObject object = new JsonObject();
        shape.append('{');
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            shape.append(name.length()).append(':').append(name);
            object.add(name, readValue(parser, parser.nextToken(), shape));
        }
        if (token != JsonToken.END_OBJECT) {
            throw new JsonReadException("unterminated object", parser);
        }
        shape.append('}');
        return object;
    }

    private static List<Object> readArray(JsonParser parser, StringBuilder shape) throws IOException {
        List<Object> array = new ArrayList<>();
        shape.append('[');
        int previousStart = -1;
        int previousLength = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new JsonReadException("unterminated array", parser);
            }
            int start = shape.length();
            array.add(readValue(parser, token, shape));
            int length = shape.length() - start;
            if (length == previousLength && regionEquals(shape, previousStart, start, length)) {
                shape.setLength(start);
            } else {
                previousStart = start;
                previousLength = length;
            }
        }
        shape.append(']');
        return array;
    }

    private static boolean regionEquals(StringBuilder s, int a, int b, int length) {
        for (int i = 0; i < length; i++) {
            if (s.charAt(a + i) != s.charAt(b + i)) {
                return false;
            }
        }
        return true;
    }

    /** Structural errors found by this reader, reported like Jackson's own syntax errors. */
    private static final class JsonReadException extends JsonProcessingException {
        JsonReadException(String message, JsonParser parser) {
            super(message, parser.currentLocation());
        }
    }
}
