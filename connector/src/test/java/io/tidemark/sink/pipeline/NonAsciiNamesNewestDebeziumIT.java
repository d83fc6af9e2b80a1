package io.tidemark.sink.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link NonAsciiNames} with the newest Debezium release, loaded as users load it: its plugin archive unpacked in
 * the worker's {@code plugin.path}, in a failsafe execution of its own that leaves the build's older Debezium off the
 * classpath. Its pgoutput decoder reads relation names as UTF-8, so streamed events carry
 * the real names and the sink's repair has nothing to do; the same tests must pass.
 */
class NonAsciiNamesNewestDebeziumIT extends NonAsciiNames {

    private static final String VERSION = System.getProperty("debezium.newest.version");

    @BeforeAll
    static void start() {
        String plugins = System.getProperty("debezium.newest.plugins");
        assumeTrue(plugins != null, "runs in the build's newest-debezium failsafe execution, which sets"
                + " debezium.newest.plugins and leaves the older Debezium off the classpath");
        startWith("names_newest", Map.of("plugin.path", plugins));
    }

    @Test
    @Order(3)
    void theNewestDebeziumSendsTheRealNamesInStreamedEvents() throws Exception {
        String topic = source + ".public.orders";
        ConsumerRecord<byte[], byte[]> first = connect.cluster().kafka().consume(1, 30_000, topic).iterator().next();
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).contains("\"version\":\"" + VERSION + "\"");
        assertThat(topicsOfTheNonAsciiTable()).as("snapshot and streamed events share one topic").hasSize(1);
    }
}
