package io.recstream.jobs.windows;

import java.time.Duration;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * In-memory pre-aggregation per window pane ahead of an event-time window operator: see {@link
 * PaneCombiner}. The window after it aggregates with {@link #mergingPartials}, keeps the same
 * accumulator type in its state (so savepoints of the windows stay compatible) and gives the same
 * results as windowing the records themselves.
 */
public final class PreAggregation {
    private PreAggregation() {}

    /**
     * Partials (distinct keys and panes) a combiner holds at most before it emits them all: enough
     * for a catalog's items in one pane, few enough to bound its memory to a few megabytes.
     */
    public static final int MAX_PARTIALS = 50_000;

    /**
     * Partial accumulators of {@code in} per key and per pane of {@code slide}, chained to the
     * operator before it.
     */
    public static <IN, K, ACC> SingleOutputStreamOperator<Tuple2<K, ACC>> perPane(
            DataStream<IN> in,
            AggregateFunction<IN, ACC, ?> aggregate,
            KeySelector<IN, K> key,
            TypeInformation<K> keyType,
            TypeInformation<ACC> accumulatorType,
            Duration slide,
            String uid,
            String name) {
        return in.transform(
                        name,
                        Types.TUPLE(keyType, accumulatorType),
                        new PaneCombiner<>(
                                aggregate,
                                key,
                                keyType,
                                accumulatorType,
                                slide.toMillis(),
                                MAX_PARTIALS))
                .uid(uid);
    }

    /** Partials of the whole stream (for windowAll), per pane of {@code slide}. */
    public static <IN, ACC> SingleOutputStreamOperator<Tuple2<Integer, ACC>> perPane(
            DataStream<IN> in,
            AggregateFunction<IN, ACC, ?> aggregate,
            TypeInformation<ACC> accumulatorType,
            Duration slide,
            String uid,
            String name) {
        return perPane(in, aggregate, new Whole<>(), Types.INT, accumulatorType, slide, uid, name);
    }

    /** An aggregate over partials of {@code aggregate}: adding a partial merges it. */
    public static <K, ACC, R> AggregateFunction<Tuple2<K, ACC>, ACC, R> mergingPartials(
            AggregateFunction<?, ACC, R> aggregate) {
        return new MergePartials<>(aggregate);
    }

    /** The one key of a whole-stream pre-aggregation. */
    static final class Whole<IN> implements KeySelector<IN, Integer> {
        @Override
        public Integer getKey(IN value) {
            return 0;
        }
    }

    static final class MergePartials<K, ACC, R>
            implements AggregateFunction<Tuple2<K, ACC>, ACC, R> {
        private final AggregateFunction<?, ACC, R> aggregate;

        MergePartials(AggregateFunction<?, ACC, R> aggregate) {
            this.aggregate = aggregate;
        }

        @Override
        public ACC createAccumulator() {
            return aggregate.createAccumulator();
        }

        @Override
        public ACC add(Tuple2<K, ACC> partial, ACC accumulator) {
            return aggregate.merge(accumulator, partial.f1);
        }

        @Override
        public R getResult(ACC accumulator) {
            return aggregate.getResult(accumulator);
        }

        @Override
        public ACC merge(ACC a, ACC b) {
            return aggregate.merge(a, b);
        }
    }
}
