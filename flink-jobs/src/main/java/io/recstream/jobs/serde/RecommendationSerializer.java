package io.recstream.jobs.serde;

import io.recstream.jobs.events.Recommendation;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Recommendations to Kafka: key = request key, value = JSON, timestamp = emit time. */
public final class RecommendationSerializer
        implements KafkaRecordSerializationSchema<Recommendation> {
    private final String topic;

    public RecommendationSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Recommendation r, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                r.getEmitTime(),
                r.getRequestKey().getBytes(StandardCharsets.UTF_8),
                JsonCodec.recommendation(r));
    }
}
