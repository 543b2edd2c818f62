package io.recstream.jobs.recommend;

import io.recstream.jobs.config.JobSetup;
import io.recstream.jobs.config.Options;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.config.StartupChecks;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.inference.MicroBatcher;
import io.recstream.jobs.inference.ScoringFunction;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.popularity.PopularFallback;
import io.recstream.jobs.popularity.PopularItems;
import io.recstream.jobs.popularity.Popularity;
import io.recstream.jobs.serde.DeadLetterSerializer;
import io.recstream.jobs.serde.ItemIndexFunction;
import io.recstream.jobs.serde.RecommendationSerializer;
import io.recstream.jobs.serde.RecordFormat;
import io.recstream.jobs.serde.SplitValid;
import io.recstream.jobs.state.UserHistoryFunction;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The recommend job:
 *
 * <pre>
 * interactions (Kafka) → validate (bad → dead-letters) → keyBy(user)
 *   → user history: re-sent events dropped, recent items (RocksDB, TTL) → scoring requests
 *       └ first copies → item popularity (sliding window) ──broadcast──┐
 *   → popular-items fallback ←─────────────────────────────────────────┘
 *   → micro-batched ONNX scoring (async, deadline) → recommendations (Kafka, exactly once)
 * </pre>
 *
 * Sources and sinks come from outside ({@link #forKafka} builds the real ones), so tests can swap
 * them.
 */
public final class RecommendJob {

    public static final String JOB_NAME = "recstream-recommend";

    /** The Kafka sinks, each with transactional ids {@code <prefix>-<name>-...}. */
    public static final java.util.Set<String> SINK_NAMES = java.util.Set.of("recs", "dlq");

    private final RecommendJobConfig config;
    private final Source<Either<DeadLetter, Interaction>, ?, ?> source;
    private final Sink<Recommendation> recommendations;
    private final Sink<DeadLetter> deadLetters;

    public RecommendJob(
            RecommendJobConfig config,
            Source<Either<DeadLetter, Interaction>, ?, ?> source,
            Sink<Recommendation> recommendations,
            Sink<DeadLetter> deadLetters) {
        this.config = config;
        this.source = source;
        this.recommendations = recommendations;
        this.deadLetters = deadLetters;
    }

    /** The job with Kafka source and exactly-once Kafka sinks, as configured. */
    public static RecommendJob forKafka(RecommendJobConfig config) {
        return forKafka(
                config,
                JobSetup.kafkaSource(config, config.interactionsTopic, RecordFormat.INTERACTION));
    }

    /** The job with the configured Kafka sinks, reading {@code source}. */
    public static RecommendJob forKafka(
            RecommendJobConfig config, Source<Either<DeadLetter, Interaction>, ?, ?> source) {
        return new RecommendJob(
                config,
                source,
                JobSetup.kafkaSink(
                        config,
                        new RecommendationSerializer(config.recommendationsTopic),
                        config.transactionalIdPrefix + "-recs"),
                JobSetup.kafkaSink(
                        config,
                        new DeadLetterSerializer(config.deadLettersTopic),
                        config.transactionalIdPrefix + "-dlq"));
    }

    /** Wires the pipeline into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<Interaction> parsed =
                JobSetup.validated(env, source, RecordFormat.INTERACTION, config, "interactions");
        parsed.getSideOutput(SplitValid.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .uid("dead-letters-sink")
                .name("Kafka: dead-letters");
        SingleOutputStreamOperator<ScoringRequest> history =
                parsed.map(new ItemIndexFunction(config.model))
                        .name("Vocabulary index")
                        .keyBy(Interaction::getUserId)
                        .process(
                                new UserHistoryFunction(
                                        config.serving.maxHistory(),
                                        config.serving.historyWindow(),
                                        config.serving.halfLife(),
                                        config.serving.coldMinItems(),
                                        config.dedup,
                                        config.seen,
                                        config.stateTtl))
                        .uid("user-history")
                        .name("User history, re-sent events dropped (RocksDB)");

        BroadcastStream<PopularItems> popular =
                Popularity.topItems(
                                history.getSideOutput(UserHistoryFunction.FIRST_COPIES),
                                config.popularityWindow,
                                config.popularitySlide,
                                config.popularityTop)
                        .broadcast(PopularFallback.POPULAR_STATE);

        DataStream<ScoringRequest> requests =
                history.connect(popular)
                        .process(new PopularFallback(config.model, config.serving.k()))
                        .uid("popular-fallback")
                        .name("Popular-items fallback");

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
        JobSetup.configure(env, config);
        StartupChecks.verify(
                config,
                env.getConfiguration(),
                !(env instanceof LocalStreamEnvironment),
                SINK_NAMES);
        forKafka(config).build(env);
        env.execute(JOB_NAME);
    }
}
