package io.recstream.cli;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning as any downstream consumer would: isolation.level =
 * read_committed, so only records of committed transactions are seen. Runs on its own thread.
 */
final class CommittedReader implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong count = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable error;

    CommittedReader(
            Properties clientProperties,
            String topic,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        thread =
                new Thread(
                        () -> {
                            try (KafkaConsumer<byte[], byte[]> consumer =
                                    new KafkaConsumer<>(
                                            p,
                                            new ByteArrayDeserializer(),
                                            new ByteArrayDeserializer())) {
                                List<TopicPartition> partitions =
                                        consumer.partitionsFor(topic).stream()
                                                .map(i -> new TopicPartition(topic, i.partition()))
                                                .toList();
                                consumer.assign(partitions);
                                consumer.seekToBeginning(partitions);
                                while (running) {
                                    for (ConsumerRecord<byte[], byte[]> r :
                                            consumer.poll(Duration.ofMillis(200))) {
                                        handler.accept(r);
                                        count.incrementAndGet();
                                    }
                                }
                            } catch (Throwable t) {
                                error = t;
                            }
                        },
                        "read-committed-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    long count() {
        if (error != null) {
            throw new IllegalStateException("reading failed: " + error.getMessage(), error);
        }
        return count.get();
    }

    /** Waits until {@code expected} records were read or {@code timeout} passed. */
    boolean awaitCount(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return count() >= expected;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
