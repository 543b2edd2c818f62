package io.recstream.jobs.inference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.faults.FaultPoints;
import io.recstream.jobs.faults.WithFaultPoint;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.model.ModelBundle;
import io.recstream.model.OnnxScorer;
import io.recstream.model.Ranking;
import io.recstream.model.Vocabulary;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Turns scoring requests into recommendations. Cold users are answered at once from the fallback
 * list ({@link Strategy#POPULAR}); warm users go through the shared {@link MicroBatcher}, and their
 * candidates are filtered (seen items dropped, top k kept, filled from the fallback). Used with
 * Flink's async I/O operator, whose timeout is the inference deadline: a request not answered in
 * time gets the fallback ({@link Strategy#DEADLINE_FALLBACK}).
 */
public final class ScoringFunction extends RichAsyncFunction<ScoringRequest, Recommendation>
        implements WithFaultPoint {

    private final MicroBatcher.Settings settings;
    private final int k;
    private final long deadlineMillis;

    private transient MicroBatcher batcher;
    private transient Vocabulary vocabulary;
    private transient String modelVersion;
    private transient Counter modelCount;
    private transient Counter popularCount;
    private transient Counter deadlineCount;
    private transient Counter failureCount;
    private transient Timer latency;

    static final String RECOMMENDATIONS = "recstream.recommendations";
    static final String RECOMMENDATIONS_HELP =
            "recommendations emitted, by strategy and model version";

    /** Requests waiting for the model, so that a request is answered (and counted) once. */
    private transient Map<ScoringRequest, AtomicBoolean> inFlight;

    public ScoringFunction(MicroBatcher.Settings settings, int k, long deadlineMillis) {
        this.settings = settings;
        this.k = k;
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        ModelBundle bundle = ModelRegistry.bundle(settings.modelDirectory());
        vocabulary = bundle.vocabulary();
        modelVersion = bundle.version();
        batcher = MicroBatcher.acquire(settings);
        String v = modelVersion;
        modelCount =
                Metrics.counter(
                        RECOMMENDATIONS,
                        RECOMMENDATIONS_HELP,
                        "strategy",
                        "MODEL",
                        "model_version",
                        v);
        popularCount =
                Metrics.counter(
                        RECOMMENDATIONS,
                        RECOMMENDATIONS_HELP,
                        "strategy",
                        "POPULAR",
                        "model_version",
                        v);
        deadlineCount =
                Metrics.counter(
                        RECOMMENDATIONS,
                        RECOMMENDATIONS_HELP,
                        "strategy",
                        "DEADLINE_FALLBACK",
                        "model_version",
                        v);
        latency =
                Metrics.timer(
                        "recstream.recommendation.latency",
                        "event time to emit time of recommendations");
        failureCount =
                Metrics.counter(
                        "recstream.inference.failures",
                        "requests the model failed to score (a failed batch, or non-finite scores)",
                        "model_version",
                        v);
        inFlight = Collections.synchronizedMap(new IdentityHashMap<>());
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.release();
            batcher = null;
        }
    }

    @Override
    public String faultPoint() {
        return FaultPoints.SCORER;
    }

    @Override
    public void asyncInvoke(ScoringRequest request, ResultFuture<Recommendation> result)
            throws Exception {
        FaultPoints.record(faultPoint());
        if (request.isCold()) {
            popularCount.increment();
            result.complete(List.of(fallback(request, Strategy.POPULAR)));
            return;
        }
        AtomicBoolean answered = new AtomicBoolean();
        inFlight.put(request, answered);
        long expires = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        batcher.submit(
                request.getItems(),
                request.getWeights(),
                request.consumedItems(),
                expires,
                new MicroBatcher.Callback() {
                    @Override
                    public void scored(OnnxScorer.Scores scores, int row) {
                        if (!finite(scores, row)) {
                            // never serve NaN: the model broke at run time (its bundle was
                            // probed at start-up); answered like any failed batch
                            failed(
                                    new IllegalStateException(
                                            "non-finite scores from model " + modelVersion));
                            return;
                        }
                        if (!claim(request, answered)) {
                            return; // the deadline fallback went out already
                        }
                        Ranking.Ranked ranked =
                                Ranking.select(
                                        scores.indices(),
                                        scores.scores(),
                                        row * scores.k(),
                                        scores.k(),
                                        request.getItems(),
                                        request.getItems().length,
                                        request.consumedItems(),
                                        request.getFallback(),
                                        request.getFallbackScores(),
                                        k);
                        modelCount.increment();
                        result.complete(
                                List.of(
                                        recommendation(
                                                request,
                                                ranked.items(),
                                                ranked.scores(),
                                                Strategy.MODEL)));
                    }

                    @Override
                    public void failed(Throwable error) {
                        failureCount.increment();
                        if (!claim(request, answered)) {
                            return;
                        }
                        deadlineCount.increment();
                        result.complete(List.of(fallback(request, Strategy.DEADLINE_FALLBACK)));
                    }
                });
    }

    @Override
    public void timeout(ScoringRequest request, ResultFuture<Recommendation> result) {
        AtomicBoolean answered = inFlight.get(request);
        if (answered != null && !claim(request, answered)) {
            return; // the model's answer won the race
        }
        deadlineCount.increment();
        result.complete(List.of(fallback(request, Strategy.DEADLINE_FALLBACK)));
    }

    private static boolean finite(OnnxScorer.Scores scores, int row) {
        for (int r = 0; r < scores.k(); r++) {
            if (!Float.isFinite(scores.score(row, r))) {
                return false;
            }
        }
        return true;
    }

    private boolean claim(ScoringRequest request, AtomicBoolean answered) {
        if (answered.compareAndSet(false, true)) {
            inFlight.remove(request);
            return true;
        }
        return false;
    }

    private Recommendation fallback(ScoringRequest request, Strategy strategy) {
        int n = Math.min(k, request.getFallback().length);
        int[] items = java.util.Arrays.copyOf(request.getFallback(), n);
        float[] scores = java.util.Arrays.copyOf(request.getFallbackScores(), n);
        return recommendation(request, items, scores, strategy);
    }

    private Recommendation recommendation(
            ScoringRequest request, int[] items, float[] scores, Strategy strategy) {
        String[] ids = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            ids[i] = vocabulary.itemId(items[i]);
        }
        long now = System.currentTimeMillis();
        latency.record(Math.max(0, now - request.getEventTime()), TimeUnit.MILLISECONDS);
        return new Recommendation(
                request.getRequestKey(),
                request.getUserId(),
                ids,
                scores,
                strategy,
                modelVersion,
                request.getEventTime(),
                now);
    }
}
