package io.recstream.jobs.popularity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Sliding-window totals from per-slide pane counts, one timer per item and slide. */
class SlidingCountsTest {

    private static final long MIN = 60_000;

    private static KeyedOneInputStreamOperatorTestHarness<Integer, ItemCount, ItemCount> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new SlidingCounts(3 * MIN, MIN), ItemCount::getItem, Types.INT);
    }

    /** "item@windowEnd=count, timestamp" of every output, in order. */
    private static List<String> emitted(
            KeyedOneInputStreamOperatorTestHarness<Integer, ItemCount, ItemCount> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof ItemCount c) {
                out.add(
                        c.getItem()
                                + "@"
                                + c.getWindowEnd() / MIN
                                + "m="
                                + c.getCount()
                                + " ts "
                                + r.getTimestamp());
            }
        }
        return out;
    }

    @Test
    void everyWindowEndWithACountGetsTheTotalOfThePanesInsideIt() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new ItemCount(7, 2, MIN), MIN - 1);
            h.processElement(new ItemCount(7, 3, 2 * MIN), 2 * MIN - 1);
            h.processElement(new ItemCount(8, 4, 2 * MIN), 2 * MIN - 1);
            h.processElement(new ItemCount(7, 1, 5 * MIN), 5 * MIN - 1);
            h.processWatermark(10 * MIN);
            List<String> seven = new ArrayList<>();
            List<String> eight = new ArrayList<>();
            for (String e : emitted(h)) {
                (e.startsWith("7@") ? seven : eight).add(e);
            }
            // 3-minute windows every minute: a pane counts in the three windows ending at or
            // after it, and an item with nothing in a window is not emitted for it
            assertThat(seven)
                    .containsExactly(
                            "7@1m=2 ts " + (MIN - 1),
                            "7@2m=5 ts " + (2 * MIN - 1),
                            "7@3m=5 ts " + (3 * MIN - 1),
                            "7@4m=3 ts " + (4 * MIN - 1),
                            "7@5m=1 ts " + (5 * MIN - 1),
                            "7@6m=1 ts " + (6 * MIN - 1),
                            "7@7m=1 ts " + (7 * MIN - 1));
            assertThat(eight)
                    .containsExactly(
                            "8@2m=4 ts " + (2 * MIN - 1),
                            "8@3m=4 ts " + (3 * MIN - 1),
                            "8@4m=4 ts " + (4 * MIN - 1));
            assertThat(h.numKeyedStateEntries())
                    .as("state cleared once every pane is out")
                    .isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void twoCountsOfTheSamePaneAddUp() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(new ItemCount(7, 2, MIN), MIN - 1);
            h.processElement(new ItemCount(7, 5, MIN), MIN - 1);
            h.processWatermark(MIN);
            assertThat(emitted(h)).containsExactly("7@1m=7 ts " + (MIN - 1));
        }
    }

    @Test
    void aWindowThatIsNotAMultipleOfTheSlideIsRefused() {
        assertThatThrownBy(() -> new SlidingCounts(150_000, MIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of the slide");
    }
}
