package io.recstream.jobs.popularity;

import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.windows.PreAggregation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Streaming item popularity: counts per item in sliding event-time windows, then the top items of
 * each window. The result feeds the cold-start and deadline fallbacks.
 *
 * <p>Events are first counted per item in tumbling panes of one slide; the sliding windows then sum
 * pane counts. A sliding window assigns each input to window / slide windows (60 for an hour
 * sliding by a minute), each a read-modify-write of keyed state: fed with events, that is 60 state
 * updates per event; fed with panes, 60 per item and minute, whatever the event rate.
 *
 * <p>The pane counts themselves are added up in memory first, in the source's chain ({@link
 * PreAggregation}): what crosses the network to the pane windows, and what they read and write in
 * RocksDB, is one partial count per item and pane instead of every interaction.
 */
public final class Popularity {
    private Popularity() {}

    public static DataStream<PopularItems> topItems(
            DataStream<Interaction> interactions, Duration window, Duration slide, int top) {
        DataStream<Interaction> known =
                interactions.filter(i -> i.getItemIndex() >= 0).name("Known items");
        return PreAggregation.perPane(
                        known,
                        new Count(),
                        Interaction::getItemIndex,
                        Types.INT,
                        Types.LONG,
                        slide,
                        "popularity-pre-aggregation",
                        "Item counts in memory")
                .keyBy(partial -> partial.f0, Types.INT)
                .window(TumblingEventTimeWindows.of(slide))
                .aggregate(
                        PreAggregation.<Integer, Long, Long>mergingPartials(new Count()),
                        new WithWindowEnd(),
                        Types.LONG,
                        Types.LONG,
                        TypeInformation.of(ItemCount.class))
                .uid("popularity-panes")
                .name("Item counts per slide")
                .keyBy(ItemCount::getItem)
                .process(new SlidingCounts(window.toMillis(), slide.toMillis()))
                .uid("popularity-sliding")
                .name("Item popularity (sliding window)")
                .windowAll(TumblingEventTimeWindows.of(slide))
                .process(new Top(top))
                .uid("popularity-top")
                .name("Top items per window");
    }

    static final class Count implements AggregateFunction<Interaction, Long, Long> {
        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(Interaction value, Long acc) {
            return acc + 1;
        }

        @Override
        public Long getResult(Long acc) {
            return acc;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    static final class WithWindowEnd
            extends ProcessWindowFunction<Long, ItemCount, Integer, TimeWindow> {
        @Override
        public void process(
                Integer item, Context ctx, Iterable<Long> counts, Collector<ItemCount> out) {
            out.collect(new ItemCount(item, counts.iterator().next(), ctx.window().getEnd()));
        }
    }

    /** Keeps the {@code top} items of a window, most counted first, ties by index. */
    static final class Top extends ProcessAllWindowFunction<ItemCount, PopularItems, TimeWindow> {
        private final int top;

        Top(int top) {
            this.top = top;
        }

        @Override
        public void process(Context ctx, Iterable<ItemCount> counts, Collector<PopularItems> out) {
            out.collect(rank(counts, top, ctx.window().getEnd()));
        }
    }

    static PopularItems rank(Iterable<ItemCount> counts, int top, long windowEnd) {
        List<ItemCount> all = new ArrayList<>();
        counts.forEach(all::add);
        all.sort(
                Comparator.comparingLong(ItemCount::getCount)
                        .reversed()
                        .thenComparingInt(ItemCount::getItem));
        int n = Math.min(top, all.size());
        int[] items = new int[n];
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            items[i] = all.get(i).getItem();
            c[i] = all.get(i).getCount();
        }
        return new PopularItems(windowEnd, items, c);
    }
}
