package io.recstream.jobs.popularity;

import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * An item's count over a sliding event-time window, from its per-slide pane counts. Keeps the
 * item's panes still inside some future window; at every window end where the item has a count, an
 * event-time timer emits one {@link ItemCount} with that window's total and end, timestamped at the
 * window's last millisecond: what a sliding window operator emits, for one state update per pane
 * and one timer per item and slide, instead of an update and a timer for every window a pane falls
 * in.
 */
public final class SlidingCounts extends KeyedProcessFunction<Integer, ItemCount, ItemCount> {

    private final long window;
    private final long slide;

    /** Pairs of (pane end, count), oldest first. */
    private transient ValueState<long[]> panes;

    public SlidingCounts(long windowMillis, long slideMillis) {
        if (slideMillis <= 0 || windowMillis % slideMillis != 0) {
            throw new IllegalArgumentException("the window must be a multiple of the slide");
        }
        this.window = windowMillis;
        this.slide = slideMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        panes =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "pane-counts",
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(ItemCount pane, Context ctx, Collector<ItemCount> out)
            throws Exception {
        long end = pane.getWindowEnd();
        long[] p = panes.value();
        if (p == null) {
            p = new long[0];
        }
        int last = p.length - 2;
        if (last >= 0 && p[last] == end) {
            p[last + 1] += pane.getCount();
        } else {
            p = Arrays.copyOf(p, p.length + 2);
            p[p.length - 2] = end;
            p[p.length - 1] = pane.getCount();
        }
        panes.update(p);
        // the first window holding this pane ends with it
        ctx.timerService().registerEventTimeTimer(end - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemCount> out)
            throws Exception {
        long end = timestamp + 1;
        long[] p = panes.value();
        if (p == null) {
            return;
        }
        // Panes that ended at or before end - window are out of this window and all later ones.
        int first = 0;
        while (first < p.length && p[first] <= end - window) {
            first += 2;
        }
        long sum = 0;
        for (int i = first; i < p.length && p[i] <= end; i += 2) {
            sum += p[i + 1];
        }
        if (first == p.length) {
            panes.clear();
        } else if (first > 0) {
            panes.update(Arrays.copyOfRange(p, first, p.length));
        }
        if (sum > 0) {
            out.collect(new ItemCount(ctx.getCurrentKey(), sum, end));
        }
        if (first < p.length) {
            ctx.timerService().registerEventTimeTimer(end + slide - 1);
        }
    }
}
