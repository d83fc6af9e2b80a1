package io.tidemark.deploy;

/** How far the capture of the source database is behind what the server has written, in that database's terms. */
sealed interface SourceLag {

    /**
     * PostgreSQL: the WAL between the server's current position and the replication slot's confirmed flush position,
     * and whether a connector holds the slot (both null while the slot or the server cannot be read).
     */
    record Slot(Long bytes, Boolean active) implements SourceLag {
    }

    /**
     * MariaDB (or MySQL): the server's current binlog position ({@code SHOW MASTER STATUS}), the one the Debezium
     * connector's committed offset resumes from, and the furthest the sinks applied (their watermark rows); each is
     * null while it cannot be read.
     */
    record Binlog(BinlogPosition server, BinlogPosition debezium, BinlogPosition applied) implements SourceLag {

        /** How far Debezium's committed offset is behind the server; null without both positions. */
        BinlogPosition.Gap debeziumGap() {
            return server == null || debezium == null ? null : server.gapTo(debezium);
        }

        /** How far the furthest applied change is behind the server; null without both positions. */
        BinlogPosition.Gap appliedGap() {
            return server == null || applied == null ? null : server.gapTo(applied);
        }
    }
}
