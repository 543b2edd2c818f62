package io.recstream.model;

/**
 * Turns a model's over-retrieved candidates into the final list: drop items the user has already
 * seen, keep the best {@code k}, and fill from a fallback list when too few remain.
 */
public final class Ranking {
    private Ranking() {}

    /**
     * @param candidates candidate item indices, best first
     * @param candidateScores their scores
     * @param candidateCount how many candidates to read
     * @param seen item indices the user has already seen (small: at most the history length)
     * @param seenCount how many entries of {@code seen} to use
     * @param excluded more item indices never to choose, sorted ascending (any size: everything the
     *     user has consumed); null for none
     * @param fallback fallback item indices, best first (e.g. popular items)
     * @param fallbackScores their scores
     * @param k the number of items wanted
     * @return the chosen items and scores; fewer than {@code k} only if candidates and fallback
     *     together do not have enough unseen distinct items
     */
    public static Ranked select(
            int[] candidates,
            float[] candidateScores,
            int candidateOffset,
            int candidateCount,
            int[] seen,
            int seenCount,
            int[] excluded,
            int[] fallback,
            float[] fallbackScores,
            int k) {
        int[] items = new int[k];
        float[] scores = new float[k];
        int n = 0;
        int modelItems = 0;
        for (int i = 0; i < candidateCount && n < k; i++) {
            int item = candidates[candidateOffset + i];
            if (item < 0
                    || contains(seen, seenCount, item)
                    || isExcluded(excluded, item)
                    || contains(items, n, item)) {
                continue;
            }
            items[n] = item;
            scores[n] = candidateScores[candidateOffset + i];
            n++;
            modelItems++;
        }
        for (int i = 0; fallback != null && i < fallback.length && n < k; i++) {
            int item = fallback[i];
            if (contains(seen, seenCount, item)
                    || isExcluded(excluded, item)
                    || contains(items, n, item)) {
                continue;
            }
            items[n] = item;
            scores[n] = fallbackScores[i];
            n++;
        }
        if (n < k) {
            items = java.util.Arrays.copyOf(items, n);
            scores = java.util.Arrays.copyOf(scores, n);
        }
        return new Ranked(items, scores, modelItems);
    }

    private static boolean isExcluded(int[] sorted, int item) {
        return sorted != null && java.util.Arrays.binarySearch(sorted, item) >= 0;
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param items chosen item indices, best first
     * @param scores their scores
     * @param fromModel how many of them came from the model's candidates (the rest are fallback)
     */
    public record Ranked(int[] items, float[] scores, int fromModel) {}
}
