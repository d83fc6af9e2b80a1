package io.tidemark.sink.dialect;

import java.util.function.UnaryOperator;

/**
 * The position guard (docs/correctness.md §3) as SQL over the stored row {@code t} and the incoming row
 * {@code EXCLUDED} of an {@code INSERT ... ON CONFLICT ... DO UPDATE ... WHERE}, for databases that evaluate the
 * guard and every assignment against the row as it was (PostgreSQL, DuckDB). MariaDB assigns left to right and needs
 * its own.
 */
public record ConflictGuard(String storedStreamed, String storedSnapshot, String newStreamed, String newSnapshot) {

    /** The guard over {@code table}'s version columns ({@link HiddenColumns.Versions}), names quoted by {@code quote}. */
    public static ConflictGuard of(TableDefinition table, UnaryOperator<String> quote) {
        HiddenColumns.Versions versions = HiddenColumns.Versions.of(table);
        return new ConflictGuard("t." + quote.apply(versions.streamed()), "t." + quote.apply(versions.snapshot()),
                "EXCLUDED." + quote.apply(versions.streamed()), "EXCLUDED." + quote.apply(versions.snapshot()));
    }

    /** A streamed change applies when newer than every streamed change the stored row has seen. */
    public String streamed() {
        return storedStreamed + " IS NULL OR " + newStreamed + " > " + storedStreamed;
    }

    /** An incoming upsert row without either version: an incremental-snapshot read (correctness.md §3.3). */
    public String incremental() {
        return newStreamed + " IS NULL AND " + newSnapshot + " IS NULL";
    }

    /**
     * The guard for an upsert row, streamed (snapshot point NULL), a snapshot read (streamed version NULL) or an
     * incremental read (both NULL, always applies).
     */
    public String upsert() {
        return "CASE WHEN " + incremental() + " THEN true"
                + " WHEN " + newSnapshot + " IS NULL THEN " + streamed()
                + " ELSE (" + storedStreamed + " IS NULL OR " + newSnapshot + " > " + storedStreamed + ")"
                + " AND (" + storedSnapshot + " IS NULL OR " + newSnapshot + " > " + storedSnapshot + ") END";
    }
}
