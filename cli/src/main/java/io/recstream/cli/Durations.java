package io.recstream.cli;

import java.time.Duration;

/** Durations on the command line: 500ms, 30s, 5m, 2h, 30d or ISO-8601. */
public final class Durations {
    private Durations() {}

    public static Duration parse(String text, String option) {
        return io.recstream.model.DurationText.parsePositive(text, option);
    }
}
