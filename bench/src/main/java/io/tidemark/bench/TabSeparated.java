package io.tidemark.bench;

/**
 * Rows as tab-separated text, the form PostgreSQL's COPY and MariaDB's LOAD DATA read by default: values separated by
 * tabs, each row ended by a newline, a value's backslashes, tabs and newlines escaped with a backslash, and SQL NULL
 * written {@code \N}, so the text of two different rows always differs.
 */
final class TabSeparated {

    private TabSeparated() {
    }

    /** Appends one row of {@code values} (null for SQL NULL) to {@code out}. */
    static void appendRow(StringBuilder out, String... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            appendValue(out, values[i]);
        }
        out.append('\n');
    }

    private static void appendValue(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
