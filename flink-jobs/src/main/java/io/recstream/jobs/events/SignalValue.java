package io.recstream.jobs.events;

import java.util.Objects;

/**
 * One window's value of a monitored signal (a Flink POJO). Thresholds are NaN for signals that do
 * not alert.
 */
public class SignalValue {
    private String signal;
    private String modelVersion;
    private String strategy;
    private double value;
    private long samples;
    private long windowStart;
    private long windowEnd;
    private double enterThreshold;
    private double exitThreshold;

    public SignalValue() {}

    public SignalValue(
            String signal,
            String modelVersion,
            String strategy,
            double value,
            long samples,
            long windowStart,
            long windowEnd,
            double enterThreshold,
            double exitThreshold) {
        this.signal = signal;
        this.modelVersion = modelVersion;
        this.strategy = strategy;
        this.value = value;
        this.samples = samples;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.enterThreshold = enterThreshold;
        this.exitThreshold = exitThreshold;
    }

    public String getSignal() {
        return signal;
    }

    public void setSignal(String signal) {
        this.signal = signal;
    }

    public String getModelVersion() {
        return modelVersion;
    }

    public void setModelVersion(String modelVersion) {
        this.modelVersion = modelVersion;
    }

    public String getStrategy() {
        return strategy;
    }

    public void setStrategy(String strategy) {
        this.strategy = strategy;
    }

    public double getValue() {
        return value;
    }

    public void setValue(double value) {
        this.value = value;
    }

    public long getSamples() {
        return samples;
    }

    public void setSamples(long samples) {
        this.samples = samples;
    }

    public long getWindowStart() {
        return windowStart;
    }

    public void setWindowStart(long windowStart) {
        this.windowStart = windowStart;
    }

    public long getWindowEnd() {
        return windowEnd;
    }

    public void setWindowEnd(long windowEnd) {
        this.windowEnd = windowEnd;
    }

    public double getEnterThreshold() {
        return enterThreshold;
    }

    public void setEnterThreshold(double enterThreshold) {
        this.enterThreshold = enterThreshold;
    }

    public double getExitThreshold() {
        return exitThreshold;
    }

    public void setExitThreshold(double exitThreshold) {
        this.exitThreshold = exitThreshold;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignalValue o
                && Objects.equals(signal, o.signal)
                && Objects.equals(modelVersion, o.modelVersion)
                && Objects.equals(strategy, o.strategy)
                && Objects.equals(value, o.value)
                && Objects.equals(samples, o.samples)
                && Objects.equals(windowStart, o.windowStart)
                && Objects.equals(windowEnd, o.windowEnd)
                && Objects.equals(enterThreshold, o.enterThreshold)
                && Objects.equals(exitThreshold, o.exitThreshold);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                signal,
                modelVersion,
                strategy,
                value,
                samples,
                windowStart,
                windowEnd,
                enterThreshold,
                exitThreshold);
    }

    @Override
    public String toString() {
        return "SignalValue{"
                + "signal="
                + signal
                + ", "
                + "modelVersion="
                + modelVersion
                + ", "
                + "strategy="
                + strategy
                + ", "
                + "value="
                + value
                + ", "
                + "samples="
                + samples
                + ", "
                + "windowStart="
                + windowStart
                + ", "
                + "windowEnd="
                + windowEnd
                + ", "
                + "enterThreshold="
                + enterThreshold
                + ", "
                + "exitThreshold="
                + exitThreshold
                + "}";
    }
}
