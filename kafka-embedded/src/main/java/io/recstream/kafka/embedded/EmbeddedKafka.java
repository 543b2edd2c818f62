package io.recstream.kafka.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker running inside this JVM: one combined broker + controller node in KRaft mode,
 * with the single-replica settings that internal topics (consumer offsets, transaction state) need
 * on a one-node cluster.
 *
 * <p>Used by the embedded default ({@code recstream demo}, {@code recstream replay}) and by the
 * integration tests. It is the same broker code as a production Kafka, listening on a random
 * loopback port.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a broker with its logs in a temporary directory deleted on {@link #close()}. */
    public static EmbeddedKafka start() {
        return start(null, Map.of());
    }

    /**
     * Starts a broker.
     *
     * @param baseDirectory where the broker keeps its logs, or {@code null} for a temporary
     *     directory that is deleted on close
     * @param brokerOverrides broker settings applied on top of the defaults
     */
    public static EmbeddedKafka start(Path baseDirectory, Map<String, String> brokerOverrides) {
        Objects.requireNonNull(brokerOverrides, "brokerOverrides");
        Map<String, String> props = new LinkedHashMap<>(defaultBrokerProperties());
        props.putAll(brokerOverrides);
        try {
            TestKitNodes.Builder nodes =
                    new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1);
            if (baseDirectory != null) {
                nodes.setBaseDirectory(baseDirectory);
            }
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
            props.forEach(builder::setConfigProp);
            if (baseDirectory != null) {
                builder.setDeleteOnClose(false);
            }
            KafkaClusterTestKit cluster = builder.build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "Interrupted while starting the embedded Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the embedded Kafka broker", e);
        }
    }

    /**
     * Formats the storage directories. Kafka's formatter reports on standard output; that report
     * would land in the middle of the command-line app's own output, so it is kept and shown only
     * when formatting fails.
     */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        synchronized (EmbeddedKafka.class) {
            System.setOut(
                    new java.io.PrintStream(
                            captured, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                cluster.format();
            } catch (Exception e) {
                stdout.print(captured.toString(java.nio.charset.StandardCharsets.UTF_8));
                throw e;
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /** Broker settings for a one-node cluster that serves transactions and consumer groups. */
    public static Map<String, String> defaultBrokerProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        return props;
    }

    /** {@code host:port} of the broker's client listener. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Stops the broker (its controller keeps running), as a broker outage: clients lose their
     * connections and cannot reconnect until {@link #startBroker()}. Logs and transaction state
     * stay on disk.
     */
    public void stopBroker() {
        for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    /** Starts the broker stopped by {@link #stopBroker()} again, on the same port. */
    public void startBroker() {
        for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
            broker.startup();
        }
        try {
            cluster.waitForReadyBrokers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting the broker", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the broker did not come back", e);
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the embedded Kafka broker cleanly", e);
        }
    }
}
