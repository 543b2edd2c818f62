package io.recstream.training;

import io.recstream.model.ReferenceProfile;
import java.util.Arrays;

/** Histogram helpers for the reference profile. */
final class Histograms {
    private Histograms() {}

    static final int BINS = 10;

    /**
     * A histogram of {@code values} with bin edges at their deciles, so each bin holds about a
     * tenth of the reference values; repeated edges are merged. An empty input gives one bin [0,
     * 1).
     */
    static ReferenceProfile.Histogram deciles(double[] values) {
        if (values.length == 0) {
            return new ReferenceProfile.Histogram(new double[] {0, 1}, new double[] {1});
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] edges = new double[BINS + 1];
        int m = 0;
        for (int b = 0; b <= BINS; b++) {
            double q =
                    sorted[
                            (int)
                                    Math.min(
                                            sorted.length - 1,
                                            Math.floor(b * (sorted.length - 1) / (double) BINS))];
            if (m == 0 || q > edges[m - 1]) {
                edges[m++] = q;
            }
        }
        if (m == 1) {
            edges[m++] = edges[0] + 1e-6;
        }
        edges = Arrays.copyOf(edges, m);
        double[] p = new double[m - 1];
        for (double v : values) {
            p[bin(edges, v)] += 1.0 / values.length;
        }
        return new ReferenceProfile.Histogram(edges, p);
    }

    /**
     * The bin of {@code v}: values below the first edge go to bin 0, above the last to the last
     * bin.
     */
    static int bin(double[] edges, double v) {
        int bins = edges.length - 1;
        for (int b = 0; b < bins - 1; b++) {
            if (v < edges[b + 1]) {
                return b;
            }
        }
        return bins - 1;
    }
}
