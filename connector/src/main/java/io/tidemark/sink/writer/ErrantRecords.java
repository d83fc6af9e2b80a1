package io.tidemark.sink.writer;

import org.apache.kafka.connect.sink.SinkRecord;

/** Where a record that cannot be applied goes: the dead-letter queue, or a task failure. */
@FunctionalInterface
public interface ErrantRecords {

    /**
     * Reports {@code record} and returns once the report is durable, so the record's offset may be
     * committed; throws when the connector does not tolerate errors.
     */
    void report(SinkRecord record, Throwable error);
}
