package io.tidemark.sink.schema;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerSchemaTest {

    private final List<Schema> lookups = new ArrayList<>();
    private final PerSchema<String> names = new PerSchema<>(schema -> {
        lookups.add(schema);
        if (schema.field("bad") != null) {
            throw new IllegalArgumentException("bad schema");
        }
        return schema.name();
    });

    private static Schema schema(String name, String field) {
        return SchemaBuilder.struct().name(name).field(field, Schema.STRING_SCHEMA).build();
    }

    @Test
    void looksUpOncePerRunOfTheSameSchemaInstance() {
        Schema a = schema("a", "x");
        Schema b = schema("b", "x");

        assertThat(List.of(names.of(a), names.of(a), names.of(b), names.of(b), names.of(a)))
                .containsExactly("a", "a", "b", "b", "a");
        assertThat(lookups).containsExactly(a, b, a);
    }

    @Test
    void anEqualButDistinctInstanceIsLookedUpAgain() {
        names.of(schema("a", "x"));
        names.of(schema("a", "x"));

        assertThat(lookups).hasSize(2);
    }

    @Test
    void aLookupThatThrowsIsNotRememberedAndKeepsTheEarlierSchema() {
        Schema bad = schema("b", "bad");
        Schema good = schema("a", "x");
        names.of(good);

        assertThatThrownBy(() -> names.of(bad)).hasMessage("bad schema");
        assertThatThrownBy(() -> names.of(bad)).hasMessage("bad schema");
        assertThat(names.of(good)).isEqualTo("a");
        assertThat(lookups).containsExactly(good, bad, bad);
    }
}
