package io.recstream.jobs.windows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Pre-aggregates records per key and per window pane (the slide-aligned interval every record of
 * which belongs to the same sliding windows) in memory, before the window operator.
 *
 * <p>A window operator on RocksDB reads, deserializes, updates, serializes and writes its
 * accumulator for every record and every window the record falls in. This operator instead adds
 * records to an in-memory accumulator per (key, pane) and emits that partial accumulator, stamped
 * with the pane's start:
 *
 * <ul>
 *   <li>when a watermark completes the pane (before forwarding the watermark, so no partial is ever
 *       late where its records were not); partials of panes the watermark has not completed stay,
 *       since no window containing them can fire yet;
 *   <li>before its input is marked idle, and when the input ends;
 *   <li>when it holds {@code maxPartials} partials, which bounds its memory.
 * </ul>
 *
 * Partials still open at a checkpoint are stored in the checkpoint (operator list state {@value
 * #STATE_NAME}, redistributed evenly on rescaling) and restored from it. Emitting them before every
 * barrier instead would send the window operator a burst of read-modify-writes of its RocksDB state
 * just ahead of the barrier, once per checkpoint, and every task after that window would see the
 * barrier only once the burst is through.
 *
 * <p>The window operator after it merges partials instead of adding records: the same windows, the
 * same results, one state update per key and pane (more only when it is full) instead of one per
 * record.
 */
public final class PaneCombiner<IN, K, ACC> extends AbstractStreamOperator<Tuple2<K, ACC>>
        implements OneInputStreamOperator<IN, Tuple2<K, ACC>> {

    private final AggregateFunction<IN, ACC, ?> aggregate;
    private final KeySelector<IN, K> keySelector;
    private final long slideMillis;
    private final int maxPartials;
    private final TypeInformation<K> keyType;
    private final TypeInformation<ACC> accumulatorType;

    /** The operator state that holds the open partials as (pane start, key, accumulator). */
    public static final String STATE_NAME = "pane-partials";

    private transient ListState<Tuple3<Long, K, ACC>> checkpointed;

    /** Partials per pane start, oldest pane first. */
    private transient TreeMap<Long, Map<K, ACC>> panes;

    private transient int partials;
    private transient long lastPane;
    private transient Map<K, ACC> lastPartials;

    public PaneCombiner(
            AggregateFunction<IN, ACC, ?> aggregate,
            KeySelector<IN, K> keySelector,
            TypeInformation<K> keyType,
            TypeInformation<ACC> accumulatorType,
            long slideMillis,
            int maxPartials) {
        if (slideMillis <= 0) {
            throw new IllegalArgumentException("slide must be positive: " + slideMillis);
        }
        if (maxPartials < 1) {
            throw new IllegalArgumentException("maxPartials must be at least 1: " + maxPartials);
        }
        this.aggregate = aggregate;
        this.keySelector = keySelector;
        this.keyType = keyType;
        this.accumulatorType = accumulatorType;
        this.slideMillis = slideMillis;
        this.maxPartials = maxPartials;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        panes = new TreeMap<>();
        partials = 0;
        lastPartials = null;
        checkpointed =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        STATE_NAME,
                                        Types.TUPLE(Types.LONG, keyType, accumulatorType)));
        // After rescaling, partials of one key and pane can come from two subtasks: merged.
        for (Tuple3<Long, K, ACC> p : checkpointed.get()) {
            Map<K, ACC> inPane = panes.computeIfAbsent(p.f0, pane -> new HashMap<>());
            ACC acc = inPane.get(p.f1);
            if (acc == null) {
                partials++;
                inPane.put(p.f1, p.f2);
            } else {
                inPane.put(p.f1, aggregate.merge(acc, p.f2));
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Tuple3<Long, K, ACC>> open = new ArrayList<>(partials);
        for (Map.Entry<Long, Map<K, ACC>> pane : panes.entrySet()) {
            for (Map.Entry<K, ACC> e : pane.getValue().entrySet()) {
                open.add(Tuple3.of(pane.getKey(), e.getKey(), e.getValue()));
            }
        }
        // The operator state backend copies the list in the synchronous phase, so the
        // accumulators can go on changing after this.
        checkpointed.update(open);
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        if (!element.hasTimestamp()) {
            throw new IllegalStateException(
                    "record without an event-time timestamp before an event-time window; is the"
                            + " watermark strategy set on the source?");
        }
        IN value = element.getValue();
        long pane = TimeWindow.getWindowStartWithOffset(element.getTimestamp(), 0, slideMillis);
        Map<K, ACC> inPane = lastPartials;
        if (inPane == null || pane != lastPane) {
            inPane = panes.computeIfAbsent(pane, p -> new HashMap<>());
            lastPane = pane;
            lastPartials = inPane;
        }
        K key = Objects.requireNonNull(keySelector.getKey(value), "pre-aggregation key");
        ACC acc = inPane.get(key);
        if (acc == null) {
            acc = aggregate.createAccumulator();
            partials++;
        }
        inPane.put(key, aggregate.add(value, acc));
        if (partials >= maxPartials) {
            flushAll();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // A pane is complete once the watermark reaches its last millisecond.
        long timestamp = mark.getTimestamp();
        if (timestamp >= Long.MIN_VALUE + slideMillis) {
            flush(timestamp - slideMillis + 1);
        }
        super.processWatermark(mark);
    }

    /**
     * Before this input is marked idle, everything goes: the window operator would otherwise move
     * on with the other inputs' watermarks and find these partials late.
     */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        flushAll();
        super.processWatermarkStatus(status);
    }

    @Override
    public void finish() throws Exception {
        flushAll();
        super.finish();
    }

    private void flushAll() {
        flush(Long.MAX_VALUE);
    }

    /** Emits the partials of every pane that starts at or before {@code lastPaneStart}. */
    private void flush(long lastPaneStart) {
        if (panes.isEmpty()) {
            return;
        }
        StreamRecord<Tuple2<K, ACC>> record = new StreamRecord<>(null);
        Iterator<Map.Entry<Long, Map<K, ACC>>> due =
                panes.headMap(lastPaneStart, true).entrySet().iterator();
        while (due.hasNext()) {
            Map.Entry<Long, Map<K, ACC>> pane = due.next();
            long start = pane.getKey();
            for (Map.Entry<K, ACC> e : pane.getValue().entrySet()) {
                output.collect(record.replace(Tuple2.of(e.getKey(), e.getValue()), start));
            }
            partials -= pane.getValue().size();
            due.remove();
            if (pane.getValue() == lastPartials) {
                lastPartials = null;
            }
        }
    }
}
