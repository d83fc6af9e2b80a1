package io.tidemark.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.storage.Converter;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each change event reached Kafka: the topic is created with {@code message.timestamp.type=LogAppendTime},
 * so a record's timestamp is the broker's append time. Reading the topic back after a latency run splits the
 * delay into the source connector's part (commit to Kafka) and the sink's (Kafka to visible).
 */
final class KafkaArrivals {

    /** Append times in epoch milliseconds: of each upsert by its {@code version}, of each delete by its row id. */
    record Arrivals(Map<Long, Long> upsertsByVersion, Map<Long, Long> deletesById) {
    }

    private KafkaArrivals() {
    }

    static Map<String, String> topicConfig() {
        return Map.of("message.timestamp.type", "LogAppendTime");
    }

    static Arrivals read(String bootstrapServers, String topic, WireFormat format) {
        Converter converter = format.converter(false);
        Map<Long, Long> upserts = new HashMap<>();
        Map<Long, Long> deletes = new HashMap<>();
        TopicPartition partition = new TopicPartition(topic, 0);
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (record.value() == null) {
                        continue;
                    }
                    SchemaAndValue data = converter.toConnectData(topic, record.value());
                    Struct envelope = (Struct) data.value();
                    if ("d".equals(envelope.getString("op"))) {
                        deletes.put(envelope.getStruct("before").getInt64("id"), record.timestamp());
                    } else {
                        upserts.put(envelope.getStruct("after").getInt64("version"), record.timestamp());
                    }
                }
            }
        }
        return new Arrivals(upserts, deletes);
    }
}
