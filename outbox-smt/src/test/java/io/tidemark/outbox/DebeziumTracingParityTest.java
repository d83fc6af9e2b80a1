package io.tidemark.outbox;

import io.debezium.transforms.outbox.EventRouter;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static io.tidemark.outbox.OutboxChanges.TRACED_ROW;
import static io.tidemark.outbox.OutboxChanges.orderCreated;
import static io.tidemark.outbox.OutboxChanges.stored;
import static io.tidemark.outbox.OutboxTracingTest.PARENT_ID;
import static io.tidemark.outbox.OutboxTracingTest.TRACEPARENT;
import static io.tidemark.outbox.OutboxTracingTest.TRACE_ID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debezium's router tracing for real, through an OpenTelemetry SDK with W3C propagation (the setup
 * Debezium's tracing docs were tested with, {@code otel.propagators=tracecontext}), against ours,
 * which has no OpenTelemetry: for the same rows and tracing settings, the same events are traced, with
 * the same trace id, sampled flag and tracestate, and the same headers in the same order.
 * <p>
 * One difference is by design: Debezium records two spans per event, {@code db-log-write} (a child of
 * the stored context) and the processing span named by {@code tracing.operation.name} (its child), and
 * its {@code traceparent} names {@code db-log-write}; ours records none and names the stored span
 * itself. So where Debezium's header names its own span, the comparison takes that span's parent.
 * <p>
 * Debezium's {@code TracingSpanUtil} takes the global OpenTelemetry once per JVM, the first time it
 * traces; no other test makes Debezium's router trace, so the SDK registered here is the one it takes.
 */
class DebeziumTracingParityTest {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk openTelemetry;

    @BeforeAll
    static void registerOpenTelemetry() {
        GlobalOpenTelemetry.resetForTest();
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .buildAndRegisterGlobal();
    }

