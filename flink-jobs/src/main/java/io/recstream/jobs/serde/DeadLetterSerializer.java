package io.recstream.jobs.serde;

import io.recstream.jobs.events.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Dead letters to Kafka: key = {@code topic/partition/offset} of the source record. */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter d, KafkaSinkContext context, Long timestamp) {
        String key = d.getSourceTopic() + "/" + d.getSourcePartition() + "/" + d.getSourceOffset();
        return new ProducerRecord<>(
                topic, null, null, key.getBytes(StandardCharsets.UTF_8), JsonCodec.deadLetter(d));
    }
}
