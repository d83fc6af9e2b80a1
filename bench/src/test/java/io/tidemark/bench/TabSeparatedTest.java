package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TabSeparatedTest {

    private static String row(String... values) {
        StringBuilder out = new StringBuilder();
        TabSeparated.appendRow(out, values);
        return out.toString();
    }

    @Test
    void valuesAreSeparatedByTabsAndARowEndsWithANewline() {
        assertThat(row("1", "paid", "gift wrap")).isEqualTo("1\tpaid\tgift wrap\n");
    }

    @Test
    void nullIsBackslashNAndAnEmptyStringIsNothing() {
        assertThat(row("1", null, "")).isEqualTo("1\t\\N\t\n");
    }

    @Test
    void backslashTabAndNewlineInsideAValueAreEscaped() {
        assertThat(row("a\\b", "c\td", "e\nf")).isEqualTo("a\\\\b\tc\\td\te\\nf\n");
    }

    @Test
    void escapingKeepsDifferentRowsApart() {
        assertThat(row("a\tb")).isNotEqualTo(row("a", "b"));
        assertThat(row("\\N")).isNotEqualTo(row((String) null));
    }
}
