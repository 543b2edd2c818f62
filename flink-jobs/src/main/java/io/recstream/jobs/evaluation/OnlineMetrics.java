package io.recstream.jobs.evaluation;

import io.recstream.jobs.events.Outcome;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.SlotKind;
import io.recstream.jobs.windows.PreAggregation;
import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Windowed online metrics from outcomes, per model version and strategy, per model version over all
 * strategies ({@link #ALL}), and per slot kind ({@code slot:MODEL}, {@code slot:FRESH}, {@code
 * slot:POPULAR}, {@code slot:EXPLORE} in the strategy field: over the outcomes whose list held such
 * a slot, a hit is a first hit in such a slot): hit-rate@K (share of outcomes with a hit in the
 * list), NDCG@K (1 / log2(rank + 2) of the first hit; one relevant item, so the ideal DCG is 1),
 * MRR (1 / (rank + 1)), and the number of outcomes. Windows are on the outcome's close time.
 */
public final class OnlineMetrics {
    private OnlineMetrics() {}

    public static final String ALL = "ALL";
    public static final String HIT_RATE = "hit_rate_at_k";
    public static final String NDCG = "ndcg_at_k";
    public static final String MRR = "mrr";
    public static final String OUTCOMES = "outcomes";

    /** Prefix of the strategy field of the per-slot-kind metrics. */
    public static final String SLOT = "slot:";

    public static DataStream<SignalValue> compute(
            DataStream<Outcome> outcomes, Duration size, Duration slide) {
        DataStream<Tuple2<String, Outcome>> keyed =
                outcomes.<Tuple2<String, Outcome>>flatMap(
                                (o, out) -> {
                                    out.collect(
                                            Tuple2.of(
                                                    o.getModelVersion() + "|" + o.getStrategy(),
                                                    o));
                                    out.collect(Tuple2.of(o.getModelVersion() + "|" + ALL, o));
                                    for (SlotKind kind : SlotKind.values()) {
                                        if (o.hadSlot(kind)) {
                                            out.collect(
                                                    Tuple2.of(
                                                            o.getModelVersion()
                                                                    + "|"
                                                                    + SLOT
                                                                    + kind.name(),
                                                            o.forSlot(kind)));
                                        }
                                    }
                                })
                        .returns(Types.TUPLE(Types.STRING, Types.POJO(Outcome.class)))
                        .name("Per version and strategy");
        // Summed per pane in memory first (see PreAggregation), then merged by the windows.
        return PreAggregation.perPane(
                        keyed,
                        new Sums(),
                        t -> t.f0,
                        Types.STRING,
                        TypeInformation.of(MetricSums.class),
                        slide,
                        "online-metrics-panes",
                        "Online metrics per pane")
                .keyBy(t -> t.f0)
                .window(SlidingEventTimeWindows.of(size, slide))
                .aggregate(
                        PreAggregation.<String, MetricSums, MetricSums>mergingPartials(new Sums()),
                        new ToSignals(),
                        TypeInformation.of(MetricSums.class),
                        TypeInformation.of(MetricSums.class),
                        TypeInformation.of(SignalValue.class))
                .uid("online-metrics")
                .name("Online metrics (sliding window)");
    }

    /** Sums over a window: count, hits, DCG, reciprocal rank. */
    public static class MetricSums {
        public long count;
        public long hits;
        public double dcg;
        public double reciprocalRank;

        public MetricSums() {}
    }

    static final class Sums
            implements AggregateFunction<Tuple2<String, Outcome>, MetricSums, MetricSums> {
        @Override
        public MetricSums createAccumulator() {
            return new MetricSums();
        }

        @Override
        public MetricSums add(Tuple2<String, Outcome> value, MetricSums acc) {
            Outcome o = value.f1;
            acc.count++;
            if (o.isHit()) {
                acc.hits++;
                acc.dcg += 1.0 / (Math.log(o.getHitRank() + 2) / Math.log(2));
                acc.reciprocalRank += 1.0 / (o.getHitRank() + 1);
            }
            return acc;
        }

        @Override
        public MetricSums getResult(MetricSums acc) {
            return acc;
        }

        @Override
        public MetricSums merge(MetricSums a, MetricSums b) {
            a.count += b.count;
            a.hits += b.hits;
            a.dcg += b.dcg;
            a.reciprocalRank += b.reciprocalRank;
            return a;
        }
    }

    static final class ToSignals
            extends ProcessWindowFunction<MetricSums, SignalValue, String, TimeWindow> {
        @Override
        public void process(
                String key, Context ctx, Iterable<MetricSums> sums, Collector<SignalValue> out) {
            MetricSums s = sums.iterator().next();
            int bar = key.lastIndexOf('|');
            String version = key.substring(0, bar);
            String strategy = key.substring(bar + 1);
            long start = ctx.window().getStart();
            long end = ctx.window().getEnd();
            double n = Math.max(1, s.count);
            out.collect(signal(HIT_RATE, version, strategy, s.hits / n, s.count, start, end));
            out.collect(signal(NDCG, version, strategy, s.dcg / n, s.count, start, end));
            out.collect(signal(MRR, version, strategy, s.reciprocalRank / n, s.count, start, end));
            out.collect(signal(OUTCOMES, version, strategy, s.count, s.count, start, end));
        }
    }

    static SignalValue signal(
            String name,
            String version,
            String strategy,
            double value,
            long n,
            long start,
            long end) {
        return new SignalValue(
                name, version, strategy, value, n, start, end, Double.NaN, Double.NaN);
    }
}
