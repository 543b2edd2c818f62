package io.recstream.jobs.recommend;

import io.recstream.jobs.catalogue.CandidateUpdate;
import io.recstream.jobs.catalogue.CatalogueEntry;
import io.recstream.jobs.catalogue.CatalogueIndex;
import io.recstream.jobs.catalogue.FoldIn;
import io.recstream.jobs.catalogue.FoldInSample;
import io.recstream.jobs.config.JobSetup;
import io.recstream.jobs.config.Options;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.inference.MicroBatcher;
import io.recstream.jobs.inference.ScoringFunction;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.popularity.PopularFallback;
import io.recstream.jobs.popularity.Popularity;
import io.recstream.jobs.serde.DeadLetterSerializer;
import io.recstream.jobs.serde.ItemIndexFunction;
import io.recstream.jobs.serde.RecommendationSerializer;
import io.recstream.jobs.serde.RecordFormat;
import io.recstream.jobs.serde.SplitValid;
import io.recstream.jobs.state.UserHistoryFunction;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The recommend job:
 *
 * <pre>
 * items (Kafka, compacted) → validate (bad → dead-letters) → catalogue index (parallelism 1)
 *                                                               │ broadcast            │
 * interactions (Kafka) → validate (bad → dead-letters) → model index                   │
 *   → keyBy(user) → user history (◄ broadcast: fresh indices): re-sent events dropped,   │
 *       recent and consumed items
 *       (RocksDB, TTL) → scoring requests                                                  │
 *       ├ first copies → item popularity (sliding window) ─────────────broadcast───┐      │
 *       └ fresh-item interactions → keyBy(item) → fold-in ───────────broadcast───┤ ◄────┘
 *   → popular, fresh and withdrawn items (fallback, fresh candidates, exploration) ◄┘
 *   → micro-batched ONNX scoring (async, deadline), slots filled
 *   → recommendations (Kafka, exactly once)
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
    private Source<Either<DeadLetter, CatalogueItem>, ?, ?> catalogue;

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

    /**
     * Reads the item catalogue from {@code catalogue} too: withdrawn items are not served, and
     * items the model does not know are (see {@link PopularFallback}).
     */
    public RecommendJob withCatalogue(Source<Either<DeadLetter, CatalogueItem>, ?, ?> catalogue) {
        this.catalogue = catalogue;
        return this;
    }

    /** The job with the configured Kafka sinks, reading {@code source}. */
    public static RecommendJob forKafka(
            RecommendJobConfig config, Source<Either<DeadLetter, Interaction>, ?, ?> source) {
        RecommendJob job =
                new RecommendJob(
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
        if (config.fresh.enabled()) {
            job.withCatalogue(JobSetup.catalogueSource(config, config.fresh.itemsTopic()));
        }
        return job;
    }

    /** Wires the pipeline into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<Interaction> parsed =
                JobSetup.validated(env, source, RecordFormat.INTERACTION, config, "interactions");
        DataStream<DeadLetter> rejected = parsed.getSideOutput(SplitValid.DEAD_LETTERS);

        DataStream<CatalogueEntry> entries = null;
        if (catalogue != null) {
            SingleOutputStreamOperator<CatalogueItem> items =
                    JobSetup.validatedBroadcastSide(
                            env, catalogue, RecordFormat.ITEM, config, "items");
            rejected = rejected.union(items.getSideOutput(SplitValid.DEAD_LETTERS));
            entries =
                    items.keyBy(i -> CatalogueIndex.KEY, Types.INT)
                            .process(new CatalogueIndex(config.model))
                            .setParallelism(1)
                            .setMaxParallelism(1)
                            .uid("catalogue-index")
                            .name("Catalogue index");
        }
        rejected.sinkTo(deadLetters).uid("dead-letters-sink").name("Kafka: dead-letters");

        // Items the model does not know get their fresh index in the user history, which gets
        // the catalogue as a broadcast: an index step of its own (a two-input operator) would
        // not chain, and cost every event a hop. Without a catalogue the broadcast side is an
        // empty stream with the interactions' own event time.
        DataStream<CatalogueEntry> catalogueEntries =
                entries != null
                        ? entries
                        : parsed.<CatalogueEntry>flatMap((i, out) -> {})
                                .returns(TypeInformation.of(CatalogueEntry.class))
                                .name("No catalogue");
        SingleOutputStreamOperator<ScoringRequest> history =
                parsed.map(new ItemIndexFunction(config.model))
                        .name("Vocabulary index")
                        .keyBy(Interaction::getUserId)
                        .connect(catalogueEntries.broadcast(UserHistoryFunction.FRESH_INDEX))
                        .process(
                                new UserHistoryFunction(
                                                config.serving.maxHistory(),
                                                config.serving.historyWindow(),
                                                config.serving.halfLife(),
                                                config.serving.coldMinItems(),
                                                config.dedup,
                                                config.seen,
                                                config.stateTtl)
                                        .withModel(config.model))
                        .uid("user-history")
                        .name("User history, re-sent events dropped (RocksDB)");

        DataStream<CandidateUpdate> updates =
                Popularity.topItems(
                                history.getSideOutput(UserHistoryFunction.FIRST_COPIES),
                                config.popularityWindow,
                                config.popularitySlide,
                                config.popularityTop)
                        .map(CandidateUpdate::of)
                        // with the window that feeds it (parallelism 1), whatever the job's
                        .setParallelism(1)
                        .uid("popular-update")
                        .name("Popular items update");
        if (entries != null) {
            DataStream<CandidateUpdate> activity =
                    history.getSideOutput(UserHistoryFunction.FOLD_IN)
                            .keyBy(FoldInSample::getItem)
                            .process(
                                    new FoldIn(
                                            config.model,
                                            config.fresh.minInteractions(),
                                            config.fresh.ttl()))
                            .uid("fold-in")
                            .name("Fold-in of fresh items")
                            .map(CandidateUpdate::of)
                            .uid("fresh-update")
                            .name("Fresh item update");
            updates =
                    updates.union(
                            activity,
                            entries.map(CandidateUpdate::of)
                                    .setParallelism(1)
                                    .uid("catalogue-update")
                                    .name("Catalogue update"));
        }
        BroadcastStream<CandidateUpdate> candidates =
                updates.broadcast(
                        PopularFallback.POPULAR_STATE,
                        PopularFallback.FRESH_STATE,
                        PopularFallback.WITHDRAWN_STATE);

        DataStream<ScoringRequest> requests =
                history.connect(candidates)
                        .process(
                                new PopularFallback(config.model, config.serving.k(), config.fresh))
                        .uid("popular-fallback")
                        .name("Popular, fresh and withdrawn items");

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
        io.recstream.jobs.launch.JobLauncher.recommend(env, config);
        env.execute(JOB_NAME);
    }
}
