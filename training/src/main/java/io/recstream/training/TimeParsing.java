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
     * ISO-8601 duration ({@code PT5M}).
     */
    public static java.time.Duration parseDuration(String text, String option) {
        String t = text.trim().toLowerCase();
        try {
            if (t.startsWith("p")) {
                return java.time.Duration.parse(t.toUpperCase());
            }
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d)").matcher(t);
            if (m.matches()) {
                long v = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> java.time.Duration.ofMillis(v);
                    case "s" -> java.time.Duration.ofSeconds(v);
                    case "m", "min" -> java.time.Duration.ofMinutes(v);
                    case "h" -> java.time.Duration.ofHours(v);
                    default -> java.time.Duration.ofDays(v);
                };
            }
        } catch (RuntimeException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(
                option
                        + ": cannot read '"
                        + text
                        + "' as a duration; use e.g. 500ms, 30s, 5m, 2h, 30d or PT5M");
    }

    public static String format(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
