package io.recstream.jobs.drift;

/** Where one signal's alert stands (a Flink POJO kept in keyed state). */
public class AlertStatus {
    public boolean firing;

    /** Consecutive windows above the enter threshold (while not firing). */
    public int above;

    /** Consecutive windows below the exit threshold (while firing). */
    public int below;

    /** No new FIRING for windows ending before this (event time). */
    public long cooldownUntil = Long.MIN_VALUE;

    /** End of the last window seen; older or repeated windows are ignored. */
    public long lastWindowEnd = Long.MIN_VALUE;

    public AlertStatus() {}
}
