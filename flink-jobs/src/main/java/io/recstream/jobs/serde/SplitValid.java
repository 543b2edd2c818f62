package io.recstream.jobs.serde;

import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends valid records on and dead letters to {@link #DEAD_LETTERS}; counts records in, valid, and
 * dead-lettered by reason (metric group {@code recstream.kind.<format>}).
 */
public final class SplitValid<T> extends ProcessFunction<Either<DeadLetter, T>, T> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final String kind;

    private transient Counter in;
    private transient Counter valid;
    private transient Map<DeadLetterReason, Counter> rejected;

    public SplitValid(RecordFormat<T> format) {
        this.kind = format.name();
    }

    @Override
    public void open(OpenContext openContext) {
        var metrics =
                getRuntimeContext().getMetricGroup().addGroup("recstream").addGroup("kind", kind);
        in = metrics.counter("recordsIn");
        valid = metrics.counter("recordsValid");
        rejected = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            rejected.put(r, metrics.addGroup("reason", r.name()).counter("deadLetters"));
        }
    }

    @Override
    public void processElement(Either<DeadLetter, T> record, Context ctx, Collector<T> out) {
        in.inc();
        if (record.isRight()) {
            valid.inc();
            out.collect(record.right());
        } else {
            rejected.get(record.left().getReason()).inc();
            ctx.output(DEAD_LETTERS, record.left());
        }
    }
}
