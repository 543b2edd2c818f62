package io.recstream.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.model.Vocabulary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recommendation-side drift statistics in memory: windows of recommendations through the
 * aggregate and signal functions the monitor uses, every signal collected.
 */
class RecommendationStatsTest {

    private static Path model;
    private static Vocabulary vocabulary;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(9L, "stats");
        vocabulary = ModelBundle.load(model).vocabulary();
    }

    private static Recommendation rec(String key, Strategy strategy, long t, String... items) {
        float[] scores = new float[items.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = 1f - 0.1f * i;
        }
        return new Recommendation(key, "u-" + key, items, scores, strategy, "stats", t, t);
    }

    /** Signals of one 10 s window over {@code recs}, by signal name. */
    private static Map<String, SignalValue> window(List<Recommendation> recs) throws Exception {
        RecommendationStats stats = new RecommendationStats(model.toString(), 0.5);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<SignalValue> out = new ArrayList<>();
        env.fromData(recs)
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<Recommendation>forMonotonousTimestamps()
                                .withTimestampAssigner((r, t) -> r.getEventTime()))
                .windowAll(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
                .aggregate(
                        stats.aggregate(),
                        stats.signals(),
                        TypeInformation.of(RecommendationStats.Counts.class),
                        TypeInformation.of(RecommendationStats.Counts.class),
                        TypeInformation.of(SignalValue.class))
                .executeAndCollect()
                .forEachRemaining(out::add);
        Map<String, SignalValue> bySignal = new HashMap<>();
        for (SignalValue v : out) {
            assertThat(bySignal.put(v.getSignal(), v)).as("one window").isNull();
        }
        return bySignal;
    }

    private static String item(int i) {
        return vocabulary.itemId(i);
    }

    @Test
    void coldShareCoverageAndScoredListsOfAWindow() throws Exception {
        Map<String, SignalValue> s =
                window(
                        List.of(
                                rec("a", Strategy.MODEL, 1_000, item(0), item(1)),
                                rec("b", Strategy.POPULAR, 2_000, item(2), "not-in-the-model"),
                                rec("c", Strategy.MODEL, 3_000, item(0)),
                                rec("d", Strategy.POPULAR, 4_000, item(3)),
                                rec("e", Strategy.DEADLINE_FALLBACK, 5_000, item(4))));
        assertThat(s.get(Signals.COLD_USER_RATE).getValue())
                .as("POPULAR answers are cold users'")
                .isEqualTo(2.0 / 5);
        assertThat(s.get(Signals.COLD_USER_RATE).getSamples()).isEqualTo(5);
        assertThat(s.get(Signals.CATALOG_COVERAGE).getValue())
                .as("five distinct model items; an item the model does not know is left out")
                .isCloseTo(5.0 / vocabulary.size(), within(1e-12));
        assertThat(s.get(Signals.TOP1_SCORE + Signals.KL).getSamples())
                .as("only MODEL lists have a top-1 model score")
                .isEqualTo(2);
        assertThat(s.get(Signals.RECOMMENDED_CATEGORY + Signals.KL).getValue()).isNotNegative();
        assertThat(s.get(Signals.RECOMMENDED_CATEGORY + Signals.JS).getValue())
                .isBetween(0.0, Math.log(2) + 1e-9);
    }

    @Test
    void itemsTheModelDoesNotKnowLeaveTheCategoryHistogramAsItIs() throws Exception {
        Map<String, SignalValue> with =
                window(
                        List.of(
                                rec("a", Strategy.MODEL, 1_000, item(0), "fresh-1", item(5)),
                                rec("b", Strategy.MODEL, 2_000, "fresh-2", item(7))));
        Map<String, SignalValue> without =
                window(
                        List.of(
                                rec("a", Strategy.MODEL, 1_000, item(0), item(5)),
                                rec("b", Strategy.MODEL, 2_000, item(7))));
        for (String signal :
                List.of(
                        Signals.RECOMMENDED_CATEGORY + Signals.KL,
                        Signals.RECOMMENDED_CATEGORY + Signals.PSI,
                        Signals.CATALOG_COVERAGE)) {
            assertThat(with.get(signal).getValue())
                    .as(signal)
                    .isCloseTo(without.get(signal).getValue(), within(1e-12));
        }
    }
}
