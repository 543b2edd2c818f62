package io.recstream.jobs.serde;

import io.recstream.jobs.events.DriftAlert;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Drift alerts to Kafka: key = signal, so one signal's transitions stay in order. */
public final class DriftAlertSerializer implements KafkaRecordSerializationSchema<DriftAlert> {
    private final String topic;

    public DriftAlertSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DriftAlert a, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                a.getWindowEnd(),
                a.getSignal().getBytes(StandardCharsets.UTF_8),
                JsonCodec.driftAlert(a));
    }
}
