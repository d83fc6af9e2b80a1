package io.tidemark.bench;

import io.tidemark.sink.json.CachedSchemaJsonConverter;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How long reading and writing one change event take with Kafka's {@code JsonConverter} and with Tidemark's
 * {@code CachedSchemaJsonConverter}: the workload's values are encoded once with {@code JsonConverter} (and
 * read back once, for the writes), then each converter reads, or writes, all of them {@code passes} times in
 * this thread (the first {@code warmup} passes are not counted); the table gives the median pass. No Kafka,
 * no database: the converter's share of a sink task (reading) and of Debezium's source task (writing).
 * Both converters must produce the same: the checksum column sums the results' hash codes per pass.
 */
final class ConverterBenchmark {

    private ConverterBenchmark() {
    }

    static void run(int events, long seed, PrintStream out) {
        WireFormat json = WireFormat.json();
        DebeziumEncoding encoding = new DebeziumEncoding(json);
        Converter reference = json.converter(false);
        List<byte[]> messages = new ArrayList<>(events);
        List<SchemaAndValue> values = new ArrayList<>(events);
        long bytes = 0;
        for (Workload.Change change : new Workload(events, seed)) {
            byte[] message = encoding.value(change);
            messages.add(message);
            values.add(reference.toConnectData(DebeziumEncoding.TOPIC, message));
            bytes += message.length;
        }
        int warmup = Integer.getInteger("warmup", 3);
        int passes = warmup + Integer.getInteger("passes", 5);
        out.printf("%,d change events as JSON with schemas, %,d bytes on average; %d passes, %d not counted%n%n",
                events, bytes / events, passes, warmup);
        out.println("| converter | work | ns per event, median pass | events/s, one thread | passes (ms) | checksum |");
        out.println("|---|---|---:|---:|---|---:|");
        for (Converter converter : List.of(new JsonConverter(), new CachedSchemaJsonConverter())) {
            converter.configure(json.settings(), false);
            String name = converter.getClass().getSimpleName();
            time(out, name, "read", events, warmup, passes,
                    () -> messages.stream().mapToLong(m -> converter.toConnectData(DebeziumEncoding.TOPIC, m).value().hashCode()).sum());
            time(out, name, "write", events, warmup, passes,
                    () -> values.stream().mapToLong(v -> Arrays.hashCode(converter.fromConnectData(DebeziumEncoding.TOPIC, v.schema(), v.value()))).sum());
        }
    }

    /** Every result feeds the checksum, so the JIT cannot drop the work. */
    private static void time(PrintStream out, String converter, String work, int events, int warmup, int passes,
                             LongSupplier pass) {
        long[] nanos = new long[passes];
        long checksum = 0;
        for (int i = 0; i < passes; i++) {
            long started = System.nanoTime();
            checksum += pass.getAsLong();
            nanos[i] = System.nanoTime() - started;
        }
        long[] counted = Arrays.copyOfRange(nanos, warmup, passes);
        long[] sorted = counted.clone();
        Arrays.sort(sorted);
        long median = sorted[sorted.length / 2];
        out.printf("| %s | %s | %,d | %,d | %s | %d |%n", converter, work, median / events,
                events * 1_000_000_000L / median,
                Arrays.stream(counted).mapToObj(n -> Long.toString(n / 1_000_000)).toList(), checksum / passes);
    }
}
