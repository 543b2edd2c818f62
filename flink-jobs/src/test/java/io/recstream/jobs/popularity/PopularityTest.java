package io.recstream.jobs.popularity;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Sliding-window popularity over pre-counted panes gives exactly the per-window counts. */
class PopularityTest {

    private static final long MIN = 60_000;

    private static Interaction click(int item, long at) {
        Interaction i =
                new Interaction("e" + at, "u", "item-" + item, InteractionType.CLICK, null, at);
        i.setItemIndex(item);
        return i;
    }

    @Test
    void countsEachItemInEverySlidingWindowItFallsIn() throws Exception {
        List<Interaction> events =
                List.of(
                        click(1, 10_000),
                        click(1, 20_000),
                        click(2, 50_000),
                        click(1, MIN + 30_000),
                        click(2, 2 * MIN + 10_000),
                        click(2, 2 * MIN + 20_000),
                        click(2, 2 * MIN + 30_000),
                        click(3, 4 * MIN),
                        click(-1, 4 * MIN + 1)); // unknown item: not counted
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<Interaction> in =
                env.fromData(events)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Interaction>forMonotonousTimestamps()
                                        .withTimestampAssigner((e, t) -> e.getTimestamp()));
        Map<Long, Map<Integer, Long>> byWindowEnd = new LinkedHashMap<>();
        List<PopularItems> out = new ArrayList<>();
        Popularity.topItems(in, Duration.ofMinutes(3), Duration.ofMinutes(1), 10)
                .executeAndCollect()
                .forEachRemaining(out::add);
        for (PopularItems p : out) {
            Map<Integer, Long> counts = new LinkedHashMap<>();
            for (int i = 0; i < p.getItems().length; i++) {
                counts.put(p.getItems()[i], p.getCounts()[i]);
            }
            assertThat(byWindowEnd.put(p.getWindowEnd(), counts))
                    .as("one list per window")
                    .isNull();
        }
        assertThat(byWindowEnd)
                .containsExactly(
                        Map.entry(MIN, Map.of(1, 2L, 2, 1L)),
                        Map.entry(2 * MIN, Map.of(1, 3L, 2, 1L)),
                        Map.entry(3 * MIN, Map.of(2, 4L, 1, 3L)),
                        Map.entry(4 * MIN, Map.of(2, 3L, 1, 1L)),
                        Map.entry(5 * MIN, Map.of(2, 3L, 3, 1L)),
                        Map.entry(6 * MIN, Map.of(3, 1L)),
                        Map.entry(7 * MIN, Map.of(3, 1L)));
        assertThat(out.get(2).getItems()).as("most counted first").containsExactly(2, 1);
    }

    @Test
    void matchesABruteForceCountOverRandomTraffic() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(17);
        List<Interaction> events = new ArrayList<>();
        long t = 0;
        for (int n = 0; n < 3_000; n++) {
            t += random.nextInt(800); // about 20 minutes, with quiet gaps per item
            events.add(click(random.nextInt(40), t));
        }
        long window = 5 * MIN;
        long slide = MIN;
        // Expected: every window end with each item's events in [end - window, end).
        Map<Long, Map<Integer, Long>> expected = new java.util.TreeMap<>();
        for (long end = slide; end <= t + window + slide; end += slide) {
            Map<Integer, Long> counts = new java.util.HashMap<>();
            for (Interaction e : events) {
                if (e.getTimestamp() >= end - window && e.getTimestamp() < end) {
                    counts.merge(e.getItemIndex(), 1L, Long::sum);
                }
            }
            if (!counts.isEmpty()) {
                expected.put(end, counts);
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<Interaction> in =
                env.fromData(events)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Interaction>forMonotonousTimestamps()
                                        .withTimestampAssigner((e, ts) -> e.getTimestamp()));
        Map<Long, Map<Integer, Long>> actual = new java.util.TreeMap<>();
        Popularity.topItems(in, Duration.ofMillis(window), Duration.ofMillis(slide), 1_000)
                .executeAndCollect()
                .forEachRemaining(
                        p -> {
                            Map<Integer, Long> counts = new java.util.HashMap<>();
                            for (int i = 0; i < p.getItems().length; i++) {
                                counts.put(p.getItems()[i], p.getCounts()[i]);
                            }
                            actual.put(p.getWindowEnd(), counts);
                        });
        assertThat(actual).isEqualTo(expected);
    }
}
