package io.recstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentItemsTest {

    private static final long WINDOW = 10_000;

    @Test
    void keepsTheLastDistinctItemsOldestFirst() {
        RecentItems h = new RecentItems();
        for (int i = 0; i < 6; i++) {
            h.add(i, 1_000 + i, 4, WINDOW);
        }
        assertThat(h.getItems()).containsExactly(2, 3, 4, 5);
        assertThat(h.getTimes()).containsExactly(1_002, 1_003, 1_004, 1_005);
    }

    @Test
    void repeatedItemMovesToItsNewerTime() {
        RecentItems h = new RecentItems();
        h.add(1, 1_000, 5, WINDOW);
        h.add(2, 2_000, 5, WINDOW);
        h.add(1, 3_000, 5, WINDOW);
        assertThat(h.getItems()).containsExactly(2, 1);
        assertThat(h.getTimes()).containsExactly(2_000, 3_000);
    }

    @Test
    void outOfOrderEventIsInsertedInTimeOrder() {
        RecentItems h = new RecentItems();
        h.add(1, 1_000, 5, WINDOW);
        h.add(3, 3_000, 5, WINDOW);
        h.add(2, 2_000, 5, WINDOW);
        assertThat(h.getItems()).containsExactly(1, 2, 3);
    }

    @Test
    void itemsOutsideTheWindowAreDropped() {
        RecentItems h = new RecentItems();
        h.add(1, 1_000, 5, WINDOW);
        h.add(2, 5_000, 5, WINDOW);
        h.add(3, 12_000, 5, WINDOW); // cutoff 2_000: item 1 leaves
        assertThat(h.getItems()).containsExactly(2, 3);
        assertThat(h.expire(15_001, WINDOW)).isEqualTo(1); // cutoff 5_001: item 2 leaves
        assertThat(h.getItems()).containsExactly(3);
        assertThat(h.expire(22_001, WINDOW)).isZero();
    }

    @Test
    void recencyWeightsHalveEveryHalfLife() {
        assertThat(RecencyWeights.weight(0, 1_000)).isEqualTo(1f);
        assertThat(RecencyWeights.weight(1_000, 1_000)).isEqualTo(0.5f);
        assertThat(RecencyWeights.weight(3_000, 1_000)).isEqualTo(0.125f);
        assertThat(RecencyWeights.weight(-50, 1_000)).as("future items count as new").isEqualTo(1f);
        RecentItems h = new RecentItems();
        h.add(7, 0, 5, WINDOW);
        h.add(8, 2_000, 5, WINDOW);
        assertThat(h.weights(2_000, 2_000)).containsExactly(0.5f, 1f);
    }

    @Test
    void rankingDropsSeenItemsAndFillsFromFallback() {
        int[] candidates = {5, 1, 6, 2, 7};
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
        int[] seen = {1, 2, 9};
        int[] fallback = {9, 5, 3, 4};
        float[] fallbackScores = {40, 30, 20, 10};
        Ranking.Ranked r =
                Ranking.select(
                        candidates, scores, 0, 5, seen, 3, null, fallback, fallbackScores, 5);
        assertThat(r.items()).containsExactly(5, 6, 7, 3, 4);
        assertThat(r.scores()).containsExactly(0.9f, 0.7f, 0.5f, 20f, 10f);
        assertThat(r.fromModel()).isEqualTo(3);
    }

    @Test
    void rankingReadsItsRowOfABatch() {
        int[] candidates = {1, 2, 3, 4, 5, 6};
        float[] scores = {6, 5, 4, 3, 2, 1};
        Ranking.Ranked r =
                Ranking.select(
                        candidates,
                        scores,
                        3,
                        3,
                        new int[] {5},
                        1,
                        null,
                        new int[0],
                        new float[0],
                        2);
        assertThat(r.items()).containsExactly(4, 6);
    }

    @Test
    void rankingReturnsFewerWhenEverythingIsSeen() {
        Ranking.Ranked r =
                Ranking.select(
                        new int[] {1},
                        new float[] {1},
                        0,
                        1,
                        new int[] {1},
                        1,
                        null,
                        new int[] {1},
                        new float[] {1},
                        3);
        assertThat(r.items()).isEmpty();
    }

    @Test
    void rankingNeverChoosesAnExcludedItemFromTheModelOrTheFallback() {
        int[] candidates = {5, 1, 6, 2, 7};
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
        int[] excluded = {3, 5, 7}; // sorted: everything the user consumed, beyond the history
        int[] fallback = {5, 3, 4, 8};
        Ranking.Ranked r =
                Ranking.select(
                        candidates,
                        scores,
                        0,
                        5,
                        new int[] {2},
                        1,
                        excluded,
                        fallback,
                        new float[] {4, 3, 2, 1},
                        5);
        assertThat(r.items()).containsExactly(1, 6, 4, 8);
        assertThat(r.fromModel()).isEqualTo(2);
    }
}
