package io.recstream.jobs.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Pre-aggregating per pane gives the windows exactly what windowing the records gives them. */
class PaneCombinerTest {

    private static final long SLIDE = 1_000;

    /** Sum and count of the values, as a {count, sum} array. */
    static final class SumCount implements AggregateFunction<Tuple2<String, Long>, long[], long[]> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(Tuple2<String, Long> v, long[] acc) {
            acc[0]++;
            acc[1] += v.f1;
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

    private static OneInputStreamOperatorTestHarness<Tuple2<String, Long>, Tuple2<String, long[]>>
            harness(int maxPartials) throws Exception {
        return restored(maxPartials, null);
    }

    /** A harness started from {@code state} (none when null). */
    private static OneInputStreamOperatorTestHarness<Tuple2<String, Long>, Tuple2<String, long[]>>
            restored(int maxPartials, OperatorSubtaskState state) throws Exception {
        OneInputStreamOperatorTestHarness<Tuple2<String, Long>, Tuple2<String, long[]>> h =
                new OneInputStreamOperatorTestHarness<>(
                        new PaneCombiner<>(
                                new SumCount(),
                                t -> t.f0,
                                Types.STRING,
                                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO,
                                SLIDE,
                                maxPartials));
        if (state != null) {
            h.initializeState(state);
        }
        h.open();
        return h;
    }

