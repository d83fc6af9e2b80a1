package io.tidemark.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One look at a running pipeline. A value is null when its component could not be reached; {@code problems}
 * then says why.
 *
 * @param sourceLag        how far the capture is behind the source's log: a replication slot, or the binlog
 * @param consumerLag      per sink connector, messages its consumer group has not committed yet
 * @param unapplied        per sink connector, messages past the next offsets its {@code cdc_watermark} rows store:
 *                         not in the target yet (the group commits only every {@code offset.flush.interval.ms})
 * @param newLatencies     per sink connector, commit-to-apply latencies of applies seen for the first time in this look
 * @param outboxPublished  records on the {@code outbox.event.*} topics
 * @param outboxBacklog    rows in the source's outbox table (written, not yet cleaned up)
 */
record PipelineSnapshot(
        Instant at,
        Long sourceRows,
        Long targetRows,
        SourceLag sourceLag,
        Map<String, Long> consumerLag,
        Map<String, Long> unapplied,
        Map<String, List<Duration>> newLatencies,
        Long outboxPublished,
        Long outboxBacklog,
        Map<String, String> connectors,
        List<String> problems) {
}
