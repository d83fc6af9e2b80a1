package io.tidemark.outbox;

import java.io.IOException;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context: the {@code traceparent} fields and the {@code tracestate} list. The outbox
 * column holds it as {@link Properties} text ({@code traceparent=00-...-01}), the way Debezium's
 * outbox extension and its tracing docs have applications store it; it is read by the rules of
 * OpenTelemetry's W3C propagator, which Debezium's router uses, so a context Debezium would continue
 * is continued here and one it would discard is discarded here.
 *
 * @param sampled       flag 01: the parent recorded its span
 * @param randomTraceId flag 02 (W3C Trace Context Level 2): the trace id is random
 * @param traceState    the tracestate list, or {@code null} for none
 */
record TraceContext(String traceId, String parentId, boolean sampled, boolean randomTraceId, String traceState) {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private static final int TRACEPARENT_LENGTH = 55;
    private static final int SAMPLED = 0x01;
    private static final int RANDOM_TRACE_ID = 0x02;
    private static final Pattern TRACESTATE_SEPARATOR = Pattern.compile("[ \t]*,[ \t]*");
    private static final int TRACESTATE_MAX_MEMBERS = 32;
    private static final Pattern TRACESTATE_KEY = Pattern.compile(
            "[a-z][a-z0-9_\\-*/]{0,255}|[a-z0-9][a-z0-9_\\-*/]{0,240}@[a-z0-9_\\-*/]{1,14}");
    /** Printable ASCII but ',' and '=', not ending in a blank. */
    private static final Pattern TRACESTATE_VALUE = Pattern.compile(
            "[\\x20-\\x2b\\x2d-\\x3c\\x3e-\\x7e]{0,255}[\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e]");

    /** The context stored in an outbox column, if its text holds a valid {@code traceparent}. */
    static Optional<TraceContext> fromStored(String properties) {
        Properties stored = new Properties();
        try {
            stored.load(new StringReader(properties));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return parse(stored.getProperty(TRACEPARENT), stored.getProperty(TRACESTATE));
    }

    /** A context from its two header values; empty when {@code traceparent} is missing or invalid. */
    private static Optional<TraceContext> parse(String traceparent, String tracestate) {
        if (traceparent == null || !isTraceparentShape(traceparent)) {
            return Optional.empty();
        }
        String traceId = traceparent.substring(3, 35);
        String parentId = traceparent.substring(36, 52);
        int flags = hexByte(traceparent.charAt(53), traceparent.charAt(54));
        if (!isNonZeroHex(traceId) || !isNonZeroHex(parentId) || flags < 0) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(traceId, parentId, (flags & SAMPLED) != 0, (flags & RANDOM_TRACE_ID) != 0,
                traceState(tracestate)));
    }

    /** A new sampled trace with a random id, for an outbox row traced without a valid context of its own. */
    static TraceContext newTrace() {
        RandomGenerator random = ThreadLocalRandom.current();
        String traceId;
        String parentId;
        do {
            traceId = hex(random.nextLong()) + hex(random.nextLong());
        } while (!isNonZeroHex(traceId));
        do {
            parentId = hex(random.nextLong());
        } while (!isNonZeroHex(parentId));
        return new TraceContext(traceId, parentId, true, true, null);
    }

    /**
     * The {@code traceparent} header value, in version 00 whatever version was read. Of the flags it keeps the two
     * W3C defines and drops the rest, as OpenTelemetry 1.62.0 (Debezium 3.6.1's) does for the span Debezium's router
     * starts under the stored one; 1.23.0 (Debezium 3.3.1's) kept only the sampled flag.
     */
    String traceparent() {
        int flags = (sampled ? SAMPLED : 0) | (randomTraceId ? RANDOM_TRACE_ID : 0);
        return "00-" + traceId + "-" + parentId + "-0" + flags;
    }

    /**
     * Version 00 is exactly 55 characters; a later version may append fields after a dash. Version ff
     * is forbidden.
     */
    private static boolean isTraceparentShape(String value) {
        boolean length = value.length() == TRACEPARENT_LENGTH
                || (value.length() > TRACEPARENT_LENGTH && value.charAt(TRACEPARENT_LENGTH) == '-'
                        && !value.startsWith("00"));
        return length && value.charAt(2) == '-' && value.charAt(35) == '-' && value.charAt(52) == '-'
                && hexByte(value.charAt(0), value.charAt(1)) >= 0 && !value.startsWith("ff");
    }

    /**
     * The list as OpenTelemetry's propagator passes it on: members rejoined without blanks, or
     * {@code null} for the whole list when any member is malformed or repeats a key, or there are
     * more than 32. OpenTelemetry 1.23.0 (Debezium 3.3.1's) and 1.62.0 (Debezium 3.6.1's) do so; they differ only
     * on the longest tenant and vendor parts of a key (240 and 13 characters in 1.23.0), where this follows 1.62.0
     * and the W3C's 241 and 14.
     */
    private static String traceState(String tracestate) {
        if (tracestate == null || tracestate.isEmpty()) {
            return null;
        }
        String[] members = TRACESTATE_SEPARATOR.split(tracestate);
        if (members.length == 0 || members.length > TRACESTATE_MAX_MEMBERS) {
            return null;
        }
        Set<String> keys = new HashSet<>();
        for (String member : members) {
            int equals = member.indexOf('=');
            if (equals < 0) {
                return null;
            }
            String key = member.substring(0, equals);
            if (!TRACESTATE_KEY.matcher(key).matches() || !TRACESTATE_VALUE.matcher(member.substring(equals + 1)).matches()
                    || !keys.add(key)) {
                return null;
            }
        }
        return String.join(",", members);
    }

    private static boolean isNonZeroHex(String value) {
        boolean nonZero = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (hexDigit(c) < 0) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }

    private static int hexByte(char high, char low) {
        int h = hexDigit(high);
        int l = hexDigit(low);
        return h < 0 || l < 0 ? -1 : h << 4 | l;
    }

    /** W3C trace context is lowercase hex only. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    private static String hex(long value) {
        String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
