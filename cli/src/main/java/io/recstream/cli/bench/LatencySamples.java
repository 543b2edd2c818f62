package io.recstream.cli.bench;

import java.util.Arrays;

/**
 * The latencies of one paced run, in ms, in one growing primitive array. The consumer that records
 * them runs in the JVM whose latency it measures: a boxed value per event would be an object that
 * lives for the whole run, copied from survivor space to survivor space by every young collection
 * until it is old enough to be promoted, and those collections pause the pipeline being measured.
 */
final class LatencySamples {
    private long[] values = new long[1 << 16];
    private int n;

    void add(long ms) {
        if (n == values.length) {
            values = Arrays.copyOf(values, n * 2);
        }
        values[n++] = ms;
    }

    int size() {
        return n;
    }

    /** The p50, p99 and p999 of the samples (NaN when there are none). */
    PipelineBench.Latency percentiles() {
        if (n == 0) {
            return new PipelineBench.Latency(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return new PipelineBench.Latency(at(sorted, 0.5), at(sorted, 0.99), at(sorted, 0.999), n);
    }

    /** The sample at quantile {@code q}, by nearest rank as every figure of the command line. */
    private static double at(long[] sorted, double q) {
        return io.recstream.cli.Percentiles.nearestRank(sorted, q);
    }
}
