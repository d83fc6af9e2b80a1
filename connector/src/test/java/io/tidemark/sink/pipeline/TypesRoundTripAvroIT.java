package io.tidemark.sink.pipeline;

import io.tidemark.testkit.ConnectWorld;
import io.tidemark.testkit.SchemaRegistry;
import io.tidemark.testkit.Sql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The every-type pipeline of {@link TypesRoundTripIT} with Avro in Confluent wire format through a real
 * schema registry (Apicurio's Confluent-compatible API) on both sides: the same target state as with
 * JSON, plus the NaN and infinite floats JSON cannot carry. Avro brings its own shapes: bytes as
 * ByteBuffer, optional fields as unions, Debezium temporal types as plain named ints and longs.
 */
class TypesRoundTripAvroIT {

    private static SchemaRegistry registry;
    private static ConnectWorld connect;

    @BeforeAll
    static void start() throws Exception {
        Optional<SchemaRegistry> started = SchemaRegistry.start();
        assumeTrue(started.isPresent(), "Apicurio Registry distribution absent or not starting; see "
                + SchemaRegistry.logFile());
        registry = started.get();
        // The Apicurio converter ships no ServiceLoader manifest; let the worker load it with a warning.
        connect = ConnectWorld.start("avro", 1, Map.of("plugin.discovery", "hybrid_warn"));
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static Map<String, String> avroConverters() {
        Map<String, String> config = new LinkedHashMap<>();
        for (String side : List.of("key", "value")) {
            config.put(side + ".converter", "io.apicurio.registry.utils.converter.AvroConverter");
            config.put(side + ".converter.apicurio.registry.url", registry.registryUrl());
            config.put(side + ".converter.apicurio.registry.auto-register", "true");
            config.put(side + ".converter.apicurio.registry.as-confluent", "true");
            config.put(side + ".converter.apicurio.registry.use-id", "contentId");
            config.put(side + ".converter.apicurio.registry.headers.enabled", "false");
        }
        return config;
    }

    @Test
    void everyCommonTypeRoundTripsThroughAvroAndTheRegistry() throws Exception {
        TypesRoundTripIT.Replica replica = TypesRoundTripIT.replicate(connect, "avrotypes", Map.of("decimal.handling.mode", "precise"),
                avroConverters(), "(4, NULL, NULL, NULL, NULL, NULL, 'NaN', '-Infinity', NULL, NULL, NULL, NULL, NULL,"
                        + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        assertThat(TypesRoundTripIT.columnTypes(replica.target())).contains("numeric(14,4)", "json", "integer[]", "bytea");
        assertThat(Sql.queryAsText(replica.target(), "SELECT c_real, c_double FROM every_type WHERE id = 4"))
                .containsExactly(List.of("NaN", "-Infinity"));
        // The records really went through the registry in Confluent wire format.
        assertThat(registry.versionCount(replica.topic() + "-value")).isPositive();
    }
}
