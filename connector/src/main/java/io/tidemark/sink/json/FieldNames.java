package io.tidemark.sink.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The field names of a cached schema's struct and of the structs in its fields at any depth, encoded once as quoted
 * JSON. The streaming reader matches the bytes of the next field name against the one it expects
 * ({@link JsonParser#nextFieldName(SerializableString)}) instead of decoding every name and looking it up in
 * Jackson's symbol table. Structs inside arrays and maps are left out: the streaming reader hands those to the tree.
 * Built in full when the schema is cached and never changed after, so it may be read from any thread.
 */
final class FieldNames {

    private final Map<Schema, SerializableString[]> byStruct = new IdentityHashMap<>();

    FieldNames(Schema root) {
        collect(root);
    }

    private void collect(Schema schema) {
        if (schema.type() != Schema.Type.STRUCT || byStruct.containsKey(schema)) {
            return;
        }
        List<Field> fields = schema.fields();
        SerializableString[] names = new SerializableString[fields.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = new SerializedString(fields.get(i).name());
            names[i].asQuotedUTF8();
            collect(fields.get(i).schema());
        }
        byStruct.put(schema, names);
    }

    /** The names of the fields of {@code struct} in schema order, or null for a struct not collected. */
    SerializableString[] of(Schema struct) {
        return byStruct.get(struct);
    }
}
