package io.recstream.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.model.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The input signals on a scripted window: items only the catalogue knows count in their catalogue
 * categories, items nobody knows are left out of the category histogram, and both count in
 * unknown_item_rate.
 */
class InputStatsTest {

    private static Path model;
    private static Vocabulary vocabulary;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(11L, "input-stats");
        vocabulary = ModelBundle.load(model).vocabulary();
    }

    /** The window's signals for these interactions (item ids), given the catalogue. */
    private static Map<String, SignalValue> signals(
            List<String> items, Map<String, String[]> catalogue) throws Exception {
        InputStats stats = new InputStats(model.toString(), 0.5);
        var aggregate = stats.aggregate();
        InputStats.Counts c = aggregate.createAccumulator();
        for (String item : items) {
            c = aggregate.add(Categorize.of(vocabulary, item, catalogue.get(item)), c);
        }
        Map<String, SignalValue> out = new HashMap<>();
        InputStats.ToSignals fn = new InputStats.ToSignals(stats);
        TimeWindow window = new TimeWindow(0, 60_000);
        InputStats.Counts counts = c;
        fn.process(
                fn.new Context() {
                    @Override
                    public TimeWindow window() {
                        return window;
                    }

                    @Override
                    public KeyedStateStore windowState() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public KeyedStateStore globalState() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public <X> void output(OutputTag<X> tag, X value) {}
                },
                List.of(counts),
                new Collector<>() {
                    @Override
                    public void collect(SignalValue v) {
                        out.put(v.getSignal(), v);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    /** Model items as the training data had them: popular first, by the vocabulary's order. */
    private static List<String> modelItems(int n) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(vocabulary.itemId(i % 20));
        }
        return items;
    }

    @Test
    void catalogueItemsCountInTheirCategoriesAndUnknownItemsOnlyInTheirOwnSignal()
            throws Exception {
        String category = vocabulary.categories(0).get(0);
        Map<String, String[]> catalogue = Map.of("new-1", new String[] {category});
        List<String> items = new ArrayList<>(modelItems(60));
        for (int i = 0; i < 20; i++) {
            items.add("new-1");
            items.add("nobody-knows-" + i);
        }
        Map<String, SignalValue> s = signals(items, catalogue);
        assertThat(s.get(Signals.UNKNOWN_ITEM_RATE).getValue()).isCloseTo(0.4, within(1e-9));
        assertThat(s.get(Signals.UNKNOWN_ITEM_RATE).getSamples()).isEqualTo(100);
        SignalValue kl = s.get(Signals.INPUT_CATEGORY + Signals.KL);
        assertThat(kl.getSamples()).as("only categorised interactions").isEqualTo(80);

        // the same window where nothing is new: unknown_item_rate 0, and the category KL is
        // that of the model items and new-1's category alone
        List<String> known = new ArrayList<>(modelItems(60));
        for (int i = 0; i < 20; i++) {
            known.add(vocabulary.itemId(0));
        }
        Map<String, SignalValue> k = signals(known, Map.of());
        assertThat(k.get(Signals.UNKNOWN_ITEM_RATE).getValue()).isZero();
        assertThat(kl.getValue())
                .as("new-1 counted in its category as item 0 is: the same histogram")
                .isCloseTo(k.get(Signals.INPUT_CATEGORY + Signals.KL).getValue(), within(1e-9));

        // without the catalogue, new-1 is unknown too: out of the histogram, into the rate
        Map<String, SignalValue> n = signals(items, Map.of());
        assertThat(n.get(Signals.UNKNOWN_ITEM_RATE).getValue()).isCloseTo(0.4, within(1e-9));
        assertThat(n.get(Signals.INPUT_CATEGORY + Signals.KL).getSamples()).isEqualTo(60);
    }

    @Test
    void aCategoryTheReferenceNeverSawRaisesTheCategoryKl() throws Exception {
        Map<String, String[]> catalogue = new HashMap<>();
        List<String> items = new ArrayList<>(modelItems(50));
        for (int i = 0; i < 50; i++) {
            catalogue.put("odd-" + i, new String[] {"a category never seen"});
            items.add("odd-" + i);
        }
        double shifted =
                signals(items, catalogue).get(Signals.INPUT_CATEGORY + Signals.KL).getValue();
        double calm =
                signals(modelItems(100), Map.of())
                        .get(Signals.INPUT_CATEGORY + Signals.KL)
                        .getValue();
        assertThat(shifted).isGreaterThan(calm + 0.3);
    }
}
