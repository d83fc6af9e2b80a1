package io.tidemark.sink.writer;

import org.apache.kafka.connect.sink.SinkRecord;

import java.util.HashSet;
import java.util.Set;

/**
 * Reports each record once while its batch is retried. After a transient database error Connect delivers the same
 * records again, and a record isolated as errant on the first attempt would otherwise reach the dead-letter queue
 * once per attempt. Call {@link #forget()} once the batch is committed.
 */
public final class ReportedOnce implements ErrantRecords {

    private record Coordinates(String topic, Integer partition, long offset) {
    }

    private final ErrantRecords delegate;
    private final Set<Coordinates> reported = new HashSet<>();

    public ReportedOnce(ErrantRecords delegate) {
        this.delegate = delegate;
    }

    @Override
    public void report(SinkRecord record, Throwable error) {
        Coordinates coordinates = new Coordinates(record.originalTopic(), record.originalKafkaPartition(),
                record.originalKafkaOffset());
        if (reported.contains(coordinates)) {
            return;
        }
        delegate.report(record, error);
        reported.add(coordinates);
    }

    /** Every record reported so far is behind a committed batch: a later delivery of it is reported again. */
    public void forget() {
        reported.clear();
    }
}
