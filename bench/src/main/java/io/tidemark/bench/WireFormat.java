package io.tidemark.bench;

import io.apicurio.registry.utils.converter.AvroConverter;
import io.tidemark.sink.json.CachedSchemaJsonConverter;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How the change events are serialised on the topic. The producer side and both sinks use the same
 * converter class with the same settings, so every contender decodes identical bytes the same way.
 */
record WireFormat(String name, String converterClass, Supplier<Converter> factory, Map<String, String> settings) {

    static WireFormat json() {
        return new WireFormat("JSON with schemas", JsonConverter.class.getName(), JsonConverter::new,
                Map.of("schemas.enable", "true"));
    }

    /**
     * The same bytes as {@link #json()}, through Tidemark's {@code CachedSchemaJsonConverter}, which writes
     * {@code JsonConverter}'s bytes and reads them to the same Connect data without re-parsing each schema.
     */
    static WireFormat jsonCached() {
        return new WireFormat("JSON with schemas, through CachedSchemaJsonConverter",
                CachedSchemaJsonConverter.class.getName(), CachedSchemaJsonConverter::new, Map.of("schemas.enable", "true"));
    }

    /** Avro in Confluent's wire format (magic byte + schema id) through Apicurio's converter and registry. */
    static WireFormat avro(String registryUrl) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("apicurio.registry.url", registryUrl);
        settings.put("apicurio.registry.auto-register", "true");
        settings.put("apicurio.registry.as-confluent", "true");
        settings.put("apicurio.registry.use-id", "contentId");
        settings.put("apicurio.registry.headers.enabled", "false");
        return new WireFormat("Avro (Apicurio registry, Confluent wire format)", AvroConverter.class.getName(),
                AvroConverter::new, settings);
    }

    Converter converter(boolean isKey) {
        Converter converter = factory.get();
        converter.configure(settings, isKey);
        return converter;
    }

    /** The {@code key.converter*} and {@code value.converter*} entries of a connector config. */
    Map<String, String> connectorConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        for (String side : new String[] {"key", "value"}) {
            config.put(side + ".converter", converterClass);
            settings.forEach((k, v) -> config.put(side + ".converter." + k, v));
        }
        return config;
    }
}
