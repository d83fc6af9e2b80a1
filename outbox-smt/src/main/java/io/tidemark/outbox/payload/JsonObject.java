package io.tidemark.outbox.payload;

import java.util.Arrays;

/**
 * A parsed JSON object: its members in document order, duplicates included (later ones win, as in
 * a map). Two parallel arrays instead of a map, because event payloads hold many small objects that
 * are only ever walked, never searched.
 */
public final class JsonObject {

    private String[] names = new String[8];
    private Object[] values = new Object[8];
    private int size;

    void add(String name, Object value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    public int size() {
        return size;
    }

    public String name(int index) {
        return names[index];
    }

    public Object value(int index) {
        return values[index];
    }
}
