package io.recstream.jobs.config;

import io.recstream.jobs.serde.ValidationRules;
import io.recstream.model.ModelBundle;
import io.recstream.model.ServingParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Typed, validated configuration of the recommend job. Built from {@code --name value} flags and/or
 * a flat YAML file ({@code --config FILE}); errors name the option. History, cold-start and
 * list-length settings default to what the model bundle's card says the model was evaluated with.
 */
public final class RecommendJobConfig implements Serializable {

    public static final List<Options.Spec> OPTIONS =
            List.of(
                    new Options.Spec(
                            "bootstrap-servers", null, "Kafka bootstrap servers (required)"),
                    new Options.Spec(
                            "kafka-properties",
                            null,
                            "client properties file (security.protocol, sasl.*, ssl.*) for every Kafka client"),
                    new Options.Spec(
                            "model",
                            null,
                            "model bundle directory, readable by every TaskManager (required)"),
                    new Options.Spec(
                            "interactions-topic",
                            "interactions",
                            "topic to read interactions from"),
                    new Options.Spec(
                            "recommendations-topic",
                            "recommendations",
                            "topic to write recommendations to"),
                    new Options.Spec(
                            "dead-letters-topic", "dead-letters", "topic for rejected records"),
                    new Options.Spec(
                            "group-id",
                            "recstream-recommend",
                            "consumer group id (offsets are committed on checkpoints)"),
                    new Options.Spec(
                            "starting-offsets",
                            "committed-or-earliest",
                            "committed-or-earliest | earliest | latest"),
                    new Options.Spec(
                            "transactional-id-prefix",
                            "recstream-recommend",
                            "prefix of the Kafka sinks' transactional ids; unique per job on a cluster"),
                    new Options.Spec(
                            "transaction-timeout",
                            "10m",
                            "Kafka transaction timeout; above checkpoint interval + restart time, at most the broker's transaction.max.timeout.ms (15m default)"),
                    new Options.Spec(
                            "checkpoint-interval",
                            "10s",
                            "checkpoint interval; recommendations become visible to read_committed consumers on each checkpoint"),
                    new Options.Spec(
                            "checkpoint-storage",
                            null,
                            "checkpoint directory URI (file:///..., s3://...); default: the cluster's setting"),
                    new Options.Spec(
                            "parallelism", null, "job parallelism (default: the cluster's)"),
                    new Options.Spec(
                            "max-parallelism",
                            "128",
                            "max parallelism (key groups); fixed for the life of the state"),
                    new Options.Spec(
                            "history.max-items",
                            null,
                            "recent items kept per user, L (default: the model card's)"),
                    new Options.Spec(
                            "history.window",
                            null,
                            "forget items older than this before the newest (default: the model card's)"),
                    new Options.Spec(
                            "history.half-life",
                            null,
                            "recency half-life of the weights (default: the model card's)"),
                    new Options.Spec(
                            "state.ttl",
                            null,
                            "processing-time TTL of a user's state (default: the history window)"),
                    new Options.Spec(
                            "cold.min-items",
                            null,
                            "users with fewer known items in the window are cold (default: the model card's)"),
                    new Options.Spec(
                            "recommend.k",
                            null,
                            "items per recommendation (default: the model card's)"),
                    new Options.Spec(
                            "inference.batch-size", "64", "largest micro-batch per ONNX run"),
                    new Options.Spec("inference.max-wait", "2ms", "how long a batch waits to fill"),
                    new Options.Spec(
                            "inference.deadline",
                            "500ms",
                            "answer with the fallback when scoring takes longer"),
                    new Options.Spec(
                            "inference.threads", "1", "scoring threads per TaskManager JVM"),
                    new Options.Spec(
                            "inference.intra-op-threads",
                            "1",
                            "ONNX Runtime threads inside one run"),
                    new Options.Spec(
                            "inference.capacity", "512", "requests in flight per scorer subtask"),
                    new Options.Spec(
                            "popularity.window", "1h", "popularity counting window (event time)"),
                    new Options.Spec("popularity.slide", "1m", "how often popularity is updated"),
                    new Options.Spec(
                            "popularity.top", "100", "popular items kept for the fallback"),
                    new Options.Spec(
                            "watermark.out-of-orderness", "5s", "how late events may arrive"),
                    new Options.Spec(
                            "watermark.idleness",
                            "30s",
                            "a partition quiet this long does not hold back event time"),
                    new Options.Spec(
                            "validation.max-record-bytes",
                            "65536",
                            "larger records are dead-lettered as OVERSIZED"),
                    new Options.Spec(
                            "validation.max-field-length",
                            "256",
                            "longer string fields are dead-lettered as FIELD_TOO_LONG"),
                    new Options.Spec(
                            "validation.min-event-time",
                            "0",
                            "earlier event times (epoch ms) are dead-lettered"),
                    new Options.Spec(
                            "validation.max-future-skew",
                            "1d",
                            "event times further ahead of the clock are dead-lettered"),
                    new Options.Spec("restart-attempts", "10", "fixed-delay restart attempts"),
                    new Options.Spec("restart-delay", "2s", "delay between restarts"));

