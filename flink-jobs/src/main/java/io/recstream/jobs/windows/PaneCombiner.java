package io.recstream.jobs.windows;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
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
 * with the pane's start, whenever a watermark arrives (before forwarding the watermark, so no
 * partial is ever late where its records were not), before every checkpoint barrier (so it holds no
 * state of its own and a restore loses nothing), when the input ends, and when it holds more than
 * {@code maxRecords} records. The window operator after it merges partials instead of adding
 * records: the same windows, the same results, a handful of state updates per pane instead of one
 * per record.
 */
public final class PaneCombiner<IN, K, ACC> extends AbstractStreamOperator<Tuple2<K, ACC>>
        implements OneInputStreamOperator<IN, Tuple2<K, ACC>> {

    private final AggregateFunction<IN, ACC, ?> aggregate;
    private final KeySelector<IN, K> keySelector;
    private final long slideMillis;
    private final int maxRecords;

    private transient Map<PaneKey<K>, ACC> panes;
    private transient int buffered;

    public PaneCombiner(
            AggregateFunction<IN, ACC, ?> aggregate,
            KeySelector<IN, K> keySelector,
            long slideMillis,
            int maxRecords) {
        if (slideMillis <= 0) {
            throw new IllegalArgumentException("slide must be positive: " + slideMillis);
        }
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1: " + maxRecords);
        }
        this.aggregate = aggregate;
        this.keySelector = keySelector;
        this.slideMillis = slideMillis;
        this.maxRecords = maxRecords;
    }

    @Override
    public void open() throws Exception {
        super.open();
        panes = new HashMap<>();
        buffered = 0;
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
        PaneKey<K> key = new PaneKey<>(keySelector.getKey(value), pane);
        ACC acc = panes.get(key);
        if (acc == null) {
            acc = aggregate.createAccumulator();
        }
        panes.put(key, aggregate.add(value, acc));
        if (++buffered >= maxRecords) {
            flush();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    /**
     * Before this input is marked idle, everything goes: the window operator would otherwise move
     * on with the other inputs' watermarks and find these partials late.
     */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        flush();
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        if (panes.isEmpty()) {
            return;
        }
        StreamRecord<Tuple2<K, ACC>> record = new StreamRecord<>(null);
        for (Map.Entry<PaneKey<K>, ACC> e : panes.entrySet()) {
            output.collect(
                    record.replace(Tuple2.of(e.getKey().key(), e.getValue()), e.getKey().pane()));
        }
        panes.clear();
        buffered = 0;
    }

    /** A key and the start of its pane. */
    record PaneKey<K>(K key, long pane) {
        PaneKey {
            Objects.requireNonNull(key, "pre-aggregation key");
        }
    }
}
