package io.tidemark.outbox.payload;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What schema a JSON field gets when every value seen for it in the document is {@code null}. */
public enum NullFieldBehavior {
    /** Leave the field out of the schema and the value (Debezium's default). */
    IGNORE("ignore"),
    /** Keep the field as optional bytes (Debezium's alternative). */
    OPTIONAL_BYTES("optional_bytes"),
    /** Keep the field as an optional string: the usual type of a field that is sometimes null. */
    OPTIONAL_STRING("optional_string");

    private final String configValue;

    NullFieldBehavior(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    public static NullFieldBehavior parse(String value) {
        for (NullFieldBehavior behavior : values()) {
            if (behavior.configValue.equalsIgnoreCase(value.trim())) {
                return behavior;
            }
        }
        throw new IllegalArgumentException("must be one of " + names() + ", got '" + value + "'");
    }

    public static String names() {
        return Arrays.stream(values()).map(NullFieldBehavior::configValue).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return configValue;
    }
}
