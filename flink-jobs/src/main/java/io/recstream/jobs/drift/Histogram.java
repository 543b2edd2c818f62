package io.recstream.jobs.drift;

import io.recstream.model.Vocabulary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The buckets of a reference distribution: for categories, the reference's categories in sorted
 * order plus {@link #UNSEEN}; for scores, the reference's bins. Maps live observations to bucket
 * indices.
 */
public final class Histogram implements Serializable {

    /** The bucket for categories the reference never saw. */
    public static final String UNSEEN = "(unseen)";

    private final List<String> labels;
    private final double[] reference;
    private final double referenceSize;
    private final double[] edges;
    private transient Map<String, Integer> index;

    private Histogram(
            List<String> labels, double[] reference, double referenceSize, double[] edges) {
        this.labels = List.copyOf(labels);
        this.reference = reference;
        this.referenceSize = referenceSize;
        this.edges = edges;
    }

    /** Categorical buckets: the reference's categories, then {@link #UNSEEN} with probability 0. */
    public static Histogram categorical(Map<String, Double> reference, double referenceSize) {
        List<String> labels = new ArrayList<>(new java.util.TreeMap<>(reference).keySet());
        double[] p = new double[labels.size() + 1];
        for (int i = 0; i < labels.size(); i++) {
            p[i] = reference.get(labels.get(i));
        }
        labels.add(UNSEEN);
        return new Histogram(labels, p, referenceSize, null);
    }

    /**
     * Numeric bins with the reference's edges: bin i is [edges[i], edges[i+1]); values below the
     * first edge count in the first bin, values at or above the last edge in the last bin.
     */
    public static Histogram binned(double[] edges, double[] probabilities, double referenceSize) {
        if (edges.length != probabilities.length + 1) {
            throw new IllegalArgumentException(
                    "a histogram with "
                            + probabilities.length
                            + " bins needs "
                            + (probabilities.length + 1)
                            + " edges, got "
                            + edges.length);
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < probabilities.length; i++) {
            labels.add("[" + edges[i] + "," + edges[i + 1] + ")");
        }
        return new Histogram(labels, probabilities.clone(), referenceSize, edges.clone());
    }

    public int size() {
        return labels.size();
    }

    public List<String> labels() {
        return labels;
    }

    /** Bucket of a category ({@link #UNSEEN} when the reference does not have it). */
    public int bucketOf(String category) {
        if (index == null) {
            Map<String, Integer> m = new HashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                m.put(labels.get(i), i);
            }
            index = m;
        }
        Integer i = index.get(category);
        return i != null ? i : labels.size() - 1;
    }

    /**
     * Counts one item in {@code counts}: its categories share one unit; an item outside the
     * vocabulary ({@code index < 0}) counts in {@link #UNSEEN}, a known item without categories in
     * {@link Vocabulary#UNKNOWN_CATEGORY}.
     */
    public void addItem(double[] counts, Vocabulary vocabulary, int index) {
        List<String> cats = index < 0 ? List.of(UNSEEN) : vocabulary.categories(index);
        if (cats.isEmpty()) {
            cats = List.of(Vocabulary.UNKNOWN_CATEGORY);
        }
        double share = 1.0 / cats.size();
        for (String cat : cats) {
            counts[bucketOf(cat)] += share;
        }
    }

    /** Bin of a value. */
    public int binOf(double value) {
        int bins = labels.size();
        for (int b = 0; b < bins - 1; b++) {
            if (value < edges[b + 1]) {
                return b;
            }
        }
        return bins - 1;
    }

    /** Divergences of live counts against the reference, smoothed with {@code alpha}. */
    public Divergences compare(double[] liveCounts, double alpha) {
        double[] p = Divergence.smoothLive(liveCounts, alpha);
        double[] q = Divergence.smoothReference(reference, referenceSize, alpha);
        return new Divergences(Divergence.kl(p, q), Divergence.js(p, q), Divergence.psi(p, q));
    }

    /** KL, JS and PSI of one comparison. */
    public record Divergences(double kl, double js, double psi) {}
}
