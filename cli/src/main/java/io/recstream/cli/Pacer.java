package io.recstream.cli;

import java.util.Locale;

/**
 * Paces a replay: event {@code t} is released when {@code (t - first) / speedUp} of wall-clock time
 * has passed since the first one. A speed-up of 0 releases everything at once.
 */
final class Pacer {
    private final long firstEventTime;
    private final double speedUp;
    private final long startNanos = System.nanoTime();

    Pacer(long firstEventTime, double speedUp) {
        this.firstEventTime = firstEventTime;
        this.speedUp = speedUp;
    }

    /**
     * Parses {@code max} (returns 0) or a speed-up such as {@code 1x}, {@code 60x}, {@code 0.5x}.
     */
    static double parseRate(String value, String option) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("max")) {
            return 0;
        }
        if (v.endsWith("x")) {
            try {
                double factor = Double.parseDouble(v.substring(0, v.length() - 1));
                if (factor > 0 && Double.isFinite(factor)) {
                    return factor;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(
                option
                        + " must be max or a positive speed-up such as 1x (real time) or 60x, got '"
                        + value
                        + "'");
    }

    /** The wall-clock nanos offset from the start at which {@code eventTime} is due. */
    long dueNanos(long eventTime) {
        if (speedUp <= 0) {
            return 0;
        }
        return (long) ((eventTime - firstEventTime) * 1e6 / speedUp);
    }

    /** Sleeps until {@code eventTime} is due. */
    void awaitEventTime(long eventTime) throws InterruptedException {
        long wait = dueNanos(eventTime) - (System.nanoTime() - startNanos);
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
