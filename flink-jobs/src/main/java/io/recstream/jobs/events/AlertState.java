package io.recstream.jobs.events;

/** State of a drift alert. */
public enum AlertState {
    FIRING,
    RESOLVED
}
