package io.recstream.model;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as every recstream option writes them: {@code 500ms}, {@code 30s}, {@code 5m} (or
 * {@code 5min}), {@code 2h}, {@code 30d}, or ISO-8601 ({@code PT5M}). The one parser the jobs'
 * options, the command line and the training tools share.
 */
public final class DurationText {
    private DurationText() {}

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d)");

    /** {@code text} as a duration; an error naming {@code option} if it is not one. */
    public static Duration parse(String text, String option) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            Matcher m = SHORT.matcher(t);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m", "min" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
        } catch (RuntimeException e) {
            // not a duration: the error below
        }
        throw new IllegalArgumentException(
                option
                        + ": '"
                        + text
                        + "' is not a duration (e.g. 500ms, 30s, 5m, 2h, 30d or PT5M)");
    }

    /** As {@link #parse}, and longer than zero. */
    public static Duration parsePositive(String text, String option) {
        Duration d = parse(text, option);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(option + ": must be > 0, got " + text);
        }
        return d;
    }

    /** A duration the way options are written: 15m, 90s, 500ms. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
