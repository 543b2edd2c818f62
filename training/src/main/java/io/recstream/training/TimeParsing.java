package io.recstream.training;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parses the times people type: ISO dates, ISO date-times, instants, or epoch milliseconds. */
public final class TimeParsing {
    private TimeParsing() {}

    /**
     * @param text e.g. {@code 2016-01-01}, {@code 2016-01-01T12:00:00}, {@code
     *     2016-01-01T12:00:00Z} (all UTC unless an offset is given) or {@code 1451606400000}
     * @param option the option name, for the error message
     * @return epoch milliseconds
     */
    public static long parseInstant(String text, String option) {
        String t = text.trim();
        try {
            if (t.matches("-?\\d{9,}")) {
                return Long.parseLong(t);
            }
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(t).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    option
                            + ": cannot read '"
                            + text
                            + "' as a time; use an ISO date (2016-01-01), date-time"
                            + " (2016-01-01T12:00:00Z) or epoch milliseconds");
        }
    }

    /**
     * Parses a duration like {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 30d} or an
     * ISO-8601 duration ({@code PT5M}); see {@link io.recstream.model.DurationText}.
     */
    public static java.time.Duration parseDuration(String text, String option) {
        return io.recstream.model.DurationText.parse(text, option);
    }

    public static String format(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
