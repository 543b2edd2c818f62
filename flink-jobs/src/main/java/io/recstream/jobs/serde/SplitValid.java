package io.recstream.jobs.serde;

import io.micrometer.core.instrument.Counter;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.jobs.metrics.PortRange;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
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
    private final String metricsBind;
    private final PortRange metricsPort;
    private boolean serving;

    private transient Counter in;
    private transient Counter valid;
    private transient Map<DeadLetterReason, Counter> rejected;

    /**
     * @param metricsPort when not null, the JVM's metrics endpoint is started on it (once per JVM
     *     and job)
     */
    public SplitValid(RecordFormat<T> format, String metricsBind, PortRange metricsPort) {
        this.kind = format.name();
        this.metricsBind = metricsBind;
        this.metricsPort = metricsPort;
    }

    @Override
    public void open(OpenContext openContext) {
        if (metricsPort != null) {
            Metrics.serve(metricsBind, metricsPort);
            serving = true;
        }
        in = Metrics.counter("recstream.records.in", "records read", "kind", kind);
        valid =
                Metrics.counter(
                        "recstream.records.valid", "records that passed validation", "kind", kind);
        rejected = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            rejected.put(
                    r,
                    Metrics.counter(
                            "recstream.dead.letters",
                            "records rejected by validation",
                            "kind",
                            kind,
                            "reason",
                            r.name()));
        }
    }

    @Override
    public void processElement(Either<DeadLetter, T> record, Context ctx, Collector<T> out) {
        in.increment();
        if (record.isRight()) {
            valid.increment();
            out.collect(record.right());
        } else {
            rejected.get(record.left().getReason()).increment();
            ctx.output(DEAD_LETTERS, record.left());
        }
    }

    @Override
    public void close() throws Exception {
        if (serving) {
            serving = false;
            Metrics.release(); // the last operator of this job in this JVM frees the port
        }
        super.close();
    }
}
