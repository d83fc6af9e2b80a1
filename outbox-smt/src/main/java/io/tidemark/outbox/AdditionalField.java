package io.tidemark.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entry of {@code table.fields.additional.placement}: an outbox column copied into a header,
 * into the value envelope, or used as the Kafka partition. Written {@code column:placement} or
 * {@code column:placement:alias}; the alias names the header or envelope field (default: the column).
 */
public record AdditionalField(String column, Placement placement, String name) {

    public enum Placement {
        HEADER, ENVELOPE, PARTITION;

        static Placement parse(String value, String entry) {
            for (Placement placement : values()) {
                if (placement.name().equalsIgnoreCase(value.trim())) {
                    return placement;
                }
            }
            throw new IllegalArgumentException("placement '" + value + "' in '" + entry
                    + "' must be header, envelope or partition");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Parses every entry; the first malformed one fails with a message that quotes it. */
    public static List<AdditionalField> parseAll(List<String> entries) {
        List<AdditionalField> fields = new ArrayList<>();
        boolean partitionSeen = false;
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            AdditionalField field = parse(entry);
            if (field.placement() == Placement.PARTITION) {
                if (partitionSeen) {
                    throw new IllegalArgumentException("only one column can choose the partition, '" + entry
                            + "' is the second");
                }
                partitionSeen = true;
            }
            fields.add(field);
        }
        return List.copyOf(fields);
    }

    static AdditionalField parse(String entry) {
        String[] parts = entry.trim().split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("'" + entry + "' must be column:placement or column:placement:alias");
        }
        String column = parts[0].trim();
        if (column.isEmpty()) {
            throw new IllegalArgumentException("'" + entry + "' names no column");
        }
        Placement placement = Placement.parse(parts[1], entry);
        String name = parts.length == 3 ? parts[2].trim() : column;
        if (name.isEmpty()) {
            throw new IllegalArgumentException("'" + entry + "' has an empty alias");
        }
        if (placement == Placement.PARTITION && parts.length == 3) {
            throw new IllegalArgumentException("'" + entry + "': a partition column takes no alias");
        }
        return new AdditionalField(column, placement, name);
    }
}
