package io.recstream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Kafka client settings from the command line. */
public final class KafkaClients {
    private KafkaClients() {}

    /** Bootstrap servers plus an optional client properties file (security settings). */
    static Properties properties(String bootstrapServers, Path commandConfig) {
        Properties p = new Properties();
        if (commandConfig != null) {
            try (InputStream in = Files.newInputStream(commandConfig)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--command-config "
                                + commandConfig
                                + ": cannot be read: "
                                + e.getMessage());
            }
        }
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }

    /**
     * Producer settings on top of {@code client} that neither lose nor duplicate a record ({@code
     * acks=all}, idempotence), batching for {@code lingerMs}, with batches of up to {@code
     * batchBytes} (0: Kafka's default).
     */
    public static Properties producerProperties(Properties client, int lingerMs, int batchBytes) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", Integer.toString(lingerMs));
        if (batchBytes > 0) {
            p.put("batch.size", Integer.toString(batchBytes));
        }
        return p;
    }

    /** A byte producer with {@link #producerProperties}. */
    public static org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer(
            Properties client, int lingerMs, int batchBytes) {
        return new org.apache.kafka.clients.producer.KafkaProducer<>(
                producerProperties(client, lingerMs, batchBytes),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }
}
