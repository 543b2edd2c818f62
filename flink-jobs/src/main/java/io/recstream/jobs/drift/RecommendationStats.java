package io.recstream.jobs.drift;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.model.ModelBundle;
import io.recstream.model.ReferenceProfile;
import io.recstream.model.Vocabulary;
import java.io.Serializable;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Per window of recommendations: the recommended-category histogram, the top-1 model score
 * histogram (bins from the reference profile), the cold-start share and catalog coverage; turned
 * into KL / JS / PSI against the reference and rates.
 */
public final class RecommendationStats implements Serializable {

    private final String modelDirectory;
    private final double alpha;
    private final Histogram categories;
    private final Histogram scores;
    private final int items;
    private final String modelVersion;

    public RecommendationStats(String modelDirectory, double alpha) {
        this.modelDirectory = modelDirectory;
        this.alpha = alpha;
        ModelBundle bundle = ModelRegistry.bundle(modelDirectory);
        ReferenceProfile ref = bundle.profile();
        this.categories = Histogram.categorical(ref.recommendedCategories(), ref.events());
        this.scores =
                Histogram.binned(
                        ref.scoreHistogram().edges(),
                        ref.scoreHistogram().probabilities(),
                        ref.events());
        this.items = bundle.vocabulary().size();
        this.modelVersion = bundle.version();
    }

    /** A window's accumulated counts. */
    public static class Counts {
        public double[] categories;
        public double[] scores;
        public long recommendations;
        public long cold;
        public long[] recommended;

        public Counts() {}
    }

    public AggregateFunction<Recommendation, Counts, Counts> aggregate() {
        return new Aggregate(this);
    }

    public ProcessAllWindowFunction<Counts, SignalValue, TimeWindow> signals() {
        return new ToSignals(this);
    }

    static final class Aggregate implements AggregateFunction<Recommendation, Counts, Counts> {
        private final RecommendationStats stats;
        private transient Vocabulary vocabulary;

        Aggregate(RecommendationStats stats) {
            this.stats = stats;
        }

        @Override
        public Counts createAccumulator() {
            Counts c = new Counts();
            c.categories = new double[stats.categories.size()];
            c.scores = new double[stats.scores.size()];
            c.recommended = new long[(stats.items + 63) / 64];
            return c;
        }

        @Override
        public Counts add(Recommendation r, Counts c) {
            if (vocabulary == null) {
                vocabulary = ModelRegistry.bundle(stats.modelDirectory).vocabulary();
            }
            c.recommendations++;
            if (r.getStrategy() == Strategy.POPULAR) {
                c.cold++;
            }
            for (String id : r.getItemIds()) {
                // the model's items only: fresh items (served before the model knows them) have
                // no training-time counterpart to compare with
                int index = vocabulary.indexOf(id);
                if (index >= 0) {
                    stats.categories.addItem(c.categories, vocabulary, index);
                    c.recommended[index >>> 6] |= 1L << (index & 63);
                }
            }
            if (r.getStrategy() == Strategy.MODEL && r.getScores().length > 0) {
                c.scores[stats.scores.binOf(r.getScores()[0])]++;
            }
            return c;
        }

        @Override
        public Counts getResult(Counts c) {
            return c;
        }

        @Override
        public Counts merge(Counts a, Counts b) {
            for (int i = 0; i < a.categories.length; i++) {
                a.categories[i] += b.categories[i];
            }
            for (int i = 0; i < a.scores.length; i++) {
                a.scores[i] += b.scores[i];
            }
            for (int i = 0; i < a.recommended.length; i++) {
                a.recommended[i] |= b.recommended[i];
            }
            a.recommendations += b.recommendations;
            a.cold += b.cold;
            return a;
        }
    }

    static final class ToSignals extends ProcessAllWindowFunction<Counts, SignalValue, TimeWindow> {
        private final RecommendationStats stats;

        ToSignals(RecommendationStats stats) {
            this.stats = stats;
        }

        @Override
        public void process(Context ctx, Iterable<Counts> counts, Collector<SignalValue> out) {
            Counts c = counts.iterator().next();
            long start = ctx.window().getStart();
            long end = ctx.window().getEnd();
            emitDivergences(
                    out,
                    Signals.RECOMMENDED_CATEGORY,
                    stats.categories.compare(c.categories, stats.alpha),
                    c.recommendations,
                    start,
                    end,
                    stats.modelVersion);
            long scored = 0;
            for (double s : c.scores) {
                scored += (long) s;
            }
            emitDivergences(
                    out,
                    Signals.TOP1_SCORE,
                    stats.scores.compare(c.scores, stats.alpha),
                    scored,
                    start,
                    end,
                    stats.modelVersion);
            out.collect(
                    value(
                            Signals.COLD_USER_RATE,
                            (double) c.cold / Math.max(1, c.recommendations),
                            c.recommendations,
                            start,
                            end,
                            stats.modelVersion));
            long covered = 0;
            for (long word : c.recommended) {
                covered += Long.bitCount(word);
            }
            out.collect(
                    value(
                            Signals.CATALOG_COVERAGE,
                            (double) covered / Math.max(1, stats.items),
                            c.recommendations,
                            start,
                            end,
                            stats.modelVersion));
        }
    }

    static void emitDivergences(
            Collector<SignalValue> out,
            String family,
            Histogram.Divergences d,
            long samples,
            long start,
            long end,
            String version) {
        out.collect(value(family + Signals.KL, d.kl(), samples, start, end, version));
        out.collect(value(family + Signals.JS, d.js(), samples, start, end, version));
        out.collect(value(family + Signals.PSI, d.psi(), samples, start, end, version));
    }

    static SignalValue value(
            String signal, double v, long samples, long start, long end, String version) {
        return new SignalValue(
                signal, version, Signals.ALL, v, samples, start, end, Double.NaN, Double.NaN);
    }
}
