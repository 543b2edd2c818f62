package io.recstream.jobs.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing and read_committed reading for the integration tests. */
public final class KafkaTestUtils {
    private KafkaTestUtils() {}

    /** Sends every record and waits for each acknowledgement; any failed send fails the test. */
    public static List<RecordMetadata> produce(
            String bootstrap, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        return produce(bootstrap, records, java.util.Map.of());
    }

    /** {@link #produce(String, List)} with producer settings on top of the defaults. */
    public static List<RecordMetadata> produce(
            String bootstrap,
            List<ProducerRecord<byte[], byte[]>> records,
            java.util.Map<String, String> settings)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        p.putAll(settings);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                futures.add(producer.send(r));
            }
            producer.flush();
            List<RecordMetadata> out = new ArrayList<>();
            for (Future<RecordMetadata> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    /**
     * Reads a topic from the beginning with isolation.level=read_committed until {@code expected}
     * records arrived (or {@code timeout} passed), then keeps reading for {@code settle} to catch
     * duplicates that would arrive later.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String bootstrap, String topic, int expected, Duration timeout, Duration settle) {
        long[] settleUntil = {Long.MAX_VALUE};
        return readCommittedUntil(
                bootstrap,
                topic,
                records -> {
                    if (records.size() >= expected && settleUntil[0] == Long.MAX_VALUE) {
                        settleUntil[0] = System.nanoTime() + settle.toNanos();
                    }
                    return System.nanoTime() >= settleUntil[0];
                },
                timeout);
    }

    /** Creates topics and waits until every partition's leader serves it. */
    public static void createTopics(String bootstrap, int partitions, String... topics)
            throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(
                        java.util.Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(
                            java.util.Arrays.stream(topics)
                                    .map(
                                            t ->
                                                    new org.apache.kafka.clients.admin.NewTopic(
                                                            t, partitions, (short) 1))
                                    .toList())
                    .all()
                    .get();
            new io.recstream.topics.TopicApplier(admin, Duration.ofSeconds(30))
                    .awaitLeaders(List.of(topics));
        }
    }

    /**
     * The recommendations on {@code topic}, read_committed, once {@code expected} of them are there
     * (at most two minutes); fails the test if there are not exactly that many.
     */
    public static List<io.recstream.jobs.events.Recommendation> readRecommendations(
            String bootstrap, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records =
                readCommittedUntil(
                        bootstrap, topic, r -> r.size() >= expected, Duration.ofMinutes(2));
        org.assertj.core.api.Assertions.assertThat(records).hasSize(expected);
        List<io.recstream.jobs.events.Recommendation> recs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            recs.add(io.recstream.jobs.serde.JsonCodec.readRecommendation(r.value()));
        }
        return recs;
    }

    /**
     * Reads a topic read_committed from the beginning until {@code done} holds for what was read,
     * or {@code timeout} passes; returns what was read.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommittedUntil(
            String bootstrap,
            String topic,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout) {
        return readCommittedUntil(Map.of("bootstrap.servers", bootstrap), topic, done, timeout);
    }

    /**
     * {@link #readCommittedUntil(String, String, java.util.function.Predicate, Duration)} with the
     * given client settings (a secured cluster's, for example).
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommittedUntil(
            Map<String, ?> clientProperties,
            String topic,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(out)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
