package io.recstream.jobs.drift;

import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.model.ModelBundle;
import io.recstream.model.Vocabulary;
import java.io.Serializable;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Per window of interactions: the category histogram of the items users interact with, against the
 * reference's input categories. Items the model does not know count in {@link Histogram#UNSEEN}.
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

        public Counts() {}
    }

    public AggregateFunction<Interaction, Counts, Counts> aggregate() {
        return new Aggregate(this);
    }

    public ProcessAllWindowFunction<Counts, SignalValue, TimeWindow> signals() {
        return new ToSignals(this);
    }

    static final class Aggregate implements AggregateFunction<Interaction, Counts, Counts> {
        private final InputStats stats;
        private transient Vocabulary vocabulary;

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
        public Counts add(Interaction i, Counts c) {
            if (vocabulary == null) {
                vocabulary = ModelRegistry.bundle(stats.modelDirectory).vocabulary();
            }
            c.interactions++;
            stats.categories.addItem(c.categories, vocabulary, vocabulary.indexOf(i.getItemId()));
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
                    c.interactions,
                    ctx.window().getStart(),
                    ctx.window().getEnd(),
                    stats.modelVersion);
        }
    }
}
