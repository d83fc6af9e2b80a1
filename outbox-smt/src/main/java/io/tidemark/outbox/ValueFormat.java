package io.tidemark.outbox;

import java.util.Locale;

/** The shape of the routed event's value. */
public enum ValueFormat {
    /** The payload column itself, or an envelope around it when envelope fields are configured. */
    PAYLOAD,
    /** A structured-mode CloudEvents 1.0 envelope with the payload as {@code data}. */
    CLOUDEVENTS;

    public static ValueFormat parse(String value) {
        for (ValueFormat format : values()) {
            if (format.name().equalsIgnoreCase(value.trim())) {
                return format;
            }
        }
        throw new IllegalArgumentException("must be payload or cloudevents, got '" + value + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
