package io.tidemark.outbox;

import java.util.Locale;

/** What happens to an outbox row that lacks a column listed in {@code table.fields.additional.placement}. */
public enum MissingAdditionalFieldBehavior {
    /** Fail the record with an error naming the column. */
    ERROR,
    /** Leave the column out of that row's event. */
    IGNORE;

    public static MissingAdditionalFieldBehavior parse(String value) {
        for (MissingAdditionalFieldBehavior behavior : values()) {
            if (behavior.name().equalsIgnoreCase(value.trim())) {
                return behavior;
            }
        }
        throw new IllegalArgumentException("must be error or ignore, got '" + value + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
