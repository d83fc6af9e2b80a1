package io.tidemark.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the pipeline's state as a small table that is redrawn in place, or as one line for logs. */
final class StatusView {

    private StatusView() {
    }

    static List<String> table(PipelineHealth health, String headline) {
        PipelineSnapshot s = health.last();
        List<String> lines = new ArrayList<>();
        lines.add(headline);
        lines.add(row("orders rows", "source " + number(s.sourceRows()) + "   target " + number(s.targetRows())
                + "   " + syncNote(s), ""));
        if (s.sourceLag() instanceof SourceLag.Binlog binlog) {
            lines.add(row("binlog lag", (binlog.server() == null ? "-" : binlog.server()) + "  Debezium "
                    + gap(binlog.debeziumGap()) + ", applied " + gap(binlog.appliedGap()) + " behind", "alert > 1 file"));
        } else {
            SourceLag.Slot slot = (SourceLag.Slot) s.sourceLag();
            lines.add(row("slot lag", StackSettings.SLOT + " " + (slot.bytes() == null ? "-" : bytes(slot.bytes()))
                    + (Boolean.FALSE.equals(slot.active()) ? " (inactive)" : ""), "alert > 1 GiB"));
        }
        List<String> sinks = health.sinks();
        if (sinks.isEmpty()) {
            lines.add(row("consumer lag", "-", "alert: growing > 5 min"));
            lines.add(row("apply latency", "- (no apply seen yet)", "alert > 30 s"));
        }
        for (String sink : sinks) {
            Long unapplied = s.unapplied().get(sink);
            lines.add(row("consumer lag", sink + " " + number(s.consumerLag().get(sink)) + " msgs"
                    + (unapplied == null ? "" : ", " + number(unapplied) + " not applied")
                    + (health.lagGrowing(sink) ? " (growing)" : ""), "alert: growing > 5 min"));
        }
        for (String sink : sinks) {
            lines.add(row("apply latency", sink + " " + latency(health, sink, "  "), "alert > 30 s"));
        }
        lines.add(row("outbox", number(s.outboxPublished()) + " events published   backlog " + number(s.outboxBacklog())
                + " rows", "alert > 1000"));
        StringBuilder connectors = new StringBuilder();
        for (Map.Entry<String, String> c : s.connectors().entrySet()) {
            connectors.append(connectors.length() == 0 ? "" : ", ").append(c.getKey()).append(' ').append(c.getValue());
        }
        lines.add(row("connectors", connectors.length() == 0 ? "-" : connectors.toString(), ""));
        List<String> alerts = health.alerts();
        lines.add(alerts.isEmpty() ? "  no alerts" : "  ALERT: " + String.join("; ", alerts));
        s.problems().forEach(p -> lines.add("  note: " + p));
        return lines;
    }

    /** The same facts on one line, for output that is not a terminal. */
    static String line(PipelineHealth health, String prefix) {
        PipelineSnapshot s = health.last();
        List<String> alerts = health.alerts();
        List<String> latencies = health.sinks().stream().map(sink -> sink + " " + latency(health, sink, " ")).toList();
        return prefix + " rows " + number(s.sourceRows()) + "/" + number(s.targetRows())
                + " | " + sourceLag(s.sourceLag())
                + " | consumer lag " + s.consumerLag().values().stream().mapToLong(Long::longValue).sum()
                + (s.unapplied().isEmpty() ? "" : " (" + s.unapplied().values().stream().mapToLong(Long::longValue).sum()
                        + " not applied)")
                + " | latency " + (latencies.isEmpty() ? "-" : String.join(", ", latencies))
                + " | outbox " + number(s.outboxPublished()) + " published, backlog " + number(s.outboxBacklog())
                + (alerts.isEmpty() ? "" : " | ALERT " + String.join("; ", alerts));
    }

    private static String sourceLag(SourceLag lag) {
        if (lag instanceof SourceLag.Binlog binlog) {
            return "binlog lag Debezium " + gap(binlog.debeziumGap()) + ", applied " + gap(binlog.appliedGap());
        }
        Long bytes = ((SourceLag.Slot) lag).bytes();
        return "slot lag " + (bytes == null ? "-" : bytes(bytes));
    }

    /** Bytes behind in the same binlog file, else the files behind; "-" when a position is unknown. */
    static String gap(BinlogPosition.Gap gap) {
        if (gap == null) {
            return "-";
        }
        return gap.files() == 0 ? bytes(gap.bytes()) : gap.files() + (gap.files() == 1 ? " file" : " files");
    }

    /** {@code sink}'s latency percentiles in the window and how many applies they cover, the parts {@code gap} apart. */
    private static String latency(PipelineHealth health, String sink, String gap) {
        Duration p50 = health.latencyPercentile(sink, 50);
        if (p50 == null) {
            return "- (no apply seen yet)";
        }
        return "p50 " + seconds(p50) + gap + "p99 " + seconds(health.latencyPercentile(sink, 99)) + gap
                + "(" + health.latencySamples(sink) + " in 5 min)";
    }

    private static String syncNote(PipelineSnapshot s) {
        if (s.sourceRows() == null || s.targetRows() == null) {
            return "";
        }
        long behind = s.sourceRows() - s.targetRows();
        return behind == 0 ? "in sync" : "catching up (" + behind + ")";
    }

    private static String row(String name, String value, String threshold) {
        String text = String.format(Locale.ROOT, "  %-14s %-62s", name, value);
        return threshold.isEmpty() ? text.stripTrailing() : text + " " + threshold;
    }

    static String number(Long value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%,d", value);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toMillis() / 1000.0);
    }
}
