package io.recstream.jobs.drift;

import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.model.ModelBundle;
import java.io.Serializable;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Per window of interactions: the category histogram of the items users interact with, against the
 * reference's input categories, and the share of interactions with items the model was not trained
 * on ({@link Signals#UNKNOWN_ITEM_RATE}). Items only the catalogue knows count in their catalogue
 * categories (a category the reference never saw in {@link Histogram#UNSEEN}); items nobody knows
 * are left out of the histogram, so it compares categories only.
 */
public final class InputStats implements Serializable {

    private final String modelDirectory;
    private final double alpha;
    private final Histogram categories;
    private final String modelVersion;

    public InputStats(String modelDirectory, double alpha) {
        this.modelDirectory = modelDirectory;
        this.alpha = alpha;
        ModelBundle bundle = ModelRegistry.bundle(modelDirectory);
        this.categories =
                Histogram.categorical(
                        bundle.profile().inputCategories(), bundle.profile().events());
        this.modelVersion = bundle.version();
    }

    /** A window's counts. */
    public static class Counts {
        public double[] categories;
        public long interactions;

        /** Interactions with items the model does not know (in the catalogue or not). */
        public long unknownToModel;

        /** Interactions counted in the category histogram. */
        public long categorized;

        public Counts() {}
    }

    public AggregateFunction<ItemCategories, Counts, Counts> aggregate() {
        return new Aggregate(this);
    }

    public ProcessAllWindowFunction<Counts, SignalValue, TimeWindow> signals() {
        return new ToSignals(this);
    }

    static final class Aggregate implements AggregateFunction<ItemCategories, Counts, Counts> {
        private final InputStats stats;

        Aggregate(InputStats stats) {
            this.stats = stats;
        }

        @Override
        public Counts createAccumulator() {
            Counts c = new Counts();
            c.categories = new double[stats.categories.size()];
            return c;
        }

        @Override
        public Counts add(ItemCategories i, Counts c) {
            c.interactions++;
            if (i.getKnown() != ItemCategories.MODEL) {
                c.unknownToModel++;
            }
            String[] cats = i.getCategories();
            if (cats.length > 0) {
                c.categorized++;
                double share = 1.0 / cats.length;
                for (String cat : cats) {
                    c.categories[stats.categories.bucketOf(cat)] += share;
                }
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
            a.interactions += b.interactions;
            a.unknownToModel += b.unknownToModel;
            a.categorized += b.categorized;
            return a;
        }
    }

    static final class ToSignals extends ProcessAllWindowFunction<Counts, SignalValue, TimeWindow> {
        private final InputStats stats;

        ToSignals(InputStats stats) {
            this.stats = stats;
        }

        @Override
        public void process(Context ctx, Iterable<Counts> counts, Collector<SignalValue> out) {
            Counts c = counts.iterator().next();
            RecommendationStats.emitDivergences(
                    out,
                    Signals.INPUT_CATEGORY,
                    stats.categories.compare(c.categories, stats.alpha),
                    c.categorized,
                    ctx.window().getStart(),
                    ctx.window().getEnd(),
                    stats.modelVersion);
            out.collect(
                    RecommendationStats.value(
                            Signals.UNKNOWN_ITEM_RATE,
                            (double) c.unknownToModel / Math.max(1, c.interactions),
                            c.interactions,
                            ctx.window().getStart(),
                            ctx.window().getEnd(),
                            stats.modelVersion));
        }
    }
}
