package io.tidemark.outbox;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static io.tidemark.outbox.OutboxChanges.TRACED_ROW;
import static io.tidemark.outbox.OutboxChanges.orderCreated;
import static io.tidemark.outbox.OutboxChanges.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Debezium's tracing keys: the trace context an application stored in the outbox row becomes the
 * event's W3C {@code traceparent} / {@code tracestate} headers, with no OpenTelemetry involved (the
 * router is compiled without it; OutboxRoutingIT runs it on a worker without it).
 * {@code DebeziumTracingParityTest} compares the same rows with Debezium's router tracing through a
 * real OpenTelemetry SDK.
 */
class OutboxTracingTest {

    /** The W3C specification's example context. */
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT_ID = "00f067aa0ba902b7";
    static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";
    /** Sampled, and flagged as having a random trace id (W3C Trace Context Level 2): which it has. */
    private static final String NEW_SAMPLED_TRACE = "00-[0-9a-f]{32}-[0-9a-f]{16}-03";

    private static SourceRecord route(SourceRecord change, String... keyValues) {
        Map<String, String> config = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        try (OutboxEventRouter<SourceRecord> router = new OutboxEventRouter<>()) {
            router.configure(config);
            return router.apply(change);
        }
    }

    private static SourceRecord tracedInsert(String storedContext) {
        return orderCreated(TRACED_ROW, "{}").with("tracingspancontext", storedContext).insert();
    }

    private static List<String> headerNames(SourceRecord record) {
        return StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
    }

    private static String header(SourceRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        return header == null ? null : (String) header.value();
    }

