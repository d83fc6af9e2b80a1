package io.tidemark.sink.writer;

import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportedOnceTest {

    private final List<Long> reported = new ArrayList<>();
    private final ReportedOnce once = new ReportedOnce((record, error) -> reported.add(record.kafkaOffset()));

    private static SinkRecord at(String topic, int partition, long offset) {
        return new SinkRecord(topic, partition, null, null, null, "poison", offset);
    }

    @Test
    void aRecordDeliveredAgainAfterARetryIsReportedOnce() {
        RuntimeException error = new RuntimeException("bad");
        once.report(at("t", 0, 7), error);
        once.report(at("t", 0, 8), error);
        once.report(at("t", 0, 7), error);

        assertThat(reported).containsExactly(7L, 8L);
    }

    @Test
    void recordsAreToldApartByTopicPartitionAndOffset() {
        RuntimeException error = new RuntimeException("bad");
        once.report(at("t", 0, 7), error);
        once.report(at("t", 1, 7), error);
        once.report(at("u", 0, 7), error);

        assertThat(reported).hasSize(3);
    }

    @Test
    void afterACommittedBatchTheSameOffsetIsReportedAgain() {
        once.report(at("t", 0, 7), new RuntimeException("bad"));
        once.forget();
        once.report(at("t", 0, 7), new RuntimeException("bad"));

        assertThat(reported).containsExactly(7L, 7L);
    }

    @Test
    void aReportThatFailsIsNotRemembered() {
        List<Long> attempts = new ArrayList<>();
        ReportedOnce failingOnce = new ReportedOnce((record, error) -> {
            attempts.add(record.kafkaOffset());
            if (attempts.size() == 1) {
                throw new IllegalStateException("DLQ unreachable");
            }
        });
        assertThatThrownBy(() -> failingOnce.report(at("t", 0, 7), new RuntimeException("bad")))
                .hasMessage("DLQ unreachable");
        failingOnce.report(at("t", 0, 7), new RuntimeException("bad"));

        assertThat(attempts).containsExactly(7L, 7L);
    }
}