    @AfterAll
    static void unregisterOpenTelemetry() {
        openTelemetry.getSdkTracerProvider().close();
        GlobalOpenTelemetry.resetForTest();
    }

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(Map.of()),
                Arguments.of(Map.of("tracing.with.context.field.only", "true")),
                Arguments.of(Map.of("tracing.with.context.field.only", "false")),
                Arguments.of(Map.of("tracing.operation.name", "outbox-relay")),
                Arguments.of(Map.of("route.tombstone.on.empty.payload", "true",
                        "table.fields.additional.placement", "type:header:eventType")));
    }

    /** Each change is built afresh per router: Debezium's adds its headers to the record it is given. */
    static Map<String, Supplier<SourceRecord>> changes() {
        Map<String, Supplier<SourceRecord>> changes = new LinkedHashMap<>();
        changes.put("stored context", () -> traced(stored("traceparent", TRACEPARENT)));
        changes.put("unsampled", () -> traced(stored("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-00")));
        changes.put("random trace id", () -> traced(stored("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-03")));
        changes.put("random trace id, unsampled", () -> traced(stored("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-02")));
        changes.put("reserved flags", () -> traced(stored("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-fd")));
        changes.put("later version", () -> traced(stored("traceparent", "01-" + TRACE_ID + "-" + PARENT_ID + "-01-xy")));
        changes.put("tracestate", () -> traced(stored("traceparent", TRACEPARENT, "tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")));
        changes.put("tracestate with blanks", () -> traced(stored("traceparent", TRACEPARENT, "tracestate", "rojo=1 ,\tcongo=2,t@vendor=3,")));
        changes.put("tracestate repeating a key", () -> traced(stored("traceparent", TRACEPARENT, "tracestate", "rojo=1,congo=2,rojo=3")));
        changes.put("tracestate with an invalid key", () -> traced(stored("traceparent", TRACEPARENT, "tracestate", "rojo=1,Congo=2")));
        changes.put("tracestate member without value", () -> traced(stored("traceparent", TRACEPARENT, "tracestate", "rojo=1,oops")));
        changes.put("tracestate with the longest tenant and vendor", () -> traced(stored("traceparent", TRACEPARENT,
                "tracestate", "t".repeat(241) + "@" + "v".repeat(14) + "=1")));
        changes.put("tracestate with too long a vendor", () -> traced(stored("traceparent", TRACEPARENT,
                "tracestate", "t@" + "v".repeat(15) + "=1")));
        changes.put("uppercase traceparent", () -> traced(stored("traceparent", "00-" + TRACE_ID.toUpperCase() + "-" + PARENT_ID + "-01")));
        changes.put("version ff", () -> traced(stored("traceparent", "ff-" + TRACE_ID + "-" + PARENT_ID + "-01")));
        changes.put("zero trace id", () -> traced(stored("traceparent", "00-" + "0".repeat(32) + "-" + PARENT_ID + "-01")));
        changes.put("trailing blank", () -> traced("traceparent=" + TRACEPARENT + " \n"));
        changes.put("not a context", () -> traced("hello"));
        changes.put("empty", () -> traced(""));
        changes.put("null", () -> traced(null));
        changes.put("no context column", () -> orderCreated("{}").insert());
        changes.put("empty payload", () -> orderCreated(TRACED_ROW, "").with("tracingspancontext", stored("traceparent", TRACEPARENT)).insert());
        return changes;
    }

    private static SourceRecord traced(String storedContext) {
        return orderCreated(TRACED_ROW, "{}").with("tracingspancontext", storedContext).insert();
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void sameRowsSameTraces(Map<String, String> config) {
        try (EventRouter<SourceRecord> debezium = new EventRouter<>(); OutboxEventRouter<SourceRecord> ours = new OutboxEventRouter<>()) {
            debezium.configure(new HashMap<>(config));
            ours.configure(new HashMap<>(config));
            changes().forEach((name, change) -> {
                SPANS.reset();
                Map<String, Object> theirs = describe(debezium, change.get(), true);
                assertThat(describe(ours, change.get(), false)).as("%s under %s", name, config).isEqualTo(theirs);
            });
        }
    }

    @Test
    void debeziumNamesItsProcessingSpanAfterTheOperationNameWhichOursHasNoSpanFor() {
        try (EventRouter<SourceRecord> debezium = new EventRouter<>()) {
            debezium.configure(new HashMap<>(Map.of("tracing.operation.name", "outbox-relay")));
            SPANS.reset();
            debezium.apply(traced(stored("traceparent", TRACEPARENT)));
        }

        List<SpanData> spans = SPANS.getFinishedSpanItems();
        assertThat(spans).extracting(SpanData::getName).containsExactlyInAnyOrder("db-log-write", "outbox-relay");
        SpanData dbLogWrite = spans.stream().filter(s -> s.getName().equals("db-log-write")).findFirst().orElseThrow();
        assertThat(dbLogWrite.getParentSpanId()).isEqualTo(PARENT_ID);
    }

    private static Map<String, Object> describe(Transformation<SourceRecord> router, SourceRecord change, boolean debezium) {
        SourceRecord event = router.apply(change);
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("topic", event.topic());
        described.put("valueIsNull", event.value() == null);
        List<String> names = new ArrayList<>();
        StreamSupport.stream(event.headers().spliterator(), false).map(Header::key).forEach(names::add);
        described.put("headers", names);
        Header traceparent = event.headers().lastWithName("traceparent");
        if (traceparent != null) {
            String[] fields = ((String) traceparent.value()).split("-");
            boolean continued = fields[1].equals(TRACE_ID);
            described.put("version", fields[0]);
            described.put("trace", continued ? "continued" : "new");
            described.put("flags", fields[3]);
            // An unsampled span is not recorded, so there is no parent to look up; nor do consumers record theirs.
            if (continued && (Integer.parseInt(fields[3], 16) & 1) == 1) {
                described.put("parentOfTheEventsConsumers", debezium ? parentOf(fields[2]) : fields[2]);
            }
        }
        Header tracestate = event.headers().lastWithName("tracestate");
        described.put("tracestate", tracestate == null ? null : tracestate.value());
        return described;
    }

    /** The span Debezium's header names is its db-log-write span; what matters to consumers is where it hangs. */
    private static String parentOf(String spanId) {
        List<SpanData> spans = SPANS.getFinishedSpanItems();
        assertThat(spans).as("spans Debezium recorded through this test's SDK").isNotEmpty();
        SpanData span = spans.stream().filter(s -> s.getSpanId().equals(spanId)).findFirst().orElseThrow();
        assertThat(span.getName()).isEqualTo("db-log-write");
        return span.getParentSpanId();
    }
}