    @Test
    void storedTraceContextBecomesTheEventsTraceHeaders() {
        SourceRecord event = route(tracedInsert(stored("traceparent", TRACEPARENT, "tracestate", "congo=t61rcWkgMzE")));

        assertThat(headerNames(event)).containsExactly("traceparent", "tracestate", "id");
        assertThat(header(event, "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(header(event, "tracestate")).isEqualTo("congo=t61rcWkgMzE");
        assertThat(event.headers().lastWithName("traceparent").schema()).isEqualTo(Schema.STRING_SCHEMA);
    }

    @Test
    void contextWithoutTracestateGivesOnlyTheTraceparent() {
        SourceRecord event = route(tracedInsert("traceparent=" + TRACEPARENT + "\n"));

        assertThat(headerNames(event)).containsExactly("traceparent", "id");
        assertThat(header(event, "traceparent")).isEqualTo(TRACEPARENT);
    }

    @Test
    void unsampledContextStaysUnsampled() {
        String unsampled = "00-" + TRACE_ID + "-" + PARENT_ID + "-00";

        assertThat(header(route(tracedInsert(stored("traceparent", unsampled))), "traceparent")).isEqualTo(unsampled);
    }

    @Test
    void rowWithoutTheContextColumnIsRoutedWithoutTraceHeaders() {
        SourceRecord event = route(orderCreated("{}").insert());

        assertThat(headerNames(event)).containsExactly("id");
    }

    @Test
    void nullContextIsNoContextAndNoFailure() {
        SourceRecord event = route(tracedInsert(null));

        assertThat(headerNames(event)).containsExactly("id");
        assertThat(event.value()).isEqualTo("{}");
    }

    @Test
    void withContextFieldOnlyFalseEveryRowWithoutContextStartsItsOwnSampledTrace() {
        SourceRecord nullContext = route(tracedInsert(null), "tracing.with.context.field.only", "false");
        SourceRecord noColumn = route(orderCreated("{}").insert(), "tracing.with.context.field.only", "false");

        assertThat(headerNames(nullContext)).containsExactly("traceparent", "id");
        assertThat(header(nullContext, "traceparent")).matches(NEW_SAMPLED_TRACE);
        assertThat(header(noColumn, "traceparent")).matches(NEW_SAMPLED_TRACE)
                .isNotEqualTo(header(nullContext, "traceparent"));
    }

    @Test
    void withContextFieldOnlyFalseAStoredContextIsStillContinued() {
        SourceRecord event = route(tracedInsert(stored("traceparent", TRACEPARENT)), "tracing.with.context.field.only", "false");

        assertThat(header(event, "traceparent")).isEqualTo(TRACEPARENT);
    }

    @Test
    void storedTextThatIsNoValidContextStartsANewTraceEvenWithContextFieldOnly() {
        SourceRecord garbage = route(tracedInsert("not a trace context"), "tracing.with.context.field.only", "true");
        SourceRecord empty = route(tracedInsert(""));

        assertThat(header(garbage, "traceparent")).matches(NEW_SAMPLED_TRACE).doesNotContain(TRACE_ID);
        assertThat(header(empty, "traceparent")).matches(NEW_SAMPLED_TRACE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01    | " + TRACEPARENT,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03    | 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02    | 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-05    | " + TRACEPARENT,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe    | 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xy | " + TRACEPARENT,
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01    | new",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01    | new",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01    | new",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g    | new",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01    | new",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xy | new",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01xy  | new",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7       | new",
    })
    void traceparentIsReadByTheW3cRulesKeepingTheSampledAndRandomTraceIdFlags(String storedTraceparent, String expected) {
        String traceparent = header(route(tracedInsert(stored("traceparent", storedTraceparent))), "traceparent");

        if (expected.equals("new")) {
            assertThat(traceparent).matches(NEW_SAMPLED_TRACE).doesNotContain(TRACE_ID);
        } else {
            assertThat(traceparent).isEqualTo(expected);
        }
    }

    @Test
    void contextTextThatPropertiesLoadRejectsStartsANewTraceInsteadOfFailingTheEvent() {
        SourceRecord event = route(tracedInsert("traceparent=" + TRACEPARENT + "\\u00zz\n"));

        assertThat(header(event, "traceparent")).matches(NEW_SAMPLED_TRACE).doesNotContain(TRACE_ID);
    }

    @Test
    void traceparentWithTrailingBlanksIsNoContextAsForPropertiesLoad() {
        assertThat(header(route(tracedInsert("traceparent=" + TRACEPARENT + "  \n")), "traceparent"))
                .matches(NEW_SAMPLED_TRACE);
        assertThat(header(route(tracedInsert("  traceparent : " + TRACEPARENT + "\n")), "traceparent"))
                .isEqualTo(TRACEPARENT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE | rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
            "rojo=1 ,\tcongo=2,                       | rojo=1,congo=2",
            "t@vendor=4,1a@v=2                        | t@vendor=4,1a@v=2",
            "rojo=1,congo=2,rojo=3                    | ",
            "rojo=1,Congo=2                           | ",
            "rojo=1,1abc=3                            | ",
            "rojo=1,x=a=b                             | ",
            "rojo=1,y=                                | ",
            "rojo=1,oops                              | ",
            "',rojo=1'                                | ",
            "'rojo=1 '                                | ",
    })
    void tracestateIsPassedOnWholeOrNotAtAllAsOpenTelemetryDoes(String storedTracestate, String expected) {
        SourceRecord event = route(tracedInsert(stored("traceparent", TRACEPARENT, "tracestate", storedTracestate)));

        assertThat(header(event, "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(header(event, "tracestate")).isEqualTo(expected);
    }

    @Test
    void tracestateKeysMayHaveTheLongestTenantAndVendorPartsTheW3cAllows() {
        String longest = "t".repeat(241) + "@" + "v".repeat(14) + "=1";

        assertThat(header(route(tracedInsert(stored("traceparent", TRACEPARENT, "tracestate", longest))), "tracestate"))
                .isEqualTo(longest);
        assertThat(header(route(tracedInsert(stored("traceparent", TRACEPARENT, "tracestate", "t".repeat(242) + "@v=1"))),
                "tracestate")).isNull();
        assertThat(header(route(tracedInsert(stored("traceparent", TRACEPARENT, "tracestate", "t@" + "v".repeat(15) + "=1"))),
                "tracestate")).isNull();
    }

    @Test
    void tracestateOfMoreThan32MembersIsDropped() {
        String members = String.join(",", IntStream.rangeClosed(1, 33).mapToObj(i -> "k" + i + "=v").toList());

        SourceRecord event = route(tracedInsert(stored("traceparent", TRACEPARENT, "tracestate", members)));

        assertThat(headerNames(event)).containsExactly("traceparent", "id");
    }

    @Test
    void traceHeadersOfTheCapturedRecordGiveWayToTheRowsContext() {
        SourceRecord change = tracedInsert(stored("traceparent", TRACEPARENT));
        change.headers().addString("traceparent", "00-11111111111111111111111111111111-2222222222222222-01")
                .addString("tracestate", "stale=1").addString("tenant", "acme");

        SourceRecord event = route(change);

        assertThat(headerNames(event)).containsExactly("tenant", "traceparent", "id");
        assertThat(header(event, "traceparent")).isEqualTo(TRACEPARENT);
    }

    @Test
    void contextColumnIsConfigurable() {
        Schema rowSchema = OutboxChanges.row()
                .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("trace_ctx", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        SourceRecord change = OutboxChanges.of(rowSchema).with("id", "e-1").with("aggregatetype", "Order")
                .with("aggregateid", "42").with("payload", "{}").with("trace_ctx", stored("traceparent", TRACEPARENT))
                .insert();

        assertThat(header(route(change, "tracing.span.context.field", "trace_ctx"), "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(headerNames(route(change))).containsExactly("id");
    }

    @Test
    void contextColumnThatIsNotTextFailsNamingItAndItsKey() {
        Schema rowSchema = OutboxChanges.row()
                .field("id", Schema.STRING_SCHEMA).field("aggregatetype", Schema.STRING_SCHEMA)
                .field("aggregateid", Schema.STRING_SCHEMA).field("payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("tracingspancontext", Schema.OPTIONAL_BYTES_SCHEMA)
                .build();
        SourceRecord change = OutboxChanges.of(rowSchema).with("id", "e-1").with("aggregatetype", "Order")
                .with("aggregateid", "42").with("payload", "{}").insert();

        assertThatThrownBy(() -> route(change)).isInstanceOf(DataException.class)
                .hasMessageContaining("trace context column 'tracingspancontext'")
                .hasMessageContaining("tracing.span.context.field");
    }

    @Test
    void routedTombstoneCarriesTheTraceHeadersToo() {
        SourceRecord change = orderCreated(TRACED_ROW, null).with("tracingspancontext", stored("traceparent", TRACEPARENT)).insert();

        SourceRecord tombstone = route(change, "route.tombstone.on.empty.payload", "true");

        assertThat(tombstone.value()).isNull();
        assertThat(header(tombstone, "traceparent")).isEqualTo(TRACEPARENT);
    }

    @Test
    void operationNameChangesNothingBecauseThisRouterRecordsNoSpans() {
        SourceRecord named = route(tracedInsert(stored("traceparent", TRACEPARENT)), "tracing.operation.name", "outbox-relay");
        SourceRecord unnamed = route(tracedInsert(stored("traceparent", TRACEPARENT)));

        assertThat(headerNames(named)).isEqualTo(headerNames(unnamed));
        assertThat(header(named, "traceparent")).isEqualTo(header(unnamed, "traceparent"));
    }

    @Test
    void capturedRecordIsLeftAsItWasWhenTraced() {
        SourceRecord change = tracedInsert(stored("traceparent", TRACEPARENT));

        route(change);

        assertThat(change.headers().isEmpty()).isTrue();
    }
}
