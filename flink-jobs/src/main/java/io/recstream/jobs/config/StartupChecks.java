package io.recstream.jobs.config;

import io.recstream.model.ModelBundle;
import io.recstream.model.OnnxScorer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.fs.FileSystem;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks made before a job is submitted, so that a setting that would fail later, lose output or
 * fence another job fails at once with a message naming the option and the fix:
 *
 * <ul>
 *   <li>the model bundle (recommend job): its ONNX model loads, matches the vocabulary and the
 *       card, and gives finite scores;
 *   <li>checkpoint storage: a usable {@code --checkpoint-storage} URI, and (on a cluster) some
 *       durable storage at all;
 *   <li>the Kafka cluster: reachable with the given credentials;
 *   <li>{@code --transaction-timeout} at most the brokers' {@code transaction.max.timeout.ms} (else
 *       every transactional producer fails on its first transaction);
 *   <li>{@code --transactional-id-prefix} not in use by another running job (two jobs with one
 *       prefix fence each other's producers and abort each other's output).
 * </ul>
 *
 * The checkpoint interval against the transaction timeout is checked with the other options, in
 * {@link KafkaJobConfig}.
 */
public final class StartupChecks {

    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private StartupChecks() {}

    /**
     * Runs every check.
     *
     * @param clusterConfig the configuration the job will be submitted with (the cluster's
     *     config.yaml on {@code flink run})
     * @param requireDurableStorage whether checkpoints kept in the JobManager's memory are an error
     *     (on a cluster: yes; in the embedded single-JVM default: no)
     * @param sinkNames the job's Kafka sinks, each writing with transactional ids {@code
     *     <prefix>-<sink name>-...}
     */
    public static void verify(
            KafkaJobConfig config,
            ReadableConfig clusterConfig,
            boolean requireDurableStorage,
            Set<String> sinkNames) {
        checkpointStorage(config, clusterConfig, requireDurableStorage);
        if (config instanceof RecommendJobConfig) {
            model(config.model);
        }
        kafka(config, sinkNames);
    }

    /**
     * Opens the bundle's ONNX model as the scorer will and scores test users with it (see {@link
     * OnnxScorer}): a corrupt model file, one for another vocabulary or version, or one giving NaN
     * scores fails here, naming the file, instead of in every TaskManager after submission. The
     * bundle's other files were checked when the options were read.
     */
    static void model(String directory) {
        ModelBundle bundle = ModelBundle.load(Path.of(directory));
        try (OnnxScorer scorer = new OnnxScorer(bundle, 1)) {
            LOG.info("Model {} version {} checked", directory, scorer.version());
        }
    }

