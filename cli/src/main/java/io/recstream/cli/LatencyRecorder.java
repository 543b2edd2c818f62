package io.recstream.cli;

import java.util.Arrays;

/** Collects latencies (ms) and reports percentiles. Thread-safe. */
final class LatencyRecorder {
    private long[] values = new long[1 << 12];
    private int size;

    synchronized void record(long millis) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = millis;
    }

    /** The {@code q} quantile (0..1) by nearest rank, or -1 when nothing was recorded. */
    synchronized long percentile(double q) {
        if (size == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return Percentiles.nearestRank(sorted, q);
    }
}