    public final String bootstrapServers;
    public final Properties kafkaProperties;
    public final String model;
    public final String interactionsTopic;
    public final String recommendationsTopic;
    public final String deadLettersTopic;
    public final String groupId;
    public final String startingOffsets;
    public final String transactionalIdPrefix;
    public final Duration transactionTimeout;
    public final Duration checkpointInterval;
    public final String checkpointStorage;
    public final Integer parallelism;
    public final int maxParallelism;
    public final ServingParameters serving;
    public final Duration stateTtl;
    public final int batchSize;
    public final Duration maxWait;
    public final Duration deadline;
    public final int inferenceThreads;
    public final int intraOpThreads;
    public final int capacity;
    public final Duration popularityWindow;
    public final Duration popularitySlide;
    public final int popularityTop;
    public final Duration outOfOrderness;
    public final Duration idleness;
    public final ValidationRules validation;
    public final int restartAttempts;
    public final Duration restartDelay;

    private RecommendJobConfig(Options o) {
        bootstrapServers = o.string("bootstrap-servers");
        kafkaProperties = loadProperties(o.optionalString("kafka-properties"));
        model = o.string("model");
        ModelBundle bundle = ModelBundle.load(Path.of(model));
        ServingParameters card = ServingParameters.fromCard(bundle.card());
        interactionsTopic = o.string("interactions-topic");
        recommendationsTopic = o.string("recommendations-topic");
        deadLettersTopic = o.string("dead-letters-topic");
        groupId = o.string("group-id");
        startingOffsets = o.string("starting-offsets");
        if (!List.of("committed-or-earliest", "earliest", "latest").contains(startingOffsets)) {
            throw new IllegalArgumentException(
                    "--starting-offsets must be committed-or-earliest, earliest or latest, got '"
                            + startingOffsets
                            + "'");
        }
        transactionalIdPrefix = o.string("transactional-id-prefix");
        transactionTimeout = o.duration("transaction-timeout");
        checkpointInterval = o.duration("checkpoint-interval");
        if (transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException(
                    "--transaction-timeout ("
                            + transactionTimeout
                            + ") must be at least twice --checkpoint-interval ("
                            + checkpointInterval
                            + "): a transaction stays open for a whole checkpoint interval and must survive a restart");
        }
        checkpointStorage = o.optionalString("checkpoint-storage");
        parallelism =
                o.optionalString("parallelism") == null
                        ? null
                        : o.intValue("parallelism", 1, 32768);
        maxParallelism = o.intValue("max-parallelism", 1, 32768);
        if (parallelism != null && parallelism > maxParallelism) {
            throw new IllegalArgumentException(
                    "--parallelism "
                            + parallelism
                            + " exceeds --max-parallelism "
                            + maxParallelism);
        }
        serving =
                new ServingParameters(
                        o.isSet("history.max-items")
                                ? o.intValue("history.max-items", 1, 10_000)
                                : card.maxHistory(),
                        o.isSet("history.window")
                                ? o.duration("history.window")
                                : card.historyWindow(),
                        o.isSet("history.half-life")
                                ? o.duration("history.half-life")
                                : card.halfLife(),
                        o.isSet("cold.min-items")
                                ? o.intValue("cold.min-items", 1, 10_000)
                                : card.coldMinItems(),
                        o.isSet("recommend.k") ? o.intValue("recommend.k", 1, 1_000) : card.k());
        if (serving.maxHistory() > bundle.card().maxHistory()) {
            throw new IllegalArgumentException(
                    "--history.max-items "
                            + serving.maxHistory()
                            + " exceeds what the model was built for ("
                            + bundle.card().maxHistory()
                            + ")");
        }
        stateTtl = o.isSet("state.ttl") ? o.duration("state.ttl") : serving.historyWindow();
        batchSize = o.intValue("inference.batch-size", 1, 4096);
        maxWait = o.duration("inference.max-wait");
        deadline = o.duration("inference.deadline");
        inferenceThreads = o.intValue("inference.threads", 1, 64);
        intraOpThreads = o.intValue("inference.intra-op-threads", 1, 64);
        capacity = o.intValue("inference.capacity", 1, 1_000_000);
        popularityWindow = o.duration("popularity.window");
        popularitySlide = o.duration("popularity.slide");
        if (popularityWindow.toMillis() % popularitySlide.toMillis() != 0) {
            throw new IllegalArgumentException(
                    "--popularity.window ("
                            + popularityWindow
                            + ") must be a multiple of --popularity.slide ("
                            + popularitySlide
                            + ")");
        }
        popularityTop = o.intValue("popularity.top", 1, 100_000);
        outOfOrderness = o.duration("watermark.out-of-orderness");
        idleness = o.duration("watermark.idleness");
        validation =
                new ValidationRules(
                        o.intValue("validation.max-record-bytes", 64, 64 * 1024 * 1024),
                        o.intValue("validation.max-field-length", 1, 1_000_000),
                        Long.parseLong(o.string("validation.min-event-time")),
                        o.duration("validation.max-future-skew"),
                        4096);
        restartAttempts = o.intValue("restart-attempts", 0, 1_000_000);
        restartDelay = o.duration("restart-delay");
    }

    public static RecommendJobConfig fromArgs(String... args) {
        return new RecommendJobConfig(Options.parse(args, OPTIONS));
    }

    private static Properties loadProperties(String file) {
        Properties p = new Properties();
        if (file == null) {
            return p;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--kafka-properties " + file + ": cannot be read: " + e.getMessage(), e);
        }
        return p;
    }

    /** Kafka client properties: bootstrap servers plus the properties file. */
    public Properties kafkaClientProperties() {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }
}
