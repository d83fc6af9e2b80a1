package io.tidemark.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowDigestTest {

    @Test
    void digestIsTheMd5OfTheRowsAsTabSeparatedText() {
        RowDigest digest = new RowDigest();
        digest.add("1", "x\\y\tz\n", null);
        digest.add("2", "", null);

        // printf '1\tx\\\\y\\tz\\n\t\\N\n2\t\t\\N\n' | md5sum
        assertThat(digest.finish()).isEqualTo(new Fingerprint(2, "ac62c76c1da06ee2eec4c80f8893e3ef"));
    }

    @Test
    void rowOrderMatters() {
        RowDigest ab = new RowDigest();
        ab.add("a");
        ab.add("b");
        RowDigest ba = new RowDigest();
        ba.add("b");
        ba.add("a");

        assertThat(ab.finish().digest()).isNotEqualTo(ba.finish().digest());
    }

    @Test
    void noRowsGiveAnEmptyDigestAsThePostgresQueryDoes() {
        assertThat(new RowDigest().finish()).isEqualTo(new Fingerprint(0, ""));
    }
}
