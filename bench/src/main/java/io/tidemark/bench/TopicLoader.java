package io.tidemark.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Writes the workload to a topic once, before any contender runs, so all of them read the same bytes: one partition
 * by default, or {@code partitions}, each record in the partition of its key as Kafka's default partitioner picks it
 * (murmur2 of the key bytes), so every key's changes stay in order in one partition. A delete is followed by a
 * tombstone, as Debezium emits by default. Records the {@link WorkloadEnd} of every partition on the way.
 */
final class TopicLoader {

    private TopicLoader() {
    }

    /** What was produced: Kafka records (change events plus tombstones), and when a sink has applied them all. */
    record Loaded(long records, WorkloadEnd end) {
    }

    static Loaded load(String bootstrapServers, Workload workload, WireFormat format, int partitions)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(DebeziumEncoding.TOPIC, partitions, (short) 1))).all().get();
        }
        WorkloadEnd.Builder end = new WorkloadEnd.Builder(partitions);
        DebeziumEncoding encoding = new DebeziumEncoding(format);
        long records = 0;
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                // The schema part repeats in every message; compression keeps the log small.
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (Workload.Change change : workload) {
                byte[] key = encoding.key(change);
                int partition = partition(key, partitions);
                end.add(partition, change);
                producer.send(new ProducerRecord<>(DebeziumEncoding.TOPIC, partition, key, encoding.value(change)));
                records++;
                if (change.op() == Workload.Op.DELETE) {
                    producer.send(new ProducerRecord<>(DebeziumEncoding.TOPIC, partition, key, null));
                    records++;
                }
            }
            producer.flush();
        }
        return new Loaded(records, end.build());
    }

    /** Kafka's default partitioner's choice for a keyed record, named here so the end markers use the same. */
    static int partition(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
