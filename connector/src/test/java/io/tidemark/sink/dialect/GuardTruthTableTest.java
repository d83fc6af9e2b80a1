package io.tidemark.sink.dialect;

import io.tidemark.sink.position.PostgresSourcePosition;
import io.tidemark.sink.position.ReadKind;
import io.tidemark.sink.position.RowVersion;
import io.tidemark.sink.position.RowVersions;
import io.tidemark.sink.position.SourcePosition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java statement of the guard ({@link RowVersions}, which the batch reduction uses) against the truth table. */
class GuardTruthTableTest {

    static final List<GuardTruthTable.Case> CASES = GuardTruthTable.cases();

    private static RowVersion version(Long value) {
        return value == null ? null : RowVersion.of(value);
    }

    private static SourcePosition position(GuardTruthTable.Case c) {
        ReadKind kind = switch (c.incoming()) {
            case STREAMED, STREAMED_TOAST, DELETE -> ReadKind.STREAMED;
            case SNAPSHOT -> ReadKind.SNAPSHOT;
            case INCREMENTAL -> ReadKind.INCREMENTAL;
        };
        return new PostgresSourcePosition("shop", c.version(), null, null, null, kind, false);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void rowVersionsFollowTheTruthTable(GuardTruthTable.Case c) {
        RowVersions.Stored stored = new RowVersions.Stored(version(c.stored().streamed()), version(c.stored().snapshot()));
        boolean applies = RowVersions.supersedes(position(c), stored);
        assertThat(applies).isEqualTo(c.applies());
        RowVersions.Stored after = applies ? RowVersions.after(stored, position(c)) : stored;
        assertThat(after).isEqualTo(new RowVersions.Stored(version(c.after().streamed()), version(c.after().snapshot())));
    }
}
