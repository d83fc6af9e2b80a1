package io.tidemark.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Writes the workload to a one-partition topic once, before any contender runs, so all of them read
 * the same bytes. One partition keeps a total order, which makes the workload's last row a reliable
 * "everything applied" marker. A delete is followed by a tombstone, as Debezium emits by default.
 */
final class TopicLoader {

    private TopicLoader() {
    }

    /** Returns the number of Kafka records written (change events plus tombstones). */
    static long load(String bootstrapServers, Workload workload, WireFormat format) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(DebeziumEncoding.TOPIC, 1, (short) 1))).all().get();
        }
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
                producer.send(new ProducerRecord<>(DebeziumEncoding.TOPIC, key, encoding.value(change)));
                records++;
                if (change.op() == Workload.Op.DELETE) {
                    producer.send(new ProducerRecord<>(DebeziumEncoding.TOPIC, key, null));
                    records++;
                }
            }
            producer.flush();
        }
        return records;
    }
}
