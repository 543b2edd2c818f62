package io.recstream.jobs.dedup;

import io.micrometer.core.instrument.Counter;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.jobs.state.UserStateTtl;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes on the first copy of each record and drops the others, per key (a user): a record whose id
 * the key has seen within the window (see {@link SeenIds}) is a duplicate, counted in {@code
 * recstream_records_duplicate_total{kind}} and dropped. Producers retry, restart and replay
 * upstream: each of those sends the same event again with the same id.
 *
 * <p>State per key: the packed {@link SeenIds} (8 bytes an id, 8 for the newest time) with a
 * processing-time TTL, so a key that goes quiet costs nothing once it expires.
 *
 * @param <T> the record type
 */
public final class Deduplicate<T> extends KeyedProcessFunction<String, T, T> {

    /** The id of a record and its event time. */
    public interface Identity<T> extends Serializable {
        /** The record's id, hashed with {@link SeenIds#hash} by the caller's choice of text. */
        long idHash(T record);

        long eventTime(T record);
    }

    private final String kind;
    private final Identity<T> identity;
    private final long windowMillis;
    private final int maxIds;
    private final Duration stateTtl;

    private transient ValueState<byte[]> seen;
    private transient Counter duplicates;

    /**
     * @param kind the record kind, the metric's tag ({@code interaction}, {@code feedback}, ...)
     * @param window how long an id is remembered, in event time behind the key's newest event
     * @param maxIds the most ids remembered per key
     * @param stateTtl processing-time TTL of a key's state
     */
    public Deduplicate(
            String kind, Identity<T> identity, Duration window, int maxIds, Duration stateTtl) {
        this.kind = kind;
        this.identity = identity;
        this.windowMillis = window.toMillis();
        this.maxIds = maxIds;
        this.stateTtl = stateTtl;
    }

    /** The state holding a key's seen ids (name {@code seen-ids}), with its TTL. */
    public static ValueStateDescriptor<byte[]> descriptor(Duration stateTtl) {
        ValueStateDescriptor<byte[]> descriptor =
                new ValueStateDescriptor<>(
                        "seen-ids", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        descriptor.enableTimeToLive(UserStateTtl.of(stateTtl));
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(descriptor(stateTtl));
        duplicates = counter(kind);
    }

    /** The counter of dropped duplicates of one kind. */
    public static Counter counter(String kind) {
        return Metrics.counter(
                "recstream.records.duplicate",
                "valid records dropped because their id was already seen",
                "kind",
                kind);
    }

    @Override
    public void processElement(T record, Context ctx, Collector<T> out) throws Exception {
        byte[] current = seen.value();
        byte[] next =
                SeenIds.offer(
                        current,
                        identity.idHash(record),
                        identity.eventTime(record),
                        windowMillis,
                        maxIds);
        if (next == null) {
            duplicates.increment();
            return;
        }
        if (next != current) {
            seen.update(next);
        }
        out.collect(record);
    }
}
