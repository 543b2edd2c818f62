package io.recstream.jobs.monitor;

import io.recstream.jobs.config.JobSetup;
import io.recstream.jobs.config.MonitorJobConfig;
import io.recstream.jobs.config.Options;
import io.recstream.jobs.dedup.Deduplicated;
import io.recstream.jobs.dedup.Identities;
import io.recstream.jobs.drift.AlertFunction;
import io.recstream.jobs.drift.Categorize;
import io.recstream.jobs.drift.InputStats;
import io.recstream.jobs.drift.ItemCategories;
import io.recstream.jobs.drift.RecommendationStats;
import io.recstream.jobs.drift.Signals;
import io.recstream.jobs.evaluation.FreshCoverage;
import io.recstream.jobs.evaluation.GroundTruthJoin;
import io.recstream.jobs.evaluation.OnlineMetrics;
import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.Outcome;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.jobs.serde.DeadLetterSerializer;
import io.recstream.jobs.serde.DriftAlertSerializer;
import io.recstream.jobs.serde.RecordFormat;
import io.recstream.jobs.serde.SignalValueSerializer;
import io.recstream.jobs.serde.SplitValid;
import io.recstream.jobs.windows.PreAggregation;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * The monitor job:
 *
 * <pre>
 * recommendations ─┬─▶ keyBy(user): join delayed feedback (horizon, lateness) ─▶ outcomes ─▶ hit-rate@K, NDCG@K, MRR
 * feedback ────────┘            └─▶ late feedback (counted)
 * recommendations ─▶ sliding windows: category / top-1 score histograms, cold-user share, coverage ─▶ KL, JS, PSI
 * interactions ────▶ sliding windows: category histogram ─▶ KL, JS, PSI
 *   all signals ─▶ keyBy(signal): alert state machine ─▶ drift-alerts (exactly once); every value ─▶ monitor-signals
 * </pre>
 *
 * It reads recommendations as any consumer does (read_committed), so it can be redeployed without
 * touching serving.
 */
public final class MonitorJob {

    public static final String JOB_NAME = "recstream-monitor";

    /** The Kafka sinks, each with transactional ids {@code <prefix>-<name>-...}. */
    public static final java.util.Set<String> SINK_NAMES =
            java.util.Set.of("dlq", "alerts", "signals");

    private final MonitorJobConfig config;
    private final Source<Either<DeadLetter, Recommendation>, ?, ?> recommendations;
    private final Source<Either<DeadLetter, Feedback>, ?, ?> feedback;
    private final Source<Either<DeadLetter, Interaction>, ?, ?> interactions;
    private Source<Either<DeadLetter, CatalogueItem>, ?, ?> catalogue;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<DriftAlert> alerts;
    private final Sink<SignalValue> signals;

    public MonitorJob(
            MonitorJobConfig config,
            Source<Either<DeadLetter, Recommendation>, ?, ?> recommendations,
            Source<Either<DeadLetter, Feedback>, ?, ?> feedback,
            Source<Either<DeadLetter, Interaction>, ?, ?> interactions,
            Sink<DeadLetter> deadLetters,
            Sink<DriftAlert> alerts,
            Sink<SignalValue> signals) {
        this.config = config;
        this.recommendations = recommendations;
        this.feedback = feedback;
        this.interactions = interactions;
        this.deadLetters = deadLetters;
        this.alerts = alerts;
        this.signals = signals;
    }

    /**
     * Reads the item catalogue from {@code catalogue} too, for the categories of items the model
     * does not know.
     */
    public MonitorJob withCatalogue(Source<Either<DeadLetter, CatalogueItem>, ?, ?> catalogue) {
        this.catalogue = catalogue;
        return this;
    }

