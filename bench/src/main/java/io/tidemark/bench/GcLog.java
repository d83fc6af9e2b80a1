package io.tidemark.bench;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a JVM's {@code -Xlog:gc} output: each pause line ends with the heap before and after it, e.g. {@code 120M->35M(256M)}. */
final class GcLog {

    private static final Pattern HEAP_CHANGE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private GcLog() {
    }

    /** The largest heap left after any collection in {@code lines}, in megabytes; 0 when none collected. */
    static long peakAfterGcMegabytes(List<String> lines) {
        long peak = 0;
        for (String line : lines) {
            Matcher m = HEAP_CHANGE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, megabytes(Long.parseLong(m.group(3)), m.group(4)));
            }
        }
        return peak;
    }

    private static long megabytes(long value, String unit) {
        return switch (unit) {
            case "K" -> value / 1024;
            case "M" -> value;
            default -> value * 1024;
        };
    }
}
