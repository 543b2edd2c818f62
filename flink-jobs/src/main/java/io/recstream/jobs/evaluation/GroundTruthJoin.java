package io.recstream.jobs.evaluation;

import io.micrometer.core.instrument.Counter;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.Outcome;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.metrics.Metrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins recommendations with delayed feedback, keyed by user, in event time.
 *
 * <p>A recommendation made at time t waits for feedback with time in [t, t + horizon] on one of its
 * items (when the feedback carries a request key, only the recommendation with that key matches).
 * At event time t + horizon + allowed lateness a timer closes it: it becomes an {@link Outcome}
 * with the rank of its best-ranked item that got feedback, or a miss, and its state is removed.
 * Feedback arriving more than the allowed lateness behind the watermark can no longer be joined
 * reliably: it goes to {@link #LATE_FEEDBACK} and is counted, never silently dropped. Buffered
 * feedback is removed once no open or future recommendation can match it.
 *
 * <p>State per user, in RocksDB: the open recommendations by request key, each as the little its
 * outcome needs ({@link PendingRecommendation}), and the feedback as a set of (time, item, request
 * key): what matching needs, written without reading first (two identical feedback records match
 * the same recommendations as one).
 */
public final class GroundTruthJoin
        extends KeyedCoProcessFunction<String, Recommendation, Feedback, Outcome> {

    public static final OutputTag<Feedback> LATE_FEEDBACK = new OutputTag<>("late-feedback") {};

    private final long horizonMillis;
    private final long latenessMillis;

    private transient MapState<String, PendingRecommendation> pending;

    /** (time, item id, request key or null) → present. */
    private transient MapState<Tuple3<Long, String, String>, Boolean> feedback;

    private transient Counter lateCounter;
    private transient Counter outcomeCounter;

    public GroundTruthJoin(long horizonMillis, long latenessMillis) {
        this.horizonMillis = horizonMillis;
        this.latenessMillis = latenessMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending-requests",
                                        Types.STRING,
                                        TypeInformation.of(PendingRecommendation.class)));
        feedback =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "feedback-seen",
                                        Types.TUPLE(Types.LONG, Types.STRING, Types.STRING),
                                        Types.BOOLEAN));
        lateCounter =
                Metrics.counter(
                        "recstream.monitor.late.feedback",
                        "feedback that arrived after the horizon and allowed lateness");
        outcomeCounter =
                Metrics.counter(
                        "recstream.monitor.outcomes",
                        "recommendations whose feedback horizon closed");
    }

    private long closeTime(long eventTime) {
        return eventTime + horizonMillis + latenessMillis;
    }

    @Override
    public void processElement1(Recommendation rec, Context ctx, Collector<Outcome> out)
            throws Exception {
        pending.put(rec.getRequestKey(), PendingRecommendation.of(rec));
        ctx.timerService().registerEventTimeTimer(closeTime(rec.getEventTime()));
    }

    @Override
    public void processElement2(Feedback f, Context ctx, Collector<Outcome> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MIN_VALUE && f.getTimestamp() < watermark - latenessMillis) {
            lateCounter.increment();
            ctx.output(LATE_FEEDBACK, f);
            return;
        }
        feedback.put(Tuple3.of(f.getTimestamp(), f.getItemId(), f.getRequestKey()), Boolean.TRUE);
        // After this, no recommendation it could match is still open.
        ctx.timerService().registerEventTimeTimer(closeTime(f.getTimestamp()) + 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Outcome> out)
            throws Exception {
        List<String> closed = new ArrayList<>();
        for (Map.Entry<String, PendingRecommendation> e : pending.entries()) {
            PendingRecommendation rec = e.getValue();
            if (closeTime(rec.getEventTime()) <= timestamp) {
                out.collect(outcome(e.getKey(), ctx.getCurrentKey(), rec, timestamp));
                outcomeCounter.increment();
                closed.add(e.getKey());
            }
        }
        for (String key : closed) {
            pending.remove(key);
        }
        long oldestUseful = timestamp - horizonMillis - latenessMillis;
        for (Iterator<Tuple3<Long, String, String>> it = feedback.keys().iterator();
                it.hasNext(); ) {
            if (it.next().f0 < oldestUseful) {
                it.remove();
            }
        }
    }

    private Outcome outcome(
            String requestKey, String userId, PendingRecommendation rec, long closeTime)
            throws Exception {
        int best = -1;
        String[] items = rec.getItemIds();
        for (Tuple3<Long, String, String> f : feedback.keys()) {
            long t = f.f0;
            if (t < rec.getEventTime() || t > rec.getEventTime() + horizonMillis) {
                continue;
            }
            if (f.f2 != null && !f.f2.equals(requestKey)) {
                continue;
            }
            for (int r = 0; r < items.length && (best < 0 || r < best); r++) {
                if (items[r].equals(f.f1)) {
                    best = r;
                    break;
                }
            }
        }
        Outcome o =
                new Outcome(
                        requestKey,
                        userId,
                        rec.getModelVersion(),
                        rec.getStrategy(),
                        rec.getEventTime(),
                        closeTime,
                        items.length,
                        best);
        byte[] kinds = rec.getSlotKinds();
        if (kinds != null && kinds.length == items.length) {
            byte present = 0;
            for (byte k : kinds) {
                present |= (byte) (1 << k);
            }
            o.setSlotsPresent(present);
            o.setHitSlot(best >= 0 ? kinds[best] : -1);
        }
        return o;
    }
}
