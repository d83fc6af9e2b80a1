package io.tidemark.outbox;

/**
 * Names for the value schemas the router builds. Avro converters turn a Connect schema name into a
 * record's namespace and name, which allow only letters, digits and underscores per dotted segment,
 * while topic names may also hold '-'.
 */
final class SchemaNames {

    private SchemaNames() {
    }

    static String forTopic(String topic, String suffix) {
        StringBuilder name = new StringBuilder(topic.length() + suffix.length() + 1);
        for (String segment : topic.split("\\.", -1)) {
            if (segment.isEmpty() || !Character.isLetter(segment.charAt(0)) && segment.charAt(0) != '_') {
                name.append('_');
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                name.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
            }
            name.append('.');
        }
        return name.append(suffix).toString();
    }
}
