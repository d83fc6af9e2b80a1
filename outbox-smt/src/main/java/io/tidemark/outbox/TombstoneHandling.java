package io.tidemark.outbox;

import java.util.Locale;

/** What happens to a record with a null value (a tombstone) reaching the router. */
public enum TombstoneHandling {
    /** Drop it, as Debezium's router does: outbox-row tombstones mean nothing to consumers of events. */
    DROP,
    /** Pass it on untouched, for connectors that also capture tables whose topics are compacted. */
    KEEP;

    public static TombstoneHandling parse(String value) {
        for (TombstoneHandling handling : values()) {
            if (handling.name().equalsIgnoreCase(value.trim())) {
                return handling;
            }
        }
        throw new IllegalArgumentException("must be drop or keep, got '" + value + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
