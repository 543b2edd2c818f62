package io.recstream.jobs.evaluation;

import io.recstream.jobs.drift.Signals;
import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.model.Vocabulary;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Whether each new item (in the catalogue, not in the model) was shown within {@code within} of its
 * admission (keyed by item id). An item is admitted at its catalogue {@code created_at}, or at the
 * current event time if that is later (a catalogue read from its start does not count items
 * admitted before the monitor ran); it is shown when a recommendation made within the period holds
 * it. At admission + {@code within} (event time) one {@code true}/{@code false} comes out, which
 * {@link Share} turns into {@link Signals#FRESH_ITEM_COVERAGE} per window.
 */
public final class FreshCoverage
        extends KeyedCoProcessFunction<String, CatalogueItem, Tuple2<String, Long>, Boolean> {

    private static final long DONE = Long.MIN_VALUE;

    private final long withinMillis;
    private transient ValueState<Long> admitted;
    private transient ValueState<Boolean> shown;

    public FreshCoverage(Duration within) {
        this.withinMillis = within.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl =
                StateTtlConfig.newBuilder(Duration.ofMillis(Math.max(withinMillis, 1) * 24 * 30))
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .cleanupFullSnapshot()
                        .build();
        ValueStateDescriptor<Long> a = new ValueStateDescriptor<>("admitted-at", Types.LONG);
        a.enableTimeToLive(ttl);
        admitted = getRuntimeContext().getState(a);
        ValueStateDescriptor<Boolean> s = new ValueStateDescriptor<>("shown", Types.BOOLEAN);
        s.enableTimeToLive(ttl);
        shown = getRuntimeContext().getState(s);
    }

    /** A catalogue record of an item the model does not know (the caller filters). */
    @Override
    public void processElement1(CatalogueItem item, Context ctx, Collector<Boolean> out)
            throws Exception {
        if (admitted.value() != null || !item.isAvailable()) {
            return; // admitted once, or withdrawn before it was
        }
        long at = Math.max(item.getCreatedAt(), ctx.timerService().currentWatermark());
        admitted.update(at);
        ctx.timerService().registerEventTimeTimer(at + withinMillis);
    }

    /** The item's id and the event time of a recommendation that holds it. */
    @Override
    public void processElement2(Tuple2<String, Long> shownAt, Context ctx, Collector<Boolean> out)
            throws Exception {
        long recommendedAt = shownAt.f1;
        Long at = admitted.value();
        if (at != null && at != DONE && recommendedAt >= at && recommendedAt <= at + withinMillis) {
            shown.update(true);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Boolean> out)
            throws Exception {
        Long at = admitted.value();
        if (at == null || at == DONE || at + withinMillis != timestamp) {
            return;
        }
        out.collect(Boolean.TRUE.equals(shown.value()));
        admitted.update(DONE);
        shown.clear();
    }

    /** Catalogue records of items the model does not know. */
    public static final class NotInModel extends RichFilterFunction<CatalogueItem> {
        private final String modelDirectory;
        private transient Vocabulary vocabulary;

        public NotInModel(String modelDirectory) {
            this.modelDirectory = modelDirectory;
        }

        @Override
        public void open(OpenContext openContext) {
            vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
        }

        @Override
        public boolean filter(CatalogueItem item) {
            return vocabulary.indexOf(item.getItemId()) < 0;
        }
    }

    /** (item id, event time) for each item of a recommendation the model does not know. */
    public static final class Shown
            extends RichFlatMapFunction<Recommendation, Tuple2<String, Long>> {
        private final String modelDirectory;
        private transient Vocabulary vocabulary;

        public Shown(String modelDirectory) {
            this.modelDirectory = modelDirectory;
        }

        @Override
        public void open(OpenContext openContext) {
            vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
        }

        @Override
        public void flatMap(Recommendation r, Collector<Tuple2<String, Long>> out) {
            for (String id : r.getItemIds()) {
                if (vocabulary.indexOf(id) < 0) {
                    out.collect(Tuple2.of(id, r.getEventTime()));
                }
            }
        }
    }

    /** The share of items shown, per window (counts: shown, all). */
    public static final class Share implements AggregateFunction<Boolean, long[], long[]> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(Boolean shown, long[] acc) {
            acc[0] += shown ? 1 : 0;
            acc[1]++;
            return acc;
        }

        @Override
        public long[] getResult(long[] acc) {
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            a[0] += b[0];
            a[1] += b[1];
            return a;
        }
    }

    /** Emits the window's share as {@link Signals#FRESH_ITEM_COVERAGE}. */
    public static final class ToSignal
            extends ProcessAllWindowFunction<long[], SignalValue, TimeWindow> {
        private final String modelVersion;

        public ToSignal(String modelVersion) {
            this.modelVersion = modelVersion;
        }

        @Override
        public void process(Context ctx, Iterable<long[]> counts, Collector<SignalValue> out) {
            long[] c = counts.iterator().next();
            out.collect(
                    new SignalValue(
                            Signals.FRESH_ITEM_COVERAGE,
                            modelVersion,
                            Signals.ALL,
                            (double) c[0] / Math.max(1, c[1]),
                            c[1],
                            ctx.window().getStart(),
                            ctx.window().getEnd(),
                            Double.NaN,
                            Double.NaN));
        }
    }
}
