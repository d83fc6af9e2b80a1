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
        lines.add(row("slot lag", StackSettings.SLOT + " " + (s.slotLagBytes() == null ? "-" : bytes(s.slotLagBytes()))
                + (Boolean.FALSE.equals(s.slotActive()) ? " (inactive)" : ""), "alert > 1 GiB"));
        if (s.consumerLag().isEmpty()) {
            lines.add(row("consumer lag", "-", "alert: growing > 5 min"));
        }
        s.consumerLag().forEach((sink, lag) -> lines.add(row("consumer lag", sink + " " + lag + " msgs"
                + (health.lagGrowing(sink) ? " (growing)" : ""), "alert: growing > 5 min")));
        Duration p50 = health.latencyPercentile(50);
        Duration p99 = health.latencyPercentile(99);
        lines.add(row("apply latency", p50 == null ? "- (no apply seen yet)"
                : "p50 " + seconds(p50) + "   p99 " + seconds(p99) + "   (" + health.latencySamples() + " applies, 5 min)",
                "alert > 30 s"));
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
        Duration p50 = health.latencyPercentile(50);
        Duration p99 = health.latencyPercentile(99);
        List<String> alerts = health.alerts();
        return prefix + " rows " + number(s.sourceRows()) + "/" + number(s.targetRows())
                + " | slot lag " + (s.slotLagBytes() == null ? "-" : bytes(s.slotLagBytes()))
                + " | consumer lag " + s.consumerLag().values().stream().mapToLong(Long::longValue).sum()
                + " | latency p50 " + (p50 == null ? "-" : seconds(p50)) + " p99 " + (p99 == null ? "-" : seconds(p99))
                + " | outbox " + number(s.outboxPublished()) + " published, backlog " + number(s.outboxBacklog())
                + (alerts.isEmpty() ? "" : " | ALERT " + String.join("; ", alerts));
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
