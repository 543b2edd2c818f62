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
    private final SelfSignedTls tls;

    private EmbeddedKafka(KafkaClusterTestKit cluster, SelfSignedTls tls) {
        this.cluster = cluster;
        this.tls = tls;
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
        return start(baseDirectory, brokerOverrides, null, null);
    }

    /**
     * Starts a broker whose client listener requires SASL/SCRAM-SHA-256 authentication
     * (SASL_PLAINTEXT). The users and their passwords are written into the cluster's metadata when
     * it is formatted, as {@code kafka-storage format --add-scram} does; the broker talks to itself
     * as the first of them.
     *
     * @param users user name to password; the first is the broker's own
     */
    public static EmbeddedKafka startWithScram(Map<String, String> users) {
        return startScram(users, null);
    }

    /**
     * Starts a broker whose client listener requires TLS and SASL/SCRAM-SHA-256 (SASL_SSL), with a
     * self-signed certificate for {@code localhost} made in {@code certificateDirectory}. Clients
     * trust it through {@link #clientSecurityProperties}.
     *
     * @param users user name to password; the first is the broker's own
     */
    public static EmbeddedKafka startWithScramOverTls(
            Map<String, String> users, Path certificateDirectory) {
        return startScram(users, SelfSignedTls.create(certificateDirectory));
    }

    private static EmbeddedKafka startScram(Map<String, String> users, SelfSignedTls tls) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("at least one SCRAM user (the broker's own)");
        }
        Map.Entry<String, String> broker = users.entrySet().iterator().next();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("sasl.enabled.mechanisms", SCRAM);
        props.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        // The test kit runs an authorizer once the client listener is secured: the controller
        // listener (PLAINTEXT, principal ANONYMOUS) and the broker itself act for the cluster;
        // any authenticated user may do the rest.
        props.put("super.users", "User:ANONYMOUS;User:" + broker.getKey());
        props.put("allow.everyone.if.no.acl.found", "true");
        props.put(
                "listener.name."
                        + CLIENT_LISTENER.toLowerCase(java.util.Locale.ROOT)
                        + ".scram-sha-256.sasl.jaas.config",
                scramJaas(broker.getKey(), broker.getValue()));
        if (tls != null) {
            props.putAll(tls.brokerProperties(CLIENT_LISTENER));
        }
        return start(null, props, users, tls);
    }

    /**
     * The client settings that authenticate as {@code user} with SCRAM-SHA-256 on a broker started
     * by {@link #startWithScram} or {@link #startWithScramOverTls}; over TLS they include the trust
     * store that trusts the broker's certificate.
     */
    public Map<String, String> clientSecurityProperties(String user, String password) {
        Map<String, String> p = new LinkedHashMap<>(scramClientProperties(user, password));
        if (tls != null) {
            p.put("security.protocol", "SASL_SSL");
            p.putAll(tls.clientProperties());
        }
        return p;
    }

    /** The self-signed certificate's stores of a broker started over TLS, else {@code null}. */
    public SelfSignedTls tls() {
        return tls;
    }

    /** The client settings that authenticate as {@code user} with SCRAM-SHA-256. */
    private static Map<String, String> scramClientProperties(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                SCRAM,
                "sasl.jaas.config",
                scramJaas(user, password));
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user
                + "\" password=\""
                + password
                + "\";";
    }

    private static final String SCRAM = "SCRAM-SHA-256";
    private static final String CLIENT_LISTENER = "EXTERNAL";

    private static org.apache.kafka.metadata.bootstrap.BootstrapMetadata withScramUsers(
            Map<String, String> users) throws java.security.NoSuchAlgorithmException {
        org.apache.kafka.metadata.bootstrap.BootstrapMetadata base =
                org.apache.kafka.metadata.bootstrap.BootstrapMetadata.fromVersion(
                        org.apache.kafka.server.common.MetadataVersion.latestProduction(),
                        "recstream");
        java.util.List<org.apache.kafka.server.common.ApiMessageAndVersion> records =
                new java.util.ArrayList<>(base.records());
        org.apache.kafka.common.security.scram.internals.ScramMechanism mechanism =
                org.apache.kafka.common.security.scram.internals.ScramMechanism.SCRAM_SHA_256;
        org.apache.kafka.common.security.scram.internals.ScramFormatter formatter =
                new org.apache.kafka.common.security.scram.internals.ScramFormatter(mechanism);
        for (Map.Entry<String, String> user : users.entrySet()) {
            org.apache.kafka.common.security.scram.ScramCredential c =
                    formatter.generateCredential(user.getValue(), 4096);
            records.add(
                    new org.apache.kafka.server.common.ApiMessageAndVersion(
                            new org.apache.kafka.common.metadata.UserScramCredentialRecord()
                                    .setName(user.getKey())
                                    .setMechanism(mechanism.type())
                                    .setSalt(c.salt())
                                    .setStoredKey(c.storedKey())
                                    .setServerKey(c.serverKey())
                                    .setIterations(c.iterations()),
                            (short) 0));
        }
        return org.apache.kafka.metadata.bootstrap.BootstrapMetadata.fromRecords(
                records, "recstream");
    }

    private static EmbeddedKafka start(
            Path baseDirectory,
            Map<String, String> brokerOverrides,
            Map<String, String> scramUsers,
            SelfSignedTls tls) {
        Objects.requireNonNull(brokerOverrides, "brokerOverrides");
        Map<String, String> props = new LinkedHashMap<>(defaultBrokerProperties());
        props.putAll(brokerOverrides);
        try {
            TestKitNodes.Builder nodes =
                    (scramUsers == null
                                    ? new TestKitNodes.Builder()
                                    : new TestKitNodes.Builder(withScramUsers(scramUsers))
                                            .setBrokerListenerName(
                                                    new org.apache.kafka.common.network
                                                            .ListenerName(CLIENT_LISTENER))
                                            .setBrokerSecurityProtocol(
                                                    org.apache.kafka.common.security.auth
                                                            .SecurityProtocol.SASL_PLAINTEXT))
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1);
            if (baseDirectory != null) {
                nodes.setBaseDirectory(baseDirectory);
            }
            TestKitNodes built = nodes.build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(built);
            props.forEach(builder::setConfigProp);
            if (tls != null) {
                // The test kit lays out SASL_PLAINTEXT listeners only; the protocol map it
                // defaults is replaced so that the client listener speaks TLS.
                builder.setConfigProp(
                        "listener.security.protocol.map",
                        CLIENT_LISTENER
                                + ":SASL_SSL,"
                                + built.controllerListenerName().value()
                                + ":"
                                + built.controllerListenerProtocol().name);
            }
            if (baseDirectory != null) {
                builder.setDeleteOnClose(false);
            }
            KafkaClusterTestKit cluster = builder.build();
            formatQuietly(cluster);
            try {
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
                // the broker's own account of why it stopped, rather than a cancelled future
                Throwable fault = cluster.fatalFaultHandler().firstException();
                if (fault == null) {
                    fault = cluster.nonFatalFaultHandler().firstException();
                }
                cluster.close();
                if (fault != null) {
                    throw new IllegalStateException(
                            "Could not start the embedded Kafka broker: " + fault.getMessage(),
                            fault);
                }
                throw e;
            }
            return new EmbeddedKafka(cluster, tls);
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
