package io.recstream.cli;

import io.recstream.training.TimeParsing;
import java.time.Duration;

/** Durations on the command line: 500ms, 30s, 5m, 2h, 30d or ISO-8601. */
public final class Durations {
    private Durations() {}

    public static Duration parse(String text, String option) {
        Duration d = TimeParsing.parseDuration(text, option);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(option + ": must be > 0, got " + text);
        }
        return d;
    }
}
