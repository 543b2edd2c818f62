package io.recstream.jobs.recommend;

import io.recstream.jobs.config.Options;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.RawRecord;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.inference.MicroBatcher;
import io.recstream.jobs.inference.ScoringFunction;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.popularity.PopularItems;
import io.recstream.jobs.popularity.Popularity;
import io.recstream.jobs.serde.DeadLetterSerializer;
import io.recstream.jobs.serde.ParseFunction;
import io.recstream.jobs.serde.RawRecordDeserializer;
import io.recstream.jobs.serde.RecommendationSerializer;
import io.recstream.jobs.state.UserHistoryFunction;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The recommend job:
 *
 * <pre>
 * interactions (Kafka) → validate (bad → dead-letters) → keyBy(user) → recent items (RocksDB, TTL)
 *                      → item popularity (sliding window) ──broadcast──┘
 *   → scoring requests → micro-batched ONNX scoring (async, deadline) → recommendations (Kafka, exactly once)
 * </pre>
 *
 * Sources and sinks come from outside ({@link #forKafka} builds the real ones), so tests can swap
 * them.
 */
public final class RecommendJob {

    public static final String JOB_NAME = "recstream-recommend";

    private final RecommendJobConfig config;
    private final Source<RawRecord, ?, ?> source;
    private final Sink<Recommendation> recommendations;
    private final Sink<DeadLetter> deadLetters;

    public RecommendJob(
            RecommendJobConfig config,
            Source<RawRecord, ?, ?> source,
            Sink<Recommendation> recommendations,
            Sink<DeadLetter> deadLetters) {
        this.config = config;
        this.source = source;
        this.recommendations = recommendations;
        this.deadLetters = deadLetters;
    }

    /** The job with Kafka source and exactly-once Kafka sinks, as configured. */
    public static RecommendJob forKafka(RecommendJobConfig config) {
        return new RecommendJob(
                config,
                kafkaSource(config),
                kafkaSink(
                        config,
                        new RecommendationSerializer(config.recommendationsTopic),
                        config.transactionalIdPrefix + "-recs"),
                kafkaSink(
                        config,
                        new DeadLetterSerializer(config.deadLettersTopic),
                        config.transactionalIdPrefix + "-dlq"));
    }

    public static KafkaSource<RawRecord> kafkaSource(RecommendJobConfig config) {
        OffsetsInitializer start =
                switch (config.startingOffsets) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                };
        Properties props = config.kafkaClientProperties();
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("commit.offsets.on.checkpoint", "true");
        return KafkaSource.<RawRecord>builder()
                .setProperties(props)
                .setBootstrapServers(config.bootstrapServers)
                .setTopics(config.interactionsTopic)
                .setGroupId(config.groupId)
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }

    public static <T> KafkaSink<T> kafkaSink(
            RecommendJobConfig config,
            org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> serializer,
            String transactionalIdPrefix) {
        Properties props = config.kafkaClientProperties();
        props.setProperty(
                "transaction.timeout.ms", Long.toString(config.transactionTimeout.toMillis()));
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.bootstrapServers)
                .setKafkaProducerConfig(props)
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    /**
     * Job-level settings: RocksDB state backend with incremental checkpoints, exactly-once
     * checkpoints at the configured interval, fixed-delay restarts, max parallelism.
     */
    public static void configure(StreamExecutionEnvironment env, RecommendJobConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        if (config.checkpointStorage != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointStorage);
        }
        conf.set(PipelineOptions.GENERIC_TYPES, false); // no Kryo: every type has a serializer
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
                config.restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, config.restartDelay);
        env.configure(conf, RecommendJob.class.getClassLoader());
        env.enableCheckpointing(
                config.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setMaxParallelism(config.maxParallelism);
        if (config.parallelism != null) {
            env.setParallelism(config.parallelism);
        }
    }

    /** Wires the pipeline into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<RawRecord> raw =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka: interactions")
                        .uid("interactions-source");

        SingleOutputStreamOperator<Interaction> parsed =
                raw.process(new ParseFunction(config.validation, config.model))
                        .uid("parse-validate")
                        .name("Parse and validate");
        parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .uid("dead-letters-sink")
                .name("Kafka: dead-letters");

        DataStream<Interaction> interactions =
                parsed.assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Interaction>forBoundedOutOfOrderness(
                                                config.outOfOrderness)
                                        .withTimestampAssigner((i, ts) -> i.getTimestamp())
                                        .withIdleness(config.idleness))
                        .uid("event-time")
                        .name("Event time");

        BroadcastStream<PopularItems> popular =
                Popularity.topItems(
                                interactions,
                                config.popularityWindow,
                                config.popularitySlide,
                                config.popularityTop)
                        .broadcast(UserHistoryFunction.POPULAR_STATE);

        DataStream<ScoringRequest> requests =
                interactions
                        .keyBy(Interaction::getUserId)
                        .connect(popular)
                        .process(
                                new UserHistoryFunction(
                                        config.model,
                                        config.serving.maxHistory(),
                                        config.serving.historyWindow(),
                                        config.serving.halfLife(),
                                        config.serving.coldMinItems(),
                                        config.serving.k(),
                                        config.stateTtl))
                        .uid("user-history")
                        .name("User history (RocksDB)");

        MicroBatcher.Settings batching =
                new MicroBatcher.Settings(
                        config.model,
                        config.batchSize,
                        config.maxWait.toNanos() / 1_000,
                        config.inferenceThreads,
                        config.intraOpThreads);
        DataStream<Recommendation> recs =
                AsyncDataStream.unorderedWait(
                                requests,
                                new ScoringFunction(
                                        batching, config.serving.k(), config.deadline.toMillis()),
                                config.deadline.toMillis(),
                                TimeUnit.MILLISECONDS,
                                config.capacity)
                        .uid("scorer")
                        .name("Score (ONNX, micro-batched)");

        recs.sinkTo(recommendations).uid("recommendations-sink").name("Kafka: recommendations");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(
                    "recstream recommend job. Options:\n"
                            + Options.help(RecommendJobConfig.OPTIONS));
            return;
        }
        RecommendJobConfig config = RecommendJobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        forKafka(config).build(env);
        env.execute(JOB_NAME);
    }
}
