package io.recstream.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.catalogue.FreshSettings;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SlotKind;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.model.SortedInts;
import io.recstream.model.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scorer as the job runs it: {@link ScoringFunction} inside Flink's async I/O operator, with a
 * real ONNX model and micro-batcher. What it serves: never an excluded item, fresh items on score,
 * the exploration slot last, the fallback for cold users.
 */
class ScoringFunctionTest {

    private static final int K = 4;
    private static final int F0 = FreshSettings.FRESH_BASE;

    private static Path model;
    private static Vocabulary vocabulary;

    @BeforeAll
    static void tinyModel() throws Exception {
        model = TestModels.tiny(21L, "scoring");
        vocabulary = ModelBundle.load(model).vocabulary();
    }

    /** Runs {@code requests} through the operator; returns the recommendations by request key. */
    private static Map<String, Recommendation> score(ScoringRequest... requests) throws Exception {
        ScoringFunction function =
                new ScoringFunction(
                        new MicroBatcher.Settings(model.toString(), 8, 1_000, 1, 1), K, 60_000);
        TypeSerializer<ScoringRequest> serializer =
                TypeInformation.of(ScoringRequest.class)
                        .createSerializer(new SerializerConfigImpl());
        List<Recommendation> out = new ArrayList<>();
        try (OneInputStreamOperatorTestHarness<ScoringRequest, Recommendation> h =
                new OneInputStreamOperatorTestHarness<>(
                        new AsyncWaitOperatorFactory<>(
                                function, 60_000, 16, AsyncDataStream.OutputMode.UNORDERED),
                        serializer)) {
            h.open();
            for (ScoringRequest r : requests) {
                h.processElement(r, r.getEventTime());
            }
            h.endInput(); // waits for every request in flight
            out.addAll(h.extractOutputValues());
        }
        assertThat(out).hasSize(requests.length);
        return out.stream().collect(Collectors.toMap(Recommendation::getRequestKey, r -> r));
    }

    private static ScoringRequest warm(String key, int... history) {
        float[] w = new float[history.length];
        Arrays.fill(w, 1f);
        ScoringRequest r =
                new ScoringRequest(
                        key, "u-" + key, 1_000, history, w, false, new int[0], new float[0]);
        r.setConsumed(SortedInts.encode(Arrays.stream(history).sorted().toArray()));
        r.setFallback(new int[] {10, 11, 12, 13});
        r.setFallbackScores(new float[] {4, 3, 2, 1});
        return r;
    }

    private static List<Integer> indices(Recommendation r) {
        List<Integer> out = new ArrayList<>();
        for (String id : r.getItemIds()) {
            out.add(vocabulary.indexOf(id));
        }
        return out;
    }

    @Test
    void neverServesAConsumedOrWithdrawnItemAndIsDeterministic() throws Exception {
        ScoringRequest plain = warm("plain", 0, 1, 2);
        Recommendation first = score(plain).get("plain");
        assertThat(first.getStrategy()).isEqualTo(Strategy.MODEL);
        assertThat(first.getItemIds()).hasSize(K);
        // exclude what the model liked best, and more consumed items, and see it go elsewhere
        List<Integer> best = indices(first);
        ScoringRequest masked = warm("masked", 0, 1, 2);
        int[] consumed = {0, 1, 2, best.get(0), best.get(1)};
        Arrays.sort(consumed);
        masked.setConsumed(SortedInts.encode(Arrays.stream(consumed).distinct().toArray()));
        masked.setWithdrawn(new int[] {best.get(2)});
        Recommendation r = score(masked).get("masked");
        assertThat(indices(r))
                .hasSize(K)
                .doesNotContain(0, 1, 2, best.get(0), best.get(1), best.get(2))
                .startsWith(best.get(3));
        assertThat(score(warm("plain", 0, 1, 2)).get("plain").getItemIds())
                .as("the same request, the same answer")
                .containsExactly(first.getItemIds());
    }

    @Test
    void aFreshItemCompetesOnScoreAndTheExplorationSlotIsLast() throws Exception {
        ScoringRequest r = warm("fresh", 0, 1, 2);
        r.setFreshItems(new int[] {F0});
        r.setFreshScores(new float[] {1e6f});
        r.setExploreItem(F0 + 1);
        r.setExploreScore(0f);
        r.setExtraIndices(new int[] {F0, F0 + 1});
        r.setExtraIds(new String[] {"fresh-top", "fresh-explored"});
        Recommendation out = score(r).get("fresh");
        assertThat(out.getItemIds()).hasSize(K);
        assertThat(out.getItemIds()[0]).isEqualTo("fresh-top");
        assertThat(out.slotKind(0)).isEqualTo(SlotKind.FRESH);
        assertThat(out.getItemIds()[K - 1]).isEqualTo("fresh-explored");
        assertThat(out.slotKind(K - 1)).isEqualTo(SlotKind.EXPLORE);
        assertThat(out.slotKind(1)).isEqualTo(SlotKind.MODEL);
    }

    @Test
    void aColdUserGetsTheFallbackWithoutTheModel() throws Exception {
        ScoringRequest cold =
                new ScoringRequest(
                        "cold",
                        "new-user",
                        1_000,
                        new int[0],
                        new float[0],
                        true,
                        new int[0],
                        new float[0]);
        cold.setFallback(new int[] {10, 11, 12, 13});
        cold.setFallbackScores(new float[] {4, 3, 2, 1});
        Recommendation out = score(cold).get("cold");
        assertThat(out.getStrategy()).isEqualTo(Strategy.POPULAR);
        assertThat(indices(out)).containsExactly(10, 11, 12, 13);
    }
}
