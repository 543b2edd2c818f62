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
        int[] excluded = excluded(request);
        int[] items = request.getItems();
        float[] weights = request.getWeights();
        int known = 0;
        for (int item : items) {
            known += item < vocabulary.size() ? 1 : 0;
        }
        if (known < items.length) {
            // fresh items are not in the model's tables: the model sees the user's model items
            int[] ki = new int[known];
            float[] kw = new float[known];
            for (int i = 0, j = 0; i < items.length; i++) {
                if (items[i] < vocabulary.size()) {
                    ki[j] = items[i];
                    kw[j++] = weights[i];
                }
            }
            items = ki;
            weights = kw;
        }
        int modelExcluded = 0;
        while (modelExcluded < excluded.length && excluded[modelExcluded] < vocabulary.size()) {
            modelExcluded++;
        }
        batcher.submit(
                items,
                weights,
                modelExcluded == excluded.length
                        ? excluded
                        : java.util.Arrays.copyOf(excluded, modelExcluded),
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
                                        excluded,
                                        request.getFallback(),
                                        request.getFallbackScores(),
                                        k);
                        modelCount.increment();
                        result.complete(
                                List.of(
                                        recommendation(
                                                request,
                                                Slots.fill(
                                                        ranked,
                                                        request.getFreshItems(),
                                                        request.getFreshScores(),
                                                        request.getExploreItem(),
                                                        request.getExploreScore(),
                                                        k),
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

    /** Everything the user may not be served: consumed and withdrawn items, sorted. */
    private static int[] excluded(ScoringRequest request) {
        int[] consumed = request.consumedItems();
        int[] withdrawn = request.getWithdrawn();
        if (withdrawn.length == 0) {
            return consumed;
        }
        int[] all = new int[consumed.length + withdrawn.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < consumed.length || j < withdrawn.length) {
            int next =
                    j >= withdrawn.length || (i < consumed.length && consumed[i] <= withdrawn[j])
                            ? consumed[i++]
                            : withdrawn[j++];
            if (n == 0 || all[n - 1] != next) {
                all[n++] = next;
            }
        }
        return n == all.length ? all : java.util.Arrays.copyOf(all, n);
    }

    private Recommendation fallback(ScoringRequest request, Strategy strategy) {
        return recommendation(
                request,
                Slots.fallback(
                        request.getFallback(),
                        request.getFallbackScores(),
                        request.getExploreItem(),
                        request.getExploreScore(),
                        k),
                strategy);
    }

    private Recommendation recommendation(
            ScoringRequest request, Slots.Filled filled, Strategy strategy) {
        int[] items = filled.items();
        float[] scores = filled.scores();
        String[] ids = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            ids[i] =
                    items[i] < vocabulary.size()
                            ? vocabulary.itemId(items[i])
                            : request.extraId(items[i]);
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
                        now)
                .withSlots(filled.kinds());
    }
}