    /** The job with Kafka sources and exactly-once Kafka sinks, as configured. */
    public static MonitorJob forKafka(MonitorJobConfig config) {
        String prefix = config.transactionalIdPrefix;
        MonitorJob job =
                new MonitorJob(
                        config,
                        JobSetup.kafkaSource(
                                config, config.recommendationsTopic, RecordFormat.RECOMMENDATION),
                        JobSetup.kafkaSource(config, config.feedbackTopic, RecordFormat.FEEDBACK),
                        JobSetup.kafkaSource(
                                config, config.interactionsTopic, RecordFormat.INTERACTION),
                        JobSetup.kafkaSink(
                                config,
                                new DeadLetterSerializer(config.deadLettersTopic),
                                prefix + "-dlq"),
                        JobSetup.kafkaSink(
                                config,
                                new DriftAlertSerializer(config.alertsTopic),
                                prefix + "-alerts"),
                        JobSetup.kafkaSink(
                                config,
                                new SignalValueSerializer(config.signalsTopic),
                                prefix + "-signals"));
        if (config.itemsTopic != null) {
            job.withCatalogue(JobSetup.catalogueSource(config, config.itemsTopic));
        }
        return job;
    }

    /** Wires the pipeline into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<Recommendation> recs =
                JobSetup.validated(
                        env,
                        recommendations,
                        RecordFormat.RECOMMENDATION,
                        config,
                        "recommendations");
        SingleOutputStreamOperator<Feedback> fb =
                JobSetup.validated(env, feedback, RecordFormat.FEEDBACK, config, "feedback");
        SingleOutputStreamOperator<Interaction> ints =
                JobSetup.validated(
                        env, interactions, RecordFormat.INTERACTION, config, "interactions");
        // Invalid interactions are the recommend job's to dead-letter (it owns that topic's
        // input); here they are only counted, so each bad record is dead-lettered once.
        recs.getSideOutput(SplitValid.DEAD_LETTERS)
                .union(fb.getSideOutput(SplitValid.DEAD_LETTERS))
                .sinkTo(deadLetters)
                .uid("dead-letters-sink")
                .name("Kafka: dead-letters");

        // Each request is counted once: a re-sent recommendation (same request key) or feedback
        // record (same fields) is dropped before anything joins or counts it.
        DataStream<Recommendation> uniqueRecs =
                Deduplicated.byUser(
                        recs,
                        Recommendation::getUserId,
                        "recommendation",
                        new Identities.OfRecommendation(),
                        config.dedup,
                        config.dedup.window(),
                        "dedup-recommendations",
                        "Drop re-sent recommendations (RocksDB)");
        DataStream<Feedback> uniqueFeedback =
                Deduplicated.byUser(
                        fb,
                        Feedback::getUserId,
                        "feedback",
                        new Identities.OfFeedback(),
                        config.dedup,
                        config.dedup.window(),
                        "dedup-feedback",
                        "Drop re-sent feedback (RocksDB)");
        SingleOutputStreamOperator<Outcome> outcomes =
                Deduplicated.keyedByUser(uniqueRecs, Recommendation::getUserId, config.dedup)
                        .connect(
                                Deduplicated.keyedByUser(
                                        uniqueFeedback, Feedback::getUserId, config.dedup))
                        .process(
                                new GroundTruthJoin(
                                        config.horizon.toMillis(),
                                        config.allowedLateness.toMillis()))
                        .uid("ground-truth-join")
                        .name("Join delayed feedback (event time)");

        String version = ModelRegistry.bundle(config.model).version();
        DataStream<SignalValue> late =
                outcomes.getSideOutput(GroundTruthJoin.LATE_FEEDBACK)
                        .map(
                                f ->
                                        new SignalValue(
                                                Signals.LATE_FEEDBACK,
                                                version,
                                                Signals.ALL,
                                                1,
                                                1,
                                                f.getTimestamp(),
                                                f.getTimestamp() + 1,
                                                Double.NaN,
                                                Double.NaN))
                        .returns(TypeInformation.of(SignalValue.class))
                        .name("Late feedback")
                        .keyBy(SignalValue::getSignal)
                        .reduce(
                                (a, b) ->
                                        new SignalValue(
                                                a.getSignal(),
                                                a.getModelVersion(),
                                                a.getStrategy(),
                                                a.getValue() + b.getValue(),
                                                a.getSamples() + b.getSamples(),
                                                Math.min(a.getWindowStart(), b.getWindowStart()),
                                                Math.max(a.getWindowEnd(), b.getWindowEnd()),
                                                Double.NaN,
                                                Double.NaN))
                        .uid("late-feedback-count")
                        .name("Count late feedback (running total)");

        DataStream<SignalValue> metrics =
                OnlineMetrics.compute(outcomes, config.window, config.slide);

        // Ticks are counted per pane in memory first (see PreAggregation): the window state is
        // then updated a few times per pane rather than once per record.
        DataStream<Tuple2<Long, Long>> recommendationTicks =
                ticks(uniqueRecs, true, "recommendation-ticks", "Recommendation");
        DataStream<Tuple2<Long, Long>> outcomeTicks =
                ticks(outcomes, false, "outcome-ticks", "Outcome");
        DataStream<SignalValue> completeness =
                recommendationTicks
                        .union(outcomeTicks)
                        .windowAll(SlidingEventTimeWindows.of(config.window, config.slide))
                        .reduce(
                                (a, b) -> Tuple2.of(a.f0 + b.f0, a.f1 + b.f1),
                                new Completeness(version))
                        .uid("label-completeness")
                        .name("Label completeness (sliding window)");

        RecommendationStats recStats = new RecommendationStats(config.model, config.smoothing);
        DataStream<SignalValue> recDrift =
                driftSignals(
                        uniqueRecs,
                        recStats.aggregate(),
                        recStats.signals(),
                        RecommendationStats.Counts.class,
                        "recommendation-drift",
                        "Recommendation drift");
        InputStats inputStats = new InputStats(config.model, config.smoothing);
        DataStream<ItemCategories> categorized;
        DataStream<SignalValue> coverage = null;
        if (catalogue != null) {
            SingleOutputStreamOperator<CatalogueItem> items =
                    JobSetup.validatedBroadcastSide(
                            env, catalogue, RecordFormat.ITEM, config, "items");
            coverage = freshCoverage(items, uniqueRecs);
            // the recommend job dead-letters bad catalogue records; here they are only counted
            categorized =
                    ints.connect(items.broadcast(Categorize.CATALOGUE_CATEGORIES))
                            .process(new Categorize(config.model))
                            .uid("categorize")
                            .name("Item categories (model, catalogue)");
        } else {
            categorized =
                    ints.map(new Categorize.ModelOnly(config.model))
                            .name("Item categories (model)");
        }
        DataStream<SignalValue> inputDrift =
                driftSignals(
                        categorized,
                        inputStats.aggregate(),
                        inputStats.signals(),
                        InputStats.Counts.class,
                        "input-drift",
                        "Input drift");

        SingleOutputStreamOperator<SignalValue> checked =
                (coverage == null
                                ? metrics.union(late, completeness, recDrift, inputDrift)
                                : metrics.union(late, completeness, recDrift, inputDrift, coverage))
                        .keyBy(
                                v ->
                                        v.getSignal()
                                                + "|"
                                                + v.getModelVersion()
                                                + "|"
                                                + v.getStrategy())
                        .process(new AlertFunction(config.alertRules))
                        .uid("alerts")
                        .name("Alert state machine");
        checked.sinkTo(signals).uid("signals-sink").name("Kafka: monitor-signals");
        checked.getSideOutput(AlertFunction.ALERTS)
                .sinkTo(alerts)
                .uid("alerts-sink")
                .name("Kafka: drift-alerts");
    }

    /**
     * Whole-stream sliding windows of {@code aggregate} (pre-aggregated per pane, see {@link
     * PreAggregation}) turned into signals; operator uids {@code <uid>} and {@code <uid>-panes}.
     */
    private <T, C> DataStream<SignalValue> driftSignals(
            DataStream<T> in,
            AggregateFunction<T, C, C> aggregate,
            ProcessAllWindowFunction<C, SignalValue, TimeWindow> signals,
            Class<C> counts,
            String uid,
            String name) {
        TypeInformation<C> type = TypeInformation.of(counts);
        return PreAggregation.perPane(
                        in, aggregate, type, config.slide, uid + "-panes", name + " per pane")
                .windowAll(SlidingEventTimeWindows.of(config.window, config.slide))
                .aggregate(
                        PreAggregation.mergingPartials(aggregate),
                        signals,
                        type,
                        type,
                        TypeInformation.of(SignalValue.class))
                .uid(uid)
                .name(name + " (sliding window)");
    }

