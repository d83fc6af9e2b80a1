package io.tidemark.bench;

import io.tidemark.sink.json.CachedSchemaJsonConverter;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How long reading one change event takes with Kafka's {@code JsonConverter} and with Tidemark's
 * {@code CachedSchemaJsonConverter}: the workload's values are encoded once with {@code JsonConverter}, then
 * each converter reads all of them {@code passes} times in this thread (the first {@code warmup} passes are
 * not counted); the table gives the median pass. No Kafka, no database: the converter's share of a sink task.
 * Both must read the same values: the checksum column (a sum of the values' hash codes per pass) must match.
 */
final class ConverterBenchmark {

    private ConverterBenchmark() {
    }

    static void run(int events, long seed, PrintStream out) {
        WireFormat json = WireFormat.json();
        DebeziumEncoding encoding = new DebeziumEncoding(json);
        List<byte[]> values = new ArrayList<>(events);
        long bytes = 0;
        for (Workload.Change change : new Workload(events, seed)) {
            byte[] value = encoding.value(change);
            values.add(value);
            bytes += value.length;
        }
        int warmup = Integer.getInteger("warmup", 3);
        int passes = warmup + Integer.getInteger("passes", 5);
        out.printf("%,d change events as JSON with schemas, %,d bytes on average; %d passes, %d not counted%n%n",
                events, bytes / events, passes, warmup);
        out.println("| converter | ns per event, median pass | events/s, one thread | passes (ms) | checksum |");
        out.println("|---|---:|---:|---|---:|");
        Map<String, Supplier<Converter>> converters = Map.of(
                "JsonConverter", JsonConverter::new,
                "CachedSchemaJsonConverter", CachedSchemaJsonConverter::new);
        for (String name : List.of("JsonConverter", "CachedSchemaJsonConverter")) {
            Converter converter = converters.get(name).get();
            converter.configure(json.settings(), false);
            long[] nanos = new long[passes];
            // Every result is used, so the JIT cannot drop the reading.
            long checksum = 0;
            for (int pass = 0; pass < passes; pass++) {
                long started = System.nanoTime();
                for (byte[] value : values) {
                    checksum += converter.toConnectData(DebeziumEncoding.TOPIC, value).value().hashCode();
                }
                nanos[pass] = System.nanoTime() - started;
            }
            long[] counted = Arrays.copyOfRange(nanos, warmup, passes);
            long[] sorted = counted.clone();
            Arrays.sort(sorted);
            long median = sorted[sorted.length / 2];
            out.printf("| %s | %,d | %,d | %s | %d |%n", name, median / events, events * 1_000_000_000L / median,
                    Arrays.stream(counted).mapToObj(n -> Long.toString(n / 1_000_000)).toList(), checksum / passes);
        }
    }
}
