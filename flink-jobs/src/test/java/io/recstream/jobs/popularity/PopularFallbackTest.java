package io.recstream.jobs.popularity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recstream.jobs.catalogue.CandidateUpdate;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operator-harness tests of the fallback added to each scoring request. */
class PopularFallbackTest {

    private static Path model;

    private BroadcastOperatorTestHarness<ScoringRequest, CandidateUpdate, ScoringRequest> harness;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(3L, "harness");
    }

    @BeforeEach
    void open() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new PopularFallback(model.toString(), 4),
                        PopularFallback.POPULAR_STATE,
                        PopularFallback.FRESH_STATE,
                        PopularFallback.WITHDRAWN_STATE);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ScoringRequest request(String key, long time, int... history) {
        return new ScoringRequest(
                key,
                "u",
                time,
                history,
                new float[history.length],
                history.length < 2,
                new int[0],
                new float[0]);
    }

    private ScoringRequest last() {
        List<ScoringRequest> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void theLatestPopularItemsMinusTheHistory() throws Exception {
        harness.processBroadcastElement(
                CandidateUpdate.of(
                        new PopularItems(
                                60_000,
                                new int[] {1, 2, 3, 4, 5, 6},
                                new long[] {60, 50, 40, 30, 20, 10})),
                60_000);
        harness.processBroadcastElement(
                CandidateUpdate.of(
                        new PopularItems(30_000, new int[] {9, 8, 7, 6}, new long[] {9, 8, 7, 6})),
                30_000);
        harness.processElement(request("e2", 61_500, 4, 2), 61_500);
        assertThat(last().getRequestKey()).isEqualTo("e2");
        assertThat(last().getItems()).as("the history passes unchanged").containsExactly(4, 2);
        assertThat(last().getFallback())
                .as("older window ignored, seen items dropped")
                .containsExactly(1, 3, 5, 6);
        assertThat(last().getFallbackScores()).containsExactly(60f, 40f, 20f, 10f);
    }

    @Test
    void itemsConsumedLongAgoAreNotOfferedEither() throws Exception {
        harness.processBroadcastElement(
                CandidateUpdate.of(
                        new PopularItems(
                                60_000,
                                new int[] {1, 2, 3, 4, 5, 6},
                                new long[] {60, 50, 40, 30, 20, 10})),
                60_000);
        ScoringRequest r = request("e1", 61_000, 2);
        r.setConsumed(io.recstream.model.SortedInts.encode(new int[] {1, 2, 5}));
        harness.processElement(r, 61_000);
        assertThat(last().getFallback()).containsExactly(3, 4, 6, 0);
    }

    @Test
    void beforeAnyPopularityWindowTheBundlesPopularItems() throws Exception {
        harness.processElement(request("e1", 1_000, 0), 1_000);
        // vocabulary index 0 is the most popular training item: seen, so not offered back
        assertThat(last().getFallback()).hasSize(4).doesNotContain(0).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aShortLiveListIsFilledFromTheBundlesPopularItemsWithoutRepeats() throws Exception {
        harness.processBroadcastElement(
                CandidateUpdate.of(new PopularItems(60_000, new int[] {3, 1}, new long[] {7, 5})),
                60_000);
        harness.processElement(request("e1", 61_000, 2), 61_000);
        assertThat(last().getFallback()).containsExactly(3, 1, 0, 4);
        assertThat(last().getFallbackScores()).containsExactly(7f, 5f, 0f, 0f);
    }

    // --- the catalogue: withdrawn items, fresh items, exploration ---

    private static final int F0 = io.recstream.jobs.catalogue.FreshSettings.FRESH_BASE;

    private BroadcastOperatorTestHarness<ScoringRequest, CandidateUpdate, ScoringRequest>
            withCatalogue(int maxItems) throws Exception {
        var h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new PopularFallback(
                                model.toString(),
                                4,
                                new io.recstream.jobs.catalogue.FreshSettings(
                                        "items", 3, maxItems, java.time.Duration.ofHours(1), 1)),
                        PopularFallback.POPULAR_STATE,
                        PopularFallback.FRESH_STATE,
                        PopularFallback.WITHDRAWN_STATE);
        h.open();
        return h;
    }

    private static CandidateUpdate entry(
            String id, int index, boolean available, long time, String... categories) {
        return CandidateUpdate.of(
                new io.recstream.jobs.catalogue.CatalogueEntry(
                        id, index, categories, available, time));
    }

    private static ScoringRequest warm(String key, long time, int... history) {
        float[] w = new float[history.length];
        java.util.Arrays.fill(w, 1f);
        return new ScoringRequest(key, "u", time, history, w, false, new int[0], new float[0]);
    }

    private static ScoringRequest lastOf(
            BroadcastOperatorTestHarness<ScoringRequest, CandidateUpdate, ScoringRequest> h) {
        List<ScoringRequest> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void aWithdrawnModelItemLeavesTheFallbackAndIsHandedToTheScorerToMask() throws Exception {
        var vocabulary = io.recstream.model.ModelBundle.load(model).vocabulary();
        try (var h = withCatalogue(10)) {
            h.processBroadcastElement(entry(vocabulary.itemId(1), 1, false, 500), 500);
            h.processBroadcastElement(entry(vocabulary.itemId(3), 3, false, 500), 500);
            h.processElement(request("e1", 1_000, 0), 1_000);
            assertThat(lastOf(h).getFallback()).containsExactly(2, 4, 5, 6);
            assertThat(lastOf(h).getWithdrawn()).containsExactly(1, 3);
            // available again
            h.processBroadcastElement(entry(vocabulary.itemId(1), 1, true, 600), 600);
            h.processElement(request("e2", 1_000, 0), 1_000);
            assertThat(lastOf(h).getFallback()).containsExactly(1, 2, 4, 5);
            assertThat(lastOf(h).getWithdrawn()).containsExactly(3);
        }
    }

    @Test
    void aFreshItemIsScoredThroughItsCategoryThenThroughFoldIn() throws Exception {
        var bundle = io.recstream.model.ModelBundle.load(model);
        var vocabulary = bundle.vocabulary();
        String category = vocabulary.categories(0).get(0);
        try (var h = withCatalogue(10)) {
            h.processBroadcastElement(entry("fresh-1", F0, true, 500, category), 500);
            h.processElement(warm("e1", 1_000, 0, 1, 2), 1_000);
            ScoringRequest r = lastOf(h);
            var e = bundle.embeddings();
            float[] user = e.userVector(new int[] {0, 1, 2}, new float[] {1, 1, 1}, 3);
            java.util.List<Integer> members = new java.util.ArrayList<>();
            for (int i = 0; i < vocabulary.size(); i++) {
                if (vocabulary.categories(i).contains(category)) {
                    members.add(i);
                }
            }
            float centroidScore = io.recstream.model.ItemEmbeddings.dot(user, e.centroid(members));
            assertThat(r.getFreshItems()).containsExactly(F0);
            assertThat(r.getFreshScores()[0]).isCloseTo(centroidScore, within(1e-5f));
            assertThat(r.getExploreItem()).as("the only fresh item").isEqualTo(F0);
            assertThat(r.extraId(F0)).isEqualTo("fresh-1");

            float[] folded = new float[e.dimensions()];
            folded[0] = 3f;
            h.processBroadcastElement(
                    CandidateUpdate.of(
                            new io.recstream.jobs.catalogue.FreshActivity(F0, 3, 900, folded)),
                    900);
            h.processElement(warm("e2", 1_000, 0, 1, 2), 1_000);
            assertThat(lastOf(h).getFreshScores()[0])
                    .as("scored with the folded-in embedding now")
                    .isCloseTo(3f * user[0], within(1e-5f));

            // consumed: never offered, in no role
            ScoringRequest consumed = warm("e3", 1_000, 0, 1, 2);
            consumed.setConsumed(io.recstream.model.SortedInts.encode(new int[] {0, 1, 2, F0}));
            h.processElement(consumed, 1_000);
            assertThat(lastOf(h).getFreshItems()).isEmpty();
            assertThat(lastOf(h).getExploreItem()).isEqualTo(-1);

            // withdrawn: gone at once
            h.processBroadcastElement(entry("fresh-1", F0, false, 950, category), 950);
            h.processElement(warm("e4", 1_000, 0, 1, 2), 1_000);
            assertThat(lastOf(h).getFreshItems()).isEmpty();
            assertThat(lastOf(h).getExploreItem()).isEqualTo(-1);
        }
    }

    @Test
    void freshItemsExpireWithoutActivityAndTheLeastRecentlyActiveGiveWay() throws Exception {
        try (var h = withCatalogue(2)) {
            h.processBroadcastElement(entry("a", F0, true, 1_000, "x"), 1_000);
            h.processBroadcastElement(entry("b", F0 + 1, true, 2_000, "x"), 2_000);
            h.processBroadcastElement(
                    CandidateUpdate.of(
                            new io.recstream.jobs.catalogue.FreshActivity(F0, 1, 5_000, null)),
                    5_000);
            h.processBroadcastElement(entry("c", F0 + 2, true, 3_000, "x"), 3_000);
            // "b" (last active at 2 s) gave way; "a" was active at 5 s, "c" admitted at 5 s
            java.util.Set<Integer> explored = new java.util.HashSet<>();
            for (int i = 0; i < 200; i++) {
                h.processElement(request("k" + i, 10_000, 0), 10_000);
                explored.add(lastOf(h).getExploreItem());
            }
            assertThat(explored)
                    .as("every live fresh item gets explored")
                    .containsExactlyInAnyOrder(F0, F0 + 2);
            // an hour after their last activity, none is served
            h.processElement(request("late", 5_000 + 3_600_001L, 0), 5_000 + 3_600_001L);
            assertThat(lastOf(h).getExploreItem()).isEqualTo(-1);
        }
    }

    @Test
    void aFreshItemIsNotServedToRequestsBeforeItsCreationTime() throws Exception {
        try (var h = withCatalogue(10)) {
            h.processBroadcastElement(entry("later", F0, true, 20_000, "x"), 20_000);
            h.processElement(request("early", 10_000, 0), 10_000);
            assertThat(lastOf(h).getExploreItem()).isEqualTo(-1);
            h.processElement(request("on-time", 20_000, 0), 20_000);
            assertThat(lastOf(h).getExploreItem()).isEqualTo(F0);
        }
    }

    @Test
    void freshItemsTheServedModelKnowsGiveWayToItAndStayWithdrawnIfTheyWere() throws Exception {
        // broadcast state written under a model that did not know these two items
        var vocabulary = io.recstream.model.ModelBundle.load(model).vocabulary();
        try (var h = withCatalogue(10)) {
            h.processBroadcastElement(entry(vocabulary.itemId(2), F0, true, 500, "x"), 500);
            h.processBroadcastElement(entry(vocabulary.itemId(3), F0 + 1, true, 500, "x"), 500);
            h.processBroadcastElement(entry(vocabulary.itemId(3), F0 + 1, false, 600, "x"), 600);
            h.processBroadcastElement(entry("still-new", F0 + 2, true, 500, "x"), 500);
            java.util.Set<Integer> explored = new java.util.HashSet<>();
            ScoringRequest r = null;
            for (int i = 0; i < 50; i++) {
                h.processElement(warm("e" + i, 1_000, 0, 1), 1_000);
                r = lastOf(h);
                explored.add(r.getExploreItem());
            }
            assertThat(explored)
                    .as("the model serves item 2 as its own now: only the still new item is fresh")
                    .containsExactly(F0 + 2);
            assertThat(r.getWithdrawn()).as("withdrawn while fresh: withdrawn still").contains(3);
            assertThat(r.getFallback()).doesNotContain(3);
        }
    }
}
