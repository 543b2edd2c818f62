package io.recstream.jobs.drift;

import java.io.Serializable;

/**
 * When a signal alerts: FIRING after {@code enterWindows} consecutive windows above {@code enter};
 * RESOLVED after {@code exitWindows} consecutive windows below {@code exit} (lower than enter:
 * hysteresis); after a RESOLVED, no new FIRING until {@code cooldownMillis} of event time have
 * passed. Windows with fewer than {@code minSamples} observations do not move the state.
 */
public record AlertRule(
        double enter,
        double exit,
        int enterWindows,
        int exitWindows,
        long cooldownMillis,
        long minSamples)
        implements Serializable {

    public AlertRule {
        if (!(exit <= enter)) {
            throw new IllegalArgumentException(
                    "exit threshold " + exit + " must not be above the enter threshold " + enter);
        }
        if (enterWindows < 1 || exitWindows < 1) {
            throw new IllegalArgumentException("enter and exit windows must be >= 1");
        }
    }
}
