package io.recstream.jobs.drift;

import io.recstream.jobs.events.AlertState;

/** Steps a signal's {@link AlertStatus} through one window's value; see {@link AlertRule}. */
public final class AlertStateMachine {
    private AlertStateMachine() {}

    /** A state change, with how many consecutive windows caused it. */
    public record Transition(AlertState state, int consecutiveWindows) {}

    /**
     * Updates {@code status} in place with the value of the window ending at {@code windowEnd}.
     *
     * @return the transition this window causes, or null
     */
    public static Transition step(
            AlertStatus status, AlertRule rule, double value, long samples, long windowEnd) {
        if (windowEnd <= status.lastWindowEnd) {
            return null;
        }
        status.lastWindowEnd = windowEnd;
        if (samples < rule.minSamples() || Double.isNaN(value)) {
            return null;
        }
        if (!status.firing) {
            status.above = value > rule.enter() ? status.above + 1 : 0;
            if (status.above >= rule.enterWindows() && windowEnd >= status.cooldownUntil) {
                status.firing = true;
                status.below = 0;
                int n = status.above;
                status.above = 0;
                return new Transition(AlertState.FIRING, n);
            }
            return null;
        }
        status.below = value < rule.exit() ? status.below + 1 : 0;
        if (status.below >= rule.exitWindows()) {
            status.firing = false;
            int n = status.below;
            status.below = 0;
            status.cooldownUntil = windowEnd + rule.cooldownMillis();
            return new Transition(AlertState.RESOLVED, n);
        }
        return null;
    }
}