    static void checkpointStorage(
            KafkaJobConfig config, ReadableConfig clusterConfig, boolean requireDurableStorage) {
        if (config.checkpointStorage == null) {
            boolean clusterHasStorage =
                    clusterConfig
                                    .getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                                    .isPresent()
                            || clusterConfig
                                    .getOptional(CheckpointingOptions.CHECKPOINT_STORAGE)
                                    .isPresent();
            if (requireDurableStorage && !clusterHasStorage) {
                throw new IllegalArgumentException(
                        "no checkpoint storage: pass --checkpoint-storage with a directory every"
                                + " Flink process can reach (file:///shared/path, s3://bucket/path),"
                                + " or set execution.checkpointing.dir in the cluster's config.yaml."
                                + " Without it, checkpoints live in the JobManager's memory: lost"
                                + " with it, and too small for the user state");
            }
            return;
        }
        URI uri;
        try {
            uri = new URI(config.checkpointStorage);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(
                    "--checkpoint-storage '"
                            + config.checkpointStorage
                            + "' is not a URI: "
                            + e.getMessage(),
                    e);
        }
        if (uri.getScheme() == null) {
            throw new IllegalArgumentException(
                    "--checkpoint-storage '"
                            + config.checkpointStorage
                            + "' has no scheme: write file:///absolute/path or s3://bucket/path");
        }
        try {
            FileSystem.get(uri);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--checkpoint-storage "
                            + config.checkpointStorage
                            + ": no file system for scheme '"
                            + uri.getScheme()
                            + "' ("
                            + e.getMessage()
                            + "); put its Flink file system plugin in the cluster's plugins/"
                            + " directory",
                    e);
        }
        if ("file".equals(uri.getScheme())) {
            Path dir = Path.of(uri);
            if (Files.exists(dir) && (!Files.isDirectory(dir) || !Files.isWritable(dir))) {
                throw new IllegalArgumentException(
                        "--checkpoint-storage "
                                + config.checkpointStorage
                                + " is not a writable directory");
            }
        }
    }

    static void kafka(KafkaJobConfig config, Set<String> sinkNames) {
        Properties props = config.kafkaClientProperties();
        props.setProperty(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(KAFKA_TIMEOUT.toMillis()));
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, config.groupId + "-startup-checks");
        try (Admin admin = Admin.create(props)) {
            List<Node> brokers;
            try {
                brokers = List.copyOf(call(config, admin.describeCluster().nodes()));
            } catch (NotPermitted e) {
                brokers = List.of();
            }
            if (config.exactlyOnce) {
                transactionTimeout(config, admin, brokers);
                prefixNotInUse(config, admin, sinkNames);
            }
        }
    }

    private static void transactionTimeout(KafkaJobConfig config, Admin admin, List<Node> brokers) {
        if (brokers.isEmpty()) {
            return;
        }
        ConfigResource broker =
                new ConfigResource(ConfigResource.Type.BROKER, brokers.get(0).idString());
        Map<ConfigResource, Config> configs;
        try {
            configs = call(config, admin.describeConfigs(List.of(broker)).all());
        } catch (NotPermitted e) {
            LOG.warn(
                    "Not permitted to read the brokers' transaction.max.timeout.ms; --transaction-timeout {} is not checked against it",
                    config.transactionTimeout);
            return;
        }
        ConfigEntry max = configs.get(broker).get("transaction.max.timeout.ms");
        if (max == null || max.value() == null) {
            return;
        }
        Duration limit = Duration.ofMillis(Long.parseLong(max.value()));
        if (config.transactionTimeout.compareTo(limit) > 0) {
            throw new IllegalArgumentException(
                    "--transaction-timeout "
                            + Options.format(config.transactionTimeout)
                            + " is above the brokers' transaction.max.timeout.ms ("
                            + Options.format(limit)
                            + "): every transaction would be refused. Lower --transaction-timeout"
                            + " (it must stay at least twice --checkpoint-interval) or raise"
                            + " transaction.max.timeout.ms on the brokers");
        }
    }

    /**
     * Another running job with our prefix shows as open transactions under it: ones of a sink this
     * job does not have, or new ones opening while we watch (a live exactly-once job opens one per
     * sink and subtask every checkpoint while it has input). Open transactions that stay the same
     * are a stopped job's, which this job's sinks abort when they start. A running job with no
     * input opens no transactions and cannot be told from a stopped one.
     */
    private static void prefixNotInUse(KafkaJobConfig config, Admin admin, Set<String> sinkNames) {
        Set<String> before;
        try {
            before = openTransactions(config, admin);
        } catch (NotPermitted e) {
            LOG.warn(
                    "Not permitted to list transactions; --transactional-id-prefix {} is not checked for other jobs using it",
                    config.transactionalIdPrefix);
            return;
        }
        for (String id : before) {
            String rest = id.substring(config.transactionalIdPrefix.length() + 1);
            if (sinkNames.stream().noneMatch(sink -> rest.startsWith(sink + "-"))) {
                throw prefixInUse(config, id, "a different job's sink");
            }
        }
        if (before.isEmpty()) {
            return;
        }
        Duration watch = config.checkpointInterval.multipliedBy(2);
        if (watch.compareTo(Duration.ofSeconds(60)) > 0) {
            watch = Duration.ofSeconds(60);
        }
        LOG.info(
                "{} open transactions under --transactional-id-prefix {}; watching {} for new ones",
                before.size(),
                config.transactionalIdPrefix,
                watch);
        try {
            Thread.sleep(watch.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the start-up checks", e);
        }
        Set<String> opened = new TreeSet<>(openTransactions(config, admin));
        opened.removeAll(before);
        if (!opened.isEmpty()) {
            throw prefixInUse(config, opened.iterator().next(), "opened while this job started");
        }
    }

    private static Set<String> openTransactions(KafkaJobConfig config, Admin admin) {
        ListTransactionsOptions options =
                new ListTransactionsOptions()
                        .filterStates(
                                List.of(
                                        TransactionState.ONGOING,
                                        TransactionState.PREPARE_COMMIT,
                                        TransactionState.PREPARE_ABORT));
        Set<String> ours = new HashSet<>();
        for (TransactionListing t : call(config, admin.listTransactions(options).all())) {
            if (t.transactionalId().startsWith(config.transactionalIdPrefix + "-")) {
                ours.add(t.transactionalId());
            }
        }
        return ours;
    }

    private static IllegalArgumentException prefixInUse(
            KafkaJobConfig config, String transactionalId, String why) {
        return new IllegalArgumentException(
                "--transactional-id-prefix "
                        + config.transactionalIdPrefix
                        + " is in use by another job (open transaction '"
                        + transactionalId
                        + "', "
                        + why
                        + "). Two jobs with one prefix fence each other's producers and abort"
                        + " each other's output: give this job its own --transactional-id-prefix");
    }

    /** Waits for an admin call; failures become messages that name the option to fix. */
    private static <T> T call(
            KafkaJobConfig config, org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(KAFKA_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the start-up checks", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw unreachable(config, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.SslAuthenticationException tls) {
                throw new IllegalArgumentException(
                        tlsFailure(
                                tls,
                                "Kafka at --bootstrap-servers " + config.bootstrapServers,
                                "ssl.truststore.location / ssl.truststore.password"
                                        + credentialsSource(config)),
                        cause);
            }
            if (cause instanceof AuthenticationException) {
                throw new IllegalArgumentException(
                        "Kafka at --bootstrap-servers "
                                + config.bootstrapServers
                                + " refused the credentials"
                                + credentialsSource(config)
                                + ": "
                                + cause.getMessage(),
                        cause);
            }
            if (cause instanceof AuthorizationException
                    || cause instanceof UnsupportedVersionException) {
                throw new NotPermitted();
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(config, cause);
            }
            throw new IllegalStateException(
                    "Kafka at --bootstrap-servers "
                            + config.bootstrapServers
                            + ": "
                            + cause.getMessage(),
                    cause);
        }
    }

    private static IllegalArgumentException unreachable(KafkaJobConfig config, Throwable cause) {
        return new IllegalArgumentException(
                "cannot reach Kafka at --bootstrap-servers "
                        + config.bootstrapServers
                        + " within "
                        + KAFKA_TIMEOUT.toSeconds()
                        + " s (check the address, and security.protocol"
                        + credentialsSource(config)
                        + ")",
                cause);
    }

    /**
     * A failed TLS handshake with {@code broker}, with the deepest cause (which says what was wrong
     * with the certificate) and the {@code settings} that fix it.
     */
    public static String tlsFailure(
            org.apache.kafka.common.errors.SslAuthenticationException e,
            String broker,
            String settings) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "the TLS handshake with "
                + broker
                + " failed ("
                + root.getMessage()
                + "): "
                + settings
                + " must name a trust store that holds the broker's certificate or its CA";
    }

    private static String credentialsSource(KafkaJobConfig config) {
        return config.kafkaPropertiesFile == null
                ? " (no --command-config given)"
                : " in --command-config " + config.kafkaPropertiesFile;
    }

    /** The principal may not describe configs or list transactions: the check is skipped. */
    private static final class NotPermitted extends RuntimeException {
        NotPermitted() {
            super(null, null, false, false);
        }
    }
}
