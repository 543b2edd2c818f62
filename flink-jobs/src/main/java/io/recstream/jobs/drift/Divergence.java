package io.recstream.jobs.drift;

/**
 * Divergences between a live histogram and a reference distribution over the same buckets.
 *
 * <p><b>Smoothing.</b> Both sides are smoothed additively before comparing, so every value is
 * finite and windows of different sizes stay comparable:
 *
 * <pre>
 *   live       p_b = (n_b + α) / (N + α·B)        n_b: live count in bucket b, N = Σ n_b
 *   reference  q_b = (r_b·R + α) / (R + α·B)      r_b: reference probability, R: reference sample size
 * </pre>
 *
 * with B buckets and pseudo-count α (default 0.5, Jeffreys). For categorical histograms the buckets
 * are the reference's categories plus one explicit bucket for every category the reference never
 * saw ({@link Histogram#UNSEEN}); live mass on new categories lands there and raises the divergence
 * instead of being dropped or producing log(0).
 *
 * <p>All logarithms are natural (values in nats). KL(p ‖ q) = Σ p_b ln(p_b / q_b); Jensen–Shannon
 * JS = ½ KL(p ‖ m) + ½ KL(q ‖ m) with m = ½(p + q), bounded by ln 2; the population stability index
 * PSI = Σ (p_b − q_b) ln(p_b / q_b) (the symmetrised KL).
 */
public final class Divergence {
    private Divergence() {}

    /** Default pseudo-count α. */
    public static final double DEFAULT_ALPHA = 0.5;

    /** Smoothed live distribution from counts. */
    public static double[] smoothLive(double[] counts, double alpha) {
        double n = 0;
        for (double c : counts) {
            n += c;
        }
        double[] p = new double[counts.length];
        double denominator = n + alpha * counts.length;
        for (int b = 0; b < counts.length; b++) {
            p[b] = (counts[b] + alpha) / denominator;
        }
        return p;
    }

    /** Smoothed reference distribution from probabilities and the reference's sample size. */
    public static double[] smoothReference(
            double[] probabilities, double sampleSize, double alpha) {
        double[] q = new double[probabilities.length];
        double denominator = sampleSize + alpha * probabilities.length;
        for (int b = 0; b < probabilities.length; b++) {
            q[b] = (probabilities[b] * sampleSize + alpha) / denominator;
        }
        return q;
    }

    public static double kl(double[] p, double[] q) {
        check(p, q);
        double d = 0;
        for (int b = 0; b < p.length; b++) {
            if (p[b] > 0) {
                d += p[b] * Math.log(p[b] / q[b]);
            }
        }
        return Math.max(0, d);
    }

    public static double js(double[] p, double[] q) {
        check(p, q);
        double[] m = new double[p.length];
        for (int b = 0; b < p.length; b++) {
            m[b] = 0.5 * (p[b] + q[b]);
        }
        return 0.5 * kl(p, m) + 0.5 * kl(q, m);
    }

    public static double psi(double[] p, double[] q) {
        check(p, q);
        double d = 0;
        for (int b = 0; b < p.length; b++) {
            d += (p[b] - q[b]) * Math.log(p[b] / q[b]);
        }
        return Math.max(0, d);
    }

    private static void check(double[] p, double[] q) {
        if (p.length != q.length || p.length == 0) {
            throw new IllegalArgumentException(
                    "histograms need the same, non-zero number of buckets: "
                            + p.length
                            + " vs "
                            + q.length);
        }
    }
}