    /**
     * {@link Signals#FRESH_ITEM_COVERAGE}: of the new items (in the catalogue, not in the model)
     * admitted, the share shown within {@code --fresh.coverage-within} of admission, per window.
     */
    private DataStream<SignalValue> freshCoverage(
            DataStream<CatalogueItem> items, DataStream<Recommendation> recs) {
        String model = config.model;
        DataStream<CatalogueItem> fresh =
                items.filter(new FreshCoverage.NotInModel(model))
                        .name("Items the model does not know");
        DataStream<Tuple2<String, Long>> shown =
                recs.flatMap(new FreshCoverage.Shown(model))
                        .returns(Types.TUPLE(Types.STRING, Types.LONG))
                        .name("Fresh items shown");
        return fresh.keyBy(CatalogueItem::getItemId)
                .connect(shown.keyBy(t -> t.f0))
                .process(new FreshCoverage(config.freshCoverageWithin))
                .uid("fresh-coverage")
                .name("New items shown within the period")
                .windowAll(SlidingEventTimeWindows.of(config.window, config.slide))
                .aggregate(
                        new FreshCoverage.Share(),
                        new FreshCoverage.ToSignal(ModelRegistry.bundle(model).version()),
                        TypeInformation.of(long[].class),
                        TypeInformation.of(long[].class),
                        TypeInformation.of(SignalValue.class))
                .uid("fresh-coverage-window")
                .name("Fresh item coverage (sliding window)");
    }

