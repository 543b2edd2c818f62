package io.recstream.cli;

/** The one percentile rule of the command line's figures (demo, replay, bench): nearest rank. */
public final class Percentiles {
    private Percentiles() {}

    /**
     * The {@code q} quantile (0..1) of ascending {@code sorted} by nearest rank: the smallest value
     * with at least {@code q} of the values at or below it.
     */
    public static long nearestRank(long[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
