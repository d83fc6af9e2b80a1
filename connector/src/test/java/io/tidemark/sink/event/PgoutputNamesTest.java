package io.tidemark.sink.event;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgoutputNamesTest {

    private static final TableId ORDERS = new TableId(null, "orders");
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();

    private final PgoutputNames names = new PgoutputNames();
    private final Map<TableId, PgoutputNames.TargetTable> target = new HashMap<>();
    private final List<TableId> described = new ArrayList<>();
    private final PgoutputNames.Target<RuntimeException> lookup = table -> {
        described.add(table);
        return target.get(table);
    };

    /** What Debezium 3.3.1's pgoutput decoder makes of a name: each UTF-8 byte as a sign-extended char. */
    private static String garble(String real) {
        StringBuilder out = new StringBuilder();
        for (byte b : real.getBytes(StandardCharsets.UTF_8)) {
            out.append((char) b);
        }
        return out.toString();
    }

    private static Schema row(String... fields) {
        SchemaBuilder builder = SchemaBuilder.struct().optional();
        for (String f : fields) {
            builder.field(f, f.equals("id") ? Schema.INT32_SCHEMA : Schema.OPTIONAL_STRING_SCHEMA);
        }
        return builder.build();
    }

    private static ChangeEvent event(TableId table, Struct key, Struct row, Set<String> unavailable) {
        return new ChangeEvent(new TopicPartition("t", 0), 1, table, Op.UPDATE, key, row, null, unavailable);
    }

    private static ChangeEvent event(Schema rowSchema, String field, String value) {
        return event(ORDERS, new Struct(KEY).put("id", 1), new Struct(rowSchema).put("id", 1).put(field, value), Set.of());
    }

    @Test
    void garbledNameIsACandidateAndDecodesToTheRealName() {
        String garbled = garble("naïve_列");

        assertThat(garbled).isEqualTo("na\uFFC3\uFFAFve_\uFFE5\uFF88\uFF97");
        assertThat(PgoutputNames.isCandidate(garbled)).isTrue();
        assertThat(PgoutputNames.decode(garbled)).isEqualTo("naïve_列");
    }

    @Test
    void asciiAndRealNonAsciiNamesAreNoCandidates() {
        assertThat(PgoutputNames.isCandidate("MixedCase")).isFalse();
        assertThat(PgoutputNames.isCandidate("naïve_列")).isFalse();
        // a half-width form next to any other non-ASCII char cannot come from the garbling
        assertThat(PgoutputNames.isCandidate("ﾃﾞータ")).isFalse();
        assertThat(PgoutputNames.isCandidate("\uFFC3é")).isFalse();
    }

    @Test
    void bytesThatAreNotUtf8DoNotDecode() {
        assertThat(PgoutputNames.decode("price_\uFFE5")).isNull();
        assertThat(PgoutputNames.decode("\uFF83\uFF84")).isNull();
    }

    @Test
    void garbledColumnIsRenamedToTheTargetColumn() {
        target.put(ORDERS, new PgoutputNames.TargetTable(Set.of("id", "naïve_列"), List.of("id")));
        Schema garbled = row("id", garble("naïve_列"));

        ChangeEvent repaired = names.repair(event(garbled, garble("naïve_列"), "v"), false, lookup);

        assertThat(repaired.row().schema().fields()).extracting(f -> f.name()).containsExactly("id", "naïve_列");
        assertThat(repaired.row().getString("naïve_列")).isEqualTo("v");
        assertThat(repaired.key()).isEqualTo(new Struct(KEY).put("id", 1));
    }

    @Test
    void garbledColumnIsRenamedToAFieldOfAnEarlierRecord() {
        names.repair(event(row("id", "naïve_列"), "naïve_列", "snapshot"), false, lookup);

        ChangeEvent repaired = names.repair(event(row("id", garble("naïve_列")), garble("naïve_列"), "v"), false, lookup);

        assertThat(repaired.row().getString("naïve_列")).isEqualTo("v");
    }

    @Test
    void theRepairOfASchemaInstanceIsWorkedOutOnce() {
        target.put(ORDERS, new PgoutputNames.TargetTable(Set.of("id", "naïve_列"), List.of("id")));
        Schema garbled = row("id", garble("naïve_列"));

        Schema first = names.repair(event(garbled, garble("naïve_列"), "a"), false, lookup).row().schema();
        Schema second = names.repair(event(garbled, garble("naïve_列"), "b"), false, lookup).row().schema();

        assertThat(second).isSameAs(first);
        assertThat(described).containsExactly(ORDERS);
    }

    @Test
    void eventWithoutCandidatesIsReturnedAsItIs() {
        ChangeEvent event = event(row("id", "MixedCase", "naïve_列"), "MixedCase", "v");

        assertThat(names.repair(event, false, lookup)).isSameAs(event);
        assertThat(described).isEmpty();
    }

    @Test
    void unavailableColumnsAreRenamedToo() {
        target.put(ORDERS, new PgoutputNames.TargetTable(Set.of("id", "Größe"), List.of("id")));
        Schema garbled = row("id", garble("Größe"));
        Struct value = new Struct(garbled).put("id", 1).put(garble("Größe"), "__debezium_unavailable_value");

        ChangeEvent repaired = names.repair(event(ORDERS, new Struct(KEY).put("id", 1), value, Set.of(garble("Größe"))),
                false, lookup);

        assertThat(repaired.unavailable()).containsExactly("Größe");
    }

    @Test
    void candidateThatIsItselfAColumnIsKept() {
        target.put(ORDERS, new PgoutputNames.TargetTable(Set.of("id", "price_\uFFE5"), List.of("id")));
        ChangeEvent event = event(row("id", "price_\uFFE5"), "price_\uFFE5", "v");

        assertThat(names.repair(event, false, lookup).row().schema().field("price_\uFFE5")).isNotNull();
    }

    @Test
    void garbledColumnWhoseRealNameIsUnknownFailsTheRecordAndSaysWhatToDo() {
        target.put(ORDERS, new PgoutputNames.TargetTable(Set.of("id"), List.of("id")));
        ChangeEvent event = event(row("id", garble("naïve_列")), garble("naïve_列"), "v");

        assertThatThrownBy(() -> names.repair(event, false, lookup))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(garble("naïve_列"))
                .hasMessageContaining("'naïve_列'")
                .hasMessageContaining("ADD COLUMN \"naïve_列\"");
    }

    @Test
    void candidateThatIsNotUtf8AndUnknownFailsTheRecord() {
        target.put(ORDERS, new PgoutputNames.TargetTable(Set.of("id"), List.of("id")));
        ChangeEvent event = event(row("id", "price_\uFFE5"), "price_\uFFE5", "v");

        assertThatThrownBy(() -> names.repair(event, false, lookup))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("price_\uFFE5")
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void aFailedRepairIsTriedAgainOnceTheUserAddsTheColumn() {
        target.put(ORDERS, new PgoutputNames.TargetTable(Set.of("id"), List.of("id")));
        ChangeEvent event = event(row("id", garble("naïve_列")), garble("naïve_列"), "v");
        assertThatThrownBy(() -> names.repair(event, false, lookup)).isInstanceOf(DataException.class);

        target.put(ORDERS, new PgoutputNames.TargetTable(Set.of("id", "naïve_列"), List.of("id")));

        assertThat(names.repair(event, false, lookup).row().getString("naïve_列")).isEqualTo("v");
    }

    @Test
    void garbledTableNameIsRepairedToTheTargetTableAndTheMissingKeyRebuilt() {
        TableId real = new TableId(null, "Café_订单");
        target.put(real, new PgoutputNames.TargetTable(Set.of("Nº", "v"), List.of("Nº")));
        Schema garbled = row(garble("Nº"), "v");
        Struct value = new Struct(garbled).put(garble("Nº"), "7").put("v", "x");
        Struct noKey = new Struct(SchemaBuilder.struct().build());

        ChangeEvent repaired = names.repair(event(new TableId(null, garble("Café_订单")), noKey, value, Set.of()),
                true, lookup);

        assertThat(repaired.table()).isEqualTo(real);
        assertThat(repaired.key().schema().fields()).extracting(f -> f.name()).containsExactly("Nº");
        assertThat(repaired.key().get("Nº")).isEqualTo("7");
        assertThat(repaired.row().get("v")).isEqualTo("x");
    }

    @Test
    void garbledTableNameWithoutATargetTableFailsTheRecord() {
        ChangeEvent event = event(new TableId(null, garble("Café")), new Struct(KEY).put("id", 1),
                new Struct(row("id")).put("id", 1), Set.of());

        assertThatThrownBy(() -> names.repair(event, false, lookup))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("Café")
                .hasMessageContaining("create the target table");
    }
}