    /** The output as "key@pane=count/sum" and "W@t" strings, in order. */
    private static List<String> drain(
            OneInputStreamOperatorTestHarness<Tuple2<String, Long>, Tuple2<String, long[]>> h) {
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = h.getOutput().poll()) != null) {
            if (o instanceof Watermark w) {
                out.add("W@" + w.getTimestamp());
            } else if (o instanceof StreamRecord<?> r) {
                @SuppressWarnings("unchecked")
                Tuple2<String, long[]> t = (Tuple2<String, long[]>) r.getValue();
                out.add(t.f0 + "@" + r.getTimestamp() + "=" + t.f1[0] + "/" + t.f1[1]);
            }
        }
        return out;
    }

    @Test
    void holdsPartialsUntilAWatermarkCompletesTheirPaneThenEmitsOnePerKeyBeforeIt()
            throws Exception {
        try (var h = harness(1_000)) {
            h.processElement(Tuple2.of("a", 1L), 100);
            h.processElement(Tuple2.of("a", 2L), 999);
            h.processElement(Tuple2.of("b", 5L), 500);
            h.processElement(Tuple2.of("a", 7L), 1_000); // next pane
            assertThat(drain(h)).isEmpty();

            h.processWatermark(new Watermark(998));
            assertThat(drain(h)).as("pane 0 ends at 999").containsExactly("W@998");

            h.processWatermark(new Watermark(999));
            List<String> out = drain(h);
            assertThat(out).hasSize(3);
            assertThat(out.subList(0, 2)).containsExactlyInAnyOrder("a@0=2/3", "b@0=1/5");
            assertThat(out.get(2)).as("the watermark after its partials").isEqualTo("W@999");

            h.processElement(Tuple2.of("a", 4L), 1_500);
            h.processWatermark(new Watermark(1_300));
            assertThat(drain(h)).as("pane 1000 still open").containsExactly("W@1300");

            h.processWatermark(new Watermark(2_500));
            assertThat(drain(h)).containsExactly("a@1000=2/11", "W@2500");
        }
    }

    @Test
    void emitsEverythingWhenFullAndWhenTheInputEnds() throws Exception {
        try (var h = harness(3)) {
            for (long v = 1; v <= 10; v++) {
                h.processElement(Tuple2.of("a", v), 10 * v);
            }
            h.processElement(Tuple2.of("b", 3L), 30);
            assertThat(drain(h)).as("two partials, however many records").isEmpty();
            h.processElement(Tuple2.of("c", 4L), 1_500);
            assertThat(drain(h))
                    .as("flushed at three partials, every pane")
                    .containsExactlyInAnyOrder("a@0=10/55", "b@0=1/3", "c@1000=1/4");

            h.processElement(Tuple2.of("a", 1L), 10);
            h.getOneInputOperator().finish();
            assertThat(drain(h)).as("everything when the input ends").containsExactly("a@0=1/1");
        }
    }

    @Test
    void keepsOpenPartialsInTheCheckpointAndMergesThemOnRestore() throws Exception {
        OperatorSubtaskState first;
        OperatorSubtaskState second;
        try (var h = harness(1_000)) {
            h.processElement(Tuple2.of("a", 1L), 10);
            h.processElement(Tuple2.of("b", 2L), 1_010);
            h.prepareSnapshotPreBarrier(1);
            first = h.snapshot(1, 1);
            assertThat(drain(h)).as("nothing emitted for the checkpoint").isEmpty();
            h.processElement(Tuple2.of("a", 100L), 20); // after the checkpoint: lost with it
        }
        try (var h = harness(1_000)) { // another subtask of the same operator
            h.processElement(Tuple2.of("a", 3L), 30);
            second = h.snapshot(1, 1);
        }
        // Scaled in from two subtasks to one: both subtasks' partials of pane 0 for "a" merge.
        try (var h =
                restored(1_000, AbstractStreamOperatorTestHarness.repackageState(first, second))) {
            h.processWatermark(new Watermark(999));
            assertThat(drain(h)).containsExactly("a@0=2/4", "W@999");
            h.processWatermark(new Watermark(1_999));
            assertThat(drain(h)).containsExactly("b@1000=1/2", "W@1999");
        }
    }

    @Test
    void emitsEverythingBeforeTheInputIsMarkedIdle() throws Exception {
        try (var h = harness(1_000)) {
            h.processElement(Tuple2.of("a", 5L), 10);
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            assertThat(h.getOutput().poll())
                    .as("the partial before the idle status")
                    .isInstanceOf(StreamRecord.class);
            assertThat(drain(h)).isEmpty();
        }
    }

    @Test
    void rejectsRecordsWithoutTimestamps() throws Exception {
        try (var h = harness(10)) {
            assertThatThrownBy(() -> h.processElement(new StreamRecord<>(Tuple2.of("a", 1L))))
                    .hasMessageContaining("timestamp");
        }
    }

    /** Window results as (key, window end, count, sum). */
    static final class Emit
            extends ProcessWindowFunction<
                    long[], Tuple4<String, Long, Long, Long>, String, TimeWindow> {
        @Override
        public void process(
                String key,
                Context ctx,
                Iterable<long[]> in,
                Collector<Tuple4<String, Long, Long, Long>> out) {
            long[] a = in.iterator().next();
            out.collect(Tuple4.of(key, ctx.window().getEnd(), a[0], a[1]));
        }
    }

    @Test
    void slidingWindowsOverPartialsEqualSlidingWindowsOverRecords() throws Exception {
        Random random = new Random(7);
        List<Tuple2<String, Long>> events = new ArrayList<>();
        Map<Tuple2<String, Long>, Long> times = new HashMap<>();
        long t = 0;
        for (int i = 0; i < 20_000; i++) {
            // Out of order by up to 400 ms, within the watermark bound: nothing is late.
            t += random.nextInt(3);
            Tuple2<String, Long> e = Tuple2.of("k" + random.nextInt(5), (long) i);
            events.add(e);
            times.put(e, Math.max(0, t - random.nextInt(400)));
        }
        TypeInformation<long[]> acc = TypeInformation.of(long[].class);
        TypeInformation<Tuple4<String, Long, Long, Long>> resultType =
                Types.TUPLE(Types.STRING, Types.LONG, Types.LONG, Types.LONG);

        List<Tuple4<String, Long, Long, Long>> direct = new ArrayList<>();
        List<Tuple4<String, Long, Long, Long>> combined = new ArrayList<>();
        for (boolean pre : new boolean[] {false, true}) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            DataStream<Tuple2<String, Long>> in =
                    env.fromData(events)
                            .assignTimestampsAndWatermarks(
                                    WatermarkStrategy
                                            .<Tuple2<String, Long>>forBoundedOutOfOrderness(
                                                    Duration.ofMillis(500))
                                            .withTimestampAssigner((e, ts) -> times.get(e)));
            SlidingEventTimeWindows windows =
                    SlidingEventTimeWindows.of(
                            Duration.ofMillis(3 * SLIDE), Duration.ofMillis(SLIDE));
            DataStream<Tuple4<String, Long, Long, Long>> out =
                    pre
                            ? PreAggregation.perPane(
                                            in,
                                            new SumCount(),
                                            e -> e.f0,
                                            Types.STRING,
                                            acc,
                                            Duration.ofMillis(SLIDE),
                                            "panes",
                                            "panes")
                                    .keyBy(p -> p.f0)
                                    .window(windows)
                                    .aggregate(
                                            PreAggregation.<String, long[], long[]>mergingPartials(
                                                    new SumCount()),
                                            new Emit(),
                                            acc,
                                            acc,
                                            resultType)
                            : in.keyBy(e -> e.f0)
                                    .window(windows)
                                    .aggregate(new SumCount(), new Emit(), acc, acc, resultType);
            out.executeAndCollect().forEachRemaining(pre ? combined::add : direct::add);
        }
        long windowsSeen = direct.stream().map(r -> r.f1).distinct().count();
        assertThat(windowsSeen).as("many windows").isGreaterThan(10);
        assertThat(direct.stream().mapToLong(r -> r.f2).sum())
                .as("every record in three windows")
                .isEqualTo(3L * events.size());
        assertThat(combined).containsExactlyInAnyOrderElementsOf(direct);
    }
}
