package io.recstream.jobs.popularity;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.io.TempDir;

/** Operator-harness tests of the fallback added to each scoring request. */
class PopularFallbackTest {

    @TempDir static Path tmp;
    private static Path model;

    private BroadcastOperatorTestHarness<ScoringRequest, PopularItems, ScoringRequest> harness;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(tmp.resolve("model"), 3L, "harness");
    }

    @BeforeEach
    void open() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new PopularFallback(model.toString(), 4), PopularFallback.POPULAR_STATE);
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
                new PopularItems(
                        60_000, new int[] {1, 2, 3, 4, 5, 6}, new long[] {60, 50, 40, 30, 20, 10}),
                60_000);
        harness.processBroadcastElement(
                new PopularItems(30_000, new int[] {9, 8, 7, 6}, new long[] {9, 8, 7, 6}), 30_000);
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
                new PopularItems(
                        60_000, new int[] {1, 2, 3, 4, 5, 6}, new long[] {60, 50, 40, 30, 20, 10}),
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
                new PopularItems(60_000, new int[] {3, 1}, new long[] {7, 5}), 60_000);
        harness.processElement(request("e1", 61_000, 2), 61_000);
        assertThat(last().getFallback()).containsExactly(3, 1, 0, 4);
        assertThat(last().getFallbackScores()).containsExactly(7f, 5f, 0f, 0f);
    }
}
