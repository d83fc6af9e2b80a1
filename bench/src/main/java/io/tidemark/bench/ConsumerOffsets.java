package io.tidemark.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** The offsets a consumer group has committed on the benchmark topic, read with an admin client. */
final class ConsumerOffsets {

    private ConsumerOffsets() {
    }

    static Map<Integer, Long> committed(String bootstrapServers, String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            Map<Integer, Long> byPartition = new HashMap<>();
            offsets.forEach((partition, offset) -> {
                if (partition.topic().equals(DebeziumEncoding.TOPIC) && offset != null) {
                    byPartition.put(partition.partition(), offset.offset());
                }
            });
            return byPartition;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the offsets of consumer group " + group, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the offsets of consumer group " + group, e);
        }
    }
}
