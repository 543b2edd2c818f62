package io.recstream.jobs.config;

import io.recstream.jobs.serde.ValidationRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What every recstream job shares: Kafka connection, model bundle, checkpointing and exactly-once
 * sink settings, parallelism, event time and input validation.
 */
public abstract class KafkaJobConfig implements Serializable {

    /** The options every job has; {@code group} and {@code prefix} are the job's defaults. */
    static List<Options.Spec> commonOptions(String group, String prefix) {
        List<Options.Spec> o = new ArrayList<>();
        o.add(new Options.Spec("bootstrap-servers", null, "Kafka bootstrap servers (required)"));
        o.add(
                new Options.Spec(
                        "command-config",
                        null,
                        "client properties file (security.protocol, sasl.*, ssl.*) for every Kafka"
                                + " client; --kafka-properties is the old name, still accepted"));
        o.add(
                new Options.Spec(
                        "model",
                        null,
                        "model bundle directory, readable by every TaskManager (required)"));
        o.add(new Options.Spec("interactions-topic", "interactions", "interactions topic"));
        o.add(
                new Options.Spec(
                        "items-topic",
                        "items",
                        "the item catalogue topic (compacted, keyed by item id); 'none': no"
                                + " catalogue"));
        o.add(
                new Options.Spec(
                        "recommendations-topic", "recommendations", "recommendations topic"));
        o.add(new Options.Spec("dead-letters-topic", "dead-letters", "topic for rejected records"));
        o.add(
                new Options.Spec(
                        "group-id",
                        group,
                        "consumer group id (offsets are committed on checkpoints)"));
        o.add(
                new Options.Spec(
                        "starting-offsets",
                        "committed-or-earliest",
                        "committed-or-earliest | earliest | latest | timestamp:<epoch ms> (records written at or after that time)"));
        o.add(
                new Options.Spec(
                        "transactional-id-prefix",
                        prefix,
                        "prefix of the Kafka sinks' transactional ids; unique per job on a cluster"));
        o.add(
                new Options.Spec(
                        "transaction-timeout",
                        "10m",
                        "Kafka transaction timeout; above checkpoint interval + restart time, at most the broker's transaction.max.timeout.ms (15m default)"));
        o.add(
                new Options.Spec(
                        "network.buffer-timeout",
                        "10ms",
                        "longest a record waits in a network buffer between tasks before it is sent (Flink's default is 100ms: more throughput, more latency)"));
        o.add(
                new Options.Spec(
                        "flink-conf",
                        "",
                        "more Flink configuration as KEY=VALUE pairs separated by ';' (\\; inside a"
                                + " value), applied over"
                                + " the job's own settings (for example"
                                + " state.backend.rocksdb.timer-service.factory=HEAP)"));
        o.add(
                new Options.Spec(
                        "delivery-guarantee",
                        "exactly-once",
                        "exactly-once (transactions, output visible on each checkpoint) or at-least-once (visible at once; duplicates after a restart)"));
        o.add(
                new Options.Spec(
                        "checkpoint-interval",
                        "10s",
                        "checkpoint interval; output becomes visible to read_committed consumers on each checkpoint"));
        o.add(
                new Options.Spec(
                        "checkpoint-storage",
                        null,
                        "checkpoint directory URI (file:///..., s3://...); default: the cluster's setting"));
        o.add(new Options.Spec("parallelism", null, "job parallelism (default: the cluster's)"));
        o.add(
                new Options.Spec(
                        "max-parallelism",
                        "128",
                        "max parallelism (key groups); fixed for the life of the state"));
        o.add(new Options.Spec("watermark.out-of-orderness", "5s", "how late events may arrive"));
        o.add(
                new Options.Spec(
                        "watermark.idleness",
                        "30s",
                        "a partition quiet this long does not hold back event time"));
        o.add(
                new Options.Spec(
                        "watermark.max-drift",
                        null,
                        "watermark alignment: pause partitions running further ahead in event time than this (replays, backlogs; default: off)"));
        o.add(
                new Options.Spec(
                        "validation.max-record-bytes",
                        "65536",
                        "larger records are dead-lettered as OVERSIZED"));
        o.add(
                new Options.Spec(
                        "validation.max-field-length",
                        "256",
                        "longer string fields are dead-lettered as FIELD_TOO_LONG"));
        o.add(
                new Options.Spec(
                        "validation.min-event-time",
                        "0",
                        "earlier event times (epoch ms) are dead-lettered"));
        o.add(
                new Options.Spec(
                        "validation.max-future-skew",
                        "1d",
                        "event times further ahead of the clock are dead-lettered"));
        o.add(new Options.Spec("restart-attempts", "10", "fixed-delay restart attempts"));
        o.add(
                new Options.Spec(
                        "metrics.port",
                        null,
                        "serve Prometheus metrics on this port, or the first free one of a range like 9249-9259, in every JVM running the job's operators (default: off)"));
        o.add(
                new Options.Spec(
                        "metrics.bind",
                        "127.0.0.1",
                        "address the metrics endpoint binds to (0.0.0.0 inside containers)"));
        o.add(new Options.Spec("restart-delay", "2s", "delay between restarts"));
        return o;
    }

