package io.tidemark.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collections in a JVM's {@code -Xlog:gc:...:uptime} log: when, which kind, and the heap occupied before and
 * after. The occupancy left after a collection is the figure to watch: it bounds what the JVM still held.
 */
record GcLog(List<Pause> pauses) {

    private static final Pattern PAUSE = Pattern.compile(
            "^\\[(\\d+)[.,](\\d+)s\\] GC\\(\\d+\\) (Pause [A-Za-z]+).*? (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    record Pause(double uptimeSeconds, String kind, long beforeBytes, long afterBytes, long heapBytes) {
    }

    static GcLog read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    static GcLog parse(List<String> lines) {
        return new GcLog(lines.stream().map(PAUSE::matcher).filter(Matcher::find).map(m -> new Pause(
                Double.parseDouble(m.group(1) + "." + m.group(2)), m.group(3),
                bytes(m.group(4), m.group(5)), bytes(m.group(6), m.group(7)), bytes(m.group(8), m.group(9)))).toList());
    }

    /** The collections from {@code uptimeSeconds} on. */
    GcLog since(double uptimeSeconds) {
        return new GcLog(pauses.stream().filter(p -> p.uptimeSeconds() >= uptimeSeconds).toList());
    }

    /** The collections before {@code uptimeSeconds}. */
    GcLog before(double uptimeSeconds) {
        return new GcLog(pauses.stream().filter(p -> p.uptimeSeconds() < uptimeSeconds).toList());
    }

    /** The most heap left occupied after any of the collections; 0 when there was none. */
    long maxAfterBytes() {
        return pauses.stream().mapToLong(Pause::afterBytes).max().orElse(0);
    }

    /** The most heap left occupied after a full collection, which leaves only what is reachable; 0 when there was none. */
    long maxAfterFullBytes() {
        return pauses.stream().filter(p -> p.kind().equals("Pause Full")).mapToLong(Pause::afterBytes).max().orElse(0);
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    private static long bytes(String amount, String unit) {
        long value = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> value << 10;
            case "M" -> value << 20;
            default -> value << 30;
        };
    }
}
