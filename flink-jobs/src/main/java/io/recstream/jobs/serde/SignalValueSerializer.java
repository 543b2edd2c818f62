package io.recstream.jobs.serde;

import io.recstream.jobs.events.SignalValue;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Signal values to Kafka: key = signal name, value = JSON. */
public final class SignalValueSerializer implements KafkaRecordSerializationSchema<SignalValue> {
    private final String topic;

    public SignalValueSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            SignalValue v, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                v.getWindowEnd(),
                v.getSignal().getBytes(StandardCharsets.UTF_8),
                JsonCodec.signalValue(v));
    }
}
