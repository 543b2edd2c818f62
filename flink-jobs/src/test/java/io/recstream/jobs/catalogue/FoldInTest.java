package io.recstream.jobs.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ItemEmbeddings;
import io.recstream.model.ModelBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Operator-harness tests of fold-in: counts first, then an embedding users like. */
class FoldInTest {

    private static Path model;
    private static ItemEmbeddings embeddings;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(9L, "fold-in");
        embeddings = ModelBundle.load(model).embeddings();
    }

    @Test
    void anItemIsFoldedInFromItsUsersAfterEnoughInteractions() throws Exception {
        int fresh = FreshSettings.FRESH_BASE + 4;
        // three users with the same taste: items 0..2 of the vocabulary
        int[] taste = {0, 1, 2};
        float[] weights = {1f, 1f, 1f};
        try (var h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new FoldIn(model.toString(), 3, Duration.ofDays(1)),
                        FoldInSample::getItem,
                        Types.INT)) {
            h.open();
            for (int i = 0; i < 3; i++) {
                h.processElement(new FoldInSample(fresh, 1_000 + i, taste, weights), 1_000 + i);
            }
            h.processElement(new FoldInSample(fresh, 2_000, taste, weights), 2_000);
            h.processElement(new FoldInSample(fresh, 3_000, new int[0], new float[0]), 3_000);
            List<FreshActivity> out = h.extractOutputValues();
            assertThat(out)
                    .as("each of the first three, then at the doubling to 4; not at 5")
                    .extracting(FreshActivity::getInteractions)
                    .containsExactly(1L, 2L, 3L, 4L);
            assertThat(out.get(0).getEmbedding()).as("too few interactions").isNull();
            assertThat(out.get(1).getEmbedding()).isNull();
            float[] e = out.get(2).getEmbedding();
            assertThat(e).isNotNull();
            assertThat(ItemEmbeddings.norm(e))
                    .isCloseTo(
                            embeddings.meanItemNorm(), org.assertj.core.data.Offset.offset(1e-4f));
            // all three users had the same history: the item points along their user vector
            float[] u = embeddings.userVector(taste, weights, 3);
            float foldedCos =
                    ItemEmbeddings.dot(u, e) / (ItemEmbeddings.norm(u) * ItemEmbeddings.norm(e));
            assertThat(foldedCos).as("points where its users are").isGreaterThan(0.99f);
            assertThat(out.get(3).getTime()).isEqualTo(2_000);
        }
    }
}
