package io.recstream.jobs.inference;

import io.recstream.jobs.events.SlotKind;
import io.recstream.model.Ranking;
import java.util.Arrays;

/**
 * Fills the k slots of a recommendation: the model's items and the fresh items scored for the user
 * compete on score, then the fallback fills what is left, then the exploration item takes the last
 * slot (or a free one) unless the list already holds it.
 */
public final class Slots {
    private Slots() {}

    /** Items, scores and slot kinds, best first. */
    public record Filled(int[] items, float[] scores, SlotKind[] kinds) {}

    /**
     * @param ranked the model's ranking: its first {@code fromModel} items are the model's, the
     *     rest fallback
     * @param fresh fresh items scored for the user, best first (none: empty)
     * @param freshScores their scores
     * @param explore the exploration item, or -1
     * @param exploreScore its score
     */
    public static Filled fill(
            Ranking.Ranked ranked,
            int[] fresh,
            float[] freshScores,
            int explore,
            float exploreScore,
            int k) {
        int[] items = new int[k];
        float[] scores = new float[k];
        SlotKind[] kinds = new SlotKind[k];
        int n = 0;
        int m = 0;
        int f = 0;
        int modelItems = ranked.fromModel();
        while (n < k && (m < modelItems || f < fresh.length)) {
            boolean takeFresh =
                    f < fresh.length && (m >= modelItems || freshScores[f] > ranked.scores()[m]);
            int item = takeFresh ? fresh[f] : ranked.items()[m];
            float score = takeFresh ? freshScores[f] : ranked.scores()[m];
            if (takeFresh) {
                f++;
            } else {
                m++;
            }
            if (!contains(items, n, item)) {
                items[n] = item;
                scores[n] = score;
                kinds[n] = takeFresh ? SlotKind.FRESH : SlotKind.MODEL;
                n++;
            }
        }
        for (int i = modelItems; i < ranked.items().length && n < k; i++) {
            int item = ranked.items()[i];
            if (!contains(items, n, item)) {
                items[n] = item;
                scores[n] = ranked.scores()[i];
                kinds[n] = SlotKind.POPULAR;
                n++;
            }
        }
        if (explore >= 0 && k > 0 && !contains(items, n, explore)) {
            int slot = n < k ? n++ : k - 1;
            items[slot] = explore;
            scores[slot] = exploreScore;
            kinds[slot] = SlotKind.EXPLORE;
        }
        return new Filled(
                Arrays.copyOf(items, n), Arrays.copyOf(scores, n), Arrays.copyOf(kinds, n));
    }

    /** A fallback-only list (cold user, missed deadline): popular items, then exploration. */
    public static Filled fallback(
            int[] fallback, float[] fallbackScores, int explore, float exploreScore, int k) {
        int n = Math.min(k, fallback.length);
        return fill(
                new Ranking.Ranked(Arrays.copyOf(fallback, n), Arrays.copyOf(fallbackScores, n), 0),
                new int[0],
                new float[0],
                explore,
                exploreScore,
                k);
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }
}
