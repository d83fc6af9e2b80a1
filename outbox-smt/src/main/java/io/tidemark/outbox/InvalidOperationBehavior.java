package io.tidemark.outbox;

import java.util.Locale;

/** What happens to a change of the outbox table that is neither an insert, a snapshot read nor a delete. */
public enum InvalidOperationBehavior {
    /** Drop the change and log a warning. */
    WARN,
    /** Drop the change and log an error. */
    ERROR,
    /** Fail the record, which stops the task unless the connector tolerates errors. */
    FATAL;

    public static InvalidOperationBehavior parse(String value) {
        for (InvalidOperationBehavior behavior : values()) {
            if (behavior.name().equalsIgnoreCase(value.trim())) {
                return behavior;
            }
        }
        throw new IllegalArgumentException("must be one of warn, error, fatal, got '" + value + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
