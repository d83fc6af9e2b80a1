package io.tidemark.sink.writer;

import java.util.Set;

/** Columns the sink keeps beside the user's columns in merge-mode tables. */
public final class HiddenColumns {

    /** The source row version of the change that wrote the row (the LSN for PostgreSQL). */
    public static final String SOURCE_VERSION = "__source_lsn";
    /** Whether the row was last written by a snapshot read rather than a streamed change. */
    public static final String SOURCE_SNAPSHOT = "__source_snapshot";
    /** Soft-delete marker (delete.mode=soft). */
    public static final String DELETED = "__deleted";

    public static final Set<String> ALL = Set.of(SOURCE_VERSION, SOURCE_SNAPSHOT, DELETED);

    private HiddenColumns() {
    }
}