    /** (records, 0) or (0, records) per pane of the slide. */
    private <T> DataStream<Tuple2<Long, Long>> ticks(
            DataStream<T> in, boolean recommendations, String uid, String what) {
        return PreAggregation.perPane(
                        in,
                        new Ticks<T>(recommendations),
                        TICKS,
                        config.slide,
                        uid,
                        "Count " + what.toLowerCase(java.util.Locale.ROOT) + "s per pane")
                .map(t -> t.f1)
                .returns(TICKS)
                .name(what + " tick");
    }

    private static final TypeInformation<Tuple2<Long, Long>> TICKS =
            Types.TUPLE(Types.LONG, Types.LONG);

    /** Counts records as (recommendations, outcomes). */
    static final class Ticks<T>
            implements AggregateFunction<T, Tuple2<Long, Long>, Tuple2<Long, Long>> {
        private final boolean recommendation;

        Ticks(boolean recommendation) {
            this.recommendation = recommendation;
        }

        @Override
        public Tuple2<Long, Long> createAccumulator() {
            return Tuple2.of(0L, 0L);
        }

        @Override
        public Tuple2<Long, Long> add(T value, Tuple2<Long, Long> acc) {
            if (recommendation) {
                acc.f0++;
            } else {
                acc.f1++;
            }
            return acc;
        }

        @Override
        public Tuple2<Long, Long> getResult(Tuple2<Long, Long> acc) {
            return acc;
        }

        @Override
        public Tuple2<Long, Long> merge(Tuple2<Long, Long> a, Tuple2<Long, Long> b) {
            return Tuple2.of(a.f0 + b.f0, a.f1 + b.f1);
        }
    }

    /** Outcomes closed per recommendation made, in the same window. */
    static final class Completeness
            extends ProcessAllWindowFunction<Tuple2<Long, Long>, SignalValue, TimeWindow> {
        private final String version;

        Completeness(String version) {
            this.version = version;
        }

        @Override
        public void process(
                Context ctx, Iterable<Tuple2<Long, Long>> sums, Collector<SignalValue> out) {
            Tuple2<Long, Long> s = sums.iterator().next();
            if (s.f0 > 0) {
                out.collect(
                        new SignalValue(
                                Signals.LABEL_COMPLETENESS,
                                version,
                                Signals.ALL,
                                (double) s.f1 / s.f0,
                                s.f0,
                                ctx.window().getStart(),
                                ctx.window().getEnd(),
                                Double.NaN,
                                Double.NaN));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(
                    "recstream monitor job. Options:\n" + Options.help(MonitorJobConfig.OPTIONS));
            return;
        }
        MonitorJobConfig config = MonitorJobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        io.recstream.jobs.launch.JobLauncher.monitor(env, config);
        env.execute(JOB_NAME);
    }
}
