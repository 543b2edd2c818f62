package io.recstream.topics;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One declared topic.
 *
 * @param name topic name
 * @param partitions number of partitions, at least 1
 * @param replicationFactor replicas per partition; empty means the broker's {@code
 *     default.replication.factor}
 * @param configs topic-level configs, as Kafka reports them
 * @param schema file name of the JSON Schema of the values, under {@code schemas/}
 * @param description what the topic carries
 */
public record TopicSpec(
        String name,
        int partitions,
        Optional<Short> replicationFactor,
        Map<String, String> configs,
        String schema,
        String description) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "topic '" + name + "': partitions must be >= 1, got " + partitions);
        }
        replicationFactor.ifPresent(
                rf -> {
                    if (rf < 1) {
                        throw new IllegalArgumentException(
                                "topic '" + name + "': replication-factor must be >= 1, got " + rf);
                    }
                });
        configs = Map.copyOf(configs);
    }

    /** The same topic with another replication factor. */
    public TopicSpec withReplicationFactor(short rf) {
        return new TopicSpec(name, partitions, Optional.of(rf), configs, schema, description);
    }
}