    public final String bootstrapServers;
    public final Properties kafkaProperties;

    /** The {@code --command-config} file, or null. */
    public final String kafkaPropertiesFile;

    public final String model;
    public final String interactionsTopic;

    /** The item catalogue topic, or null for none. */
    public final String itemsTopic;

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
    public final Duration outOfOrderness;
    public final Duration idleness;
    public final Duration maxDrift;
    public final ValidationRules validation;
    public final int restartAttempts;
    public final Duration restartDelay;
    public final io.recstream.jobs.metrics.PortRange metricsPort;
    public final String metricsBind;

    /** How long records may wait in a network buffer before it is flushed. */
    public final Duration bufferTimeout;

    /** Extra Flink configuration from {@code --flink-conf}, in the order given. */
    public final java.util.LinkedHashMap<String, String> flinkConf;

    /** Kafka sinks write in transactions committed on checkpoints; else at least once. */
    public final boolean exactlyOnce;

    protected KafkaJobConfig(Options o) {
        bootstrapServers = o.string("bootstrap-servers");
        kafkaPropertiesFile = o.optionalString("command-config");
        kafkaProperties = loadProperties(kafkaPropertiesFile);
        model = o.string("model");
        interactionsTopic = o.string("interactions-topic");
        itemsTopic = o.string("items-topic").equals("none") ? null : o.string("items-topic");
        recommendationsTopic = o.string("recommendations-topic");
        deadLettersTopic = o.string("dead-letters-topic");
        groupId = o.string("group-id");
        startingOffsets = o.string("starting-offsets");
        if (!List.of("committed-or-earliest", "earliest", "latest").contains(startingOffsets)
                && !startingOffsets.matches("timestamp:\\d+")) {
            throw new IllegalArgumentException(
                    "--starting-offsets must be committed-or-earliest, earliest, latest or"
                            + " timestamp:<epoch ms>, got '"
                            + startingOffsets
                            + "'");
        }
        bufferTimeout = o.duration("network.buffer-timeout");
        flinkConf = parseFlinkConf(o.optionalString("flink-conf"));
        exactlyOnce =
                switch (o.string("delivery-guarantee")) {
                    case "exactly-once" -> true;
                    case "at-least-once" -> false;
                    default ->
                            throw new IllegalArgumentException(
                                    "--delivery-guarantee must be exactly-once or at-least-once,"
                                            + " got '"
                                            + o.string("delivery-guarantee")
                                            + "'");
                };
        transactionalIdPrefix = o.string("transactional-id-prefix");
        transactionTimeout = o.duration("transaction-timeout");
        checkpointInterval = o.duration("checkpoint-interval");
        if (transactionTimeout.compareTo(checkpointInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException(
                    "--transaction-timeout ("
                            + transactionTimeout
                            + ") must be at least twice --checkpoint-interval ("
                            + checkpointInterval
                            + "): a transaction stays open for a whole checkpoint interval and must"
                            + " survive a restart. Raise --transaction-timeout or shorten"
                            + " --checkpoint-interval");
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
        outOfOrderness = o.duration("watermark.out-of-orderness");
        idleness = o.duration("watermark.idleness");
        maxDrift =
                o.optionalString("watermark.max-drift") == null
                        ? null
                        : o.duration("watermark.max-drift");
        validation =
                new ValidationRules(
                        o.intValue("validation.max-record-bytes", 64, 64 * 1024 * 1024),
                        o.intValue("validation.max-field-length", 1, 1_000_000),
                        Long.parseLong(o.string("validation.min-event-time")),
                        o.duration("validation.max-future-skew"),
                        4096);
        restartAttempts = o.intValue("restart-attempts", 0, 1_000_000);
        restartDelay = o.duration("restart-delay");
        metricsPort =
                o.optionalString("metrics.port") == null
                        ? null
                        : io.recstream.jobs.metrics.PortRange.parse(
                                o.string("metrics.port"), "metrics.port");
        metricsBind = o.string("metrics.bind");
    }

    /**
     * Reads a {@code --command-config} file (none when {@code file} is null); throws naming the
     * option and the file when it cannot be read.
     */
    public static Properties loadProperties(String file) {
        Properties p = new Properties();
        if (file == null) {
            return p;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--command-config " + file + ": cannot be read: " + e.getMessage(), e);
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

    /**
     * Parses {@code --flink-conf} pairs, separated by {@code ;}; {@code \;} is a semicolon inside a
     * value (Flink's own separator for list options). Throws naming the pair that is not KEY=VALUE.
     */
    public static java.util.LinkedHashMap<String, String> parseFlinkConf(String pairs) {
        java.util.LinkedHashMap<String, String> conf = new java.util.LinkedHashMap<>();
        if (pairs == null) {
            return conf;
        }
        for (String escaped : pairs.split("(?<!\\\\);")) {
            String pair = escaped.replace("\\;", ";");
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || pair.substring(0, eq).isBlank()) {
                throw new IllegalArgumentException(
                        "--flink-conf: '" + pair.trim() + "' is not KEY=VALUE");
            }
            conf.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return conf;
    }
}
