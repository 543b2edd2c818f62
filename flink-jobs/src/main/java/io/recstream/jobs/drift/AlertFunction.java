package io.recstream.jobs.drift;

import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.metrics.Metrics;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by signal (and version and strategy): passes every signal value on with its thresholds, and
 * runs the {@link AlertStateMachine} for signals that have an {@link AlertRule}, emitting a {@link
 * DriftAlert} on {@link #ALERTS} for each FIRING / RESOLVED transition.
 */
public final class AlertFunction extends KeyedProcessFunction<String, SignalValue, SignalValue> {

    public static final OutputTag<DriftAlert> ALERTS = new OutputTag<>("drift-alerts") {};

    private final Map<String, AlertRule> rules;

    private transient ValueState<AlertStatus> status;

    public AlertFunction(Map<String, AlertRule> rules) {
        this.rules = Map.copyOf(rules);
    }

    @Override
    public void open(OpenContext openContext) {
        status =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "alert-status", TypeInformation.of(AlertStatus.class)));
        // Registered at 0 from the start, so a dashboard shows "no alerts" on a healthy system
        // rather than no data.
        for (String signal : rules.keySet()) {
            for (AlertState state : AlertState.values()) {
                alertCounter(signal, state);
            }
        }
    }

    private static io.micrometer.core.instrument.Counter alertCounter(
            String signal, AlertState state) {
        return Metrics.counter(
                "recstream.monitor.alerts",
                "alert transitions",
                "signal",
                signal,
                "state",
                state.name());
    }

    @Override
    public void processElement(SignalValue v, Context ctx, Collector<SignalValue> out)
            throws Exception {
        Metrics.gauge(
                "recstream.monitor.signal",
                "latest window value of a monitored signal",
                v.getValue(),
                "signal",
                v.getSignal(),
                "model_version",
                v.getModelVersion(),
                "strategy",
                v.getStrategy());
        AlertRule rule = rules.get(v.getSignal());
        if (rule == null) {
            out.collect(v);
            return;
        }
        Metrics.gauge(
                "recstream.monitor.threshold",
                "alert thresholds of a signal",
                rule.enter(),
                "signal",
                v.getSignal(),
                "bound",
                "enter");
        Metrics.gauge(
                "recstream.monitor.threshold",
                "alert thresholds of a signal",
                rule.exit(),
                "signal",
                v.getSignal(),
                "bound",
                "exit");
        v.setEnterThreshold(rule.enter());
        v.setExitThreshold(rule.exit());
        out.collect(v);
        AlertStatus s = status.value();
        if (s == null) {
            s = new AlertStatus();
        }
        AlertStateMachine.Transition t =
                AlertStateMachine.step(s, rule, v.getValue(), v.getSamples(), v.getWindowEnd());
        status.update(s);
        Metrics.gauge(
                "recstream.monitor.alert.firing",
                "1 while the signal's alert is FIRING",
                s.firing ? 1 : 0,
                "signal",
                v.getSignal());
        if (t != null) {
            alertCounter(v.getSignal(), t.state()).increment();
            ctx.output(ALERTS, alert(v, rule, t));
        }
    }

    static DriftAlert alert(SignalValue v, AlertRule rule, AlertStateMachine.Transition t) {
        String summary =
                t.state() == AlertState.FIRING
                        ? String.format(
                                Locale.ROOT,
                                "%s is %.4f, above %.4f for %d consecutive windows (window ending %s,"
                                        + " model %s). %s",
                                v.getSignal(),
                                v.getValue(),
                                rule.enter(),
                                t.consecutiveWindows(),
                                Instant.ofEpochMilli(v.getWindowEnd()),
                                v.getModelVersion(),
                                Signals.advice(v.getSignal()))
                        : String.format(
                                Locale.ROOT,
                                "%s is back to %.4f, below %.4f for %d consecutive windows (window"
                                        + " ending %s, model %s). No action needed.",
                                v.getSignal(),
                                v.getValue(),
                                rule.exit(),
                                t.consecutiveWindows(),
                                Instant.ofEpochMilli(v.getWindowEnd()),
                                v.getModelVersion());
        return new DriftAlert(
                v.getSignal()
                        + "/"
                        + v.getModelVersion()
                        + "/"
                        + v.getWindowEnd()
                        + "/"
                        + t.state(),
                v.getSignal(),
                t.state(),
                v.getValue(),
                rule.enter(),
                rule.exit(),
                v.getWindowStart(),
                v.getWindowEnd(),
                v.getModelVersion(),
                t.consecutiveWindows(),
                summary);
    }
}
