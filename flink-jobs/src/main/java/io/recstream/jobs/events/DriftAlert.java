package io.recstream.jobs.events;

import java.util.Objects;

/** A FIRING or RESOLVED transition of a drift signal (a Flink POJO). */
public class DriftAlert {
    private String alertId;
    private String signal;
    private AlertState state;
    private double value;
    private double enterThreshold;
    private double exitThreshold;
    private long windowStart;
    private long windowEnd;
    private String modelVersion;
    private int consecutiveWindows;
    private String summary;

    public DriftAlert() {}

    public DriftAlert(
            String alertId,
            String signal,
            AlertState state,
            double value,
            double enterThreshold,
            double exitThreshold,
            long windowStart,
            long windowEnd,
            String modelVersion,
            int consecutiveWindows,
            String summary) {
        this.alertId = alertId;
        this.signal = signal;
        this.state = state;
        this.value = value;
        this.enterThreshold = enterThreshold;
        this.exitThreshold = exitThreshold;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.modelVersion = modelVersion;
        this.consecutiveWindows = consecutiveWindows;
        this.summary = summary;
    }

    public String getAlertId() {
        return alertId;
    }

    public void setAlertId(String alertId) {
        this.alertId = alertId;
    }

    public String getSignal() {
        return signal;
    }

    public void setSignal(String signal) {
        this.signal = signal;
    }

    public AlertState getState() {
        return state;
    }

    public void setState(AlertState state) {
        this.state = state;
    }

    public double getValue() {
        return value;
    }

    public void setValue(double value) {
        this.value = value;
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

    public String getModelVersion() {
        return modelVersion;
    }

    public void setModelVersion(String modelVersion) {
        this.modelVersion = modelVersion;
    }

    public int getConsecutiveWindows() {
        return consecutiveWindows;
    }

    public void setConsecutiveWindows(int consecutiveWindows) {
        this.consecutiveWindows = consecutiveWindows;
    }

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DriftAlert o
                && Objects.equals(alertId, o.alertId)
                && Objects.equals(signal, o.signal)
                && Objects.equals(state, o.state)
                && Objects.equals(value, o.value)
                && Objects.equals(enterThreshold, o.enterThreshold)
                && Objects.equals(exitThreshold, o.exitThreshold)
                && Objects.equals(windowStart, o.windowStart)
                && Objects.equals(windowEnd, o.windowEnd)
                && Objects.equals(modelVersion, o.modelVersion)
                && Objects.equals(consecutiveWindows, o.consecutiveWindows)
                && Objects.equals(summary, o.summary);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                alertId,
                signal,
                state,
                value,
                enterThreshold,
                exitThreshold,
                windowStart,
                windowEnd,
                modelVersion,
                consecutiveWindows,
                summary);
    }

    @Override
    public String toString() {
        return "DriftAlert{"
                + "alertId="
                + alertId
                + ", "
                + "signal="
                + signal
                + ", "
                + "state="
                + state
                + ", "
                + "value="
                + value
                + ", "
                + "enterThreshold="
                + enterThreshold
                + ", "
                + "exitThreshold="
                + exitThreshold
                + ", "
                + "windowStart="
                + windowStart
                + ", "
                + "windowEnd="
                + windowEnd
                + ", "
                + "modelVersion="
                + modelVersion
                + ", "
                + "consecutiveWindows="
                + consecutiveWindows
                + ", "
                + "summary="
                + summary
                + "}";
    }
}
