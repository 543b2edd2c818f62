package io.recstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recstream.model.InvalidModelBundleException;
import io.recstream.model.OnnxScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported ONNX graph against a plain double-precision Java computation. */
class OnnxScorerTest {

    private static final int N = 200;
    private static final int D = 12;
    private static final int K = 15;
    private static final int L = 6;

    @TempDir Path tmp;

    @Test
    void topKMatchesBruteForce() throws Exception {
        Random random = new Random(11);
        float[][] query = gaussian(random);
        float[][] items = gaussian(random);
        Path file = tmp.resolve("model.onnx");
        OnnxModelWriter.write(OnnxModelWriter.build(query, items, K, "t1", Map.of()), file);
        try (OnnxScorer scorer = new OnnxScorer(file, "t1", N, 1)) {
            assertThat(scorer.retrieve()).isEqualTo(K);
            int batch = 5;
            OnnxScorer.BatchBuffers buffers = scorer.newBuffers(batch, L);
            int[][] hist = new int[batch][];
            float[][] weights = new float[batch][];
            for (int b = 0; b < batch; b++) {
                int len = 1 + b; // short rows are padded
                hist[b] = new int[len];
                weights[b] = new float[len];
                for (int j = 0; j < len; j++) {
                    hist[b][j] = random.nextInt(N);
                    weights[b][j] = (float) Math.pow(0.5, j);
                }
                buffers.setRow(b, hist[b], weights[b], len);
            }
            OnnxScorer.Scores scores = scorer.score(buffers, batch);
            for (int b = 0; b < batch; b++) {
                double[] all = bruteForce(query, items, hist[b], weights[b]);
                Integer[] order = new Integer[N];
                for (int i = 0; i < N; i++) {
                    order[i] = i;
                }
                java.util.Arrays.sort(order, (x, y) -> Double.compare(all[y], all[x]));
                for (int r = 0; r < K; r++) {
                    assertThat(scores.index(b, r)).as("row %d rank %d", b, r).isEqualTo(order[r]);
                    assertThat((double) scores.score(b, r))
                            .isCloseTo(all[order[r]], org.assertj.core.api.Assertions.within(1e-4));
                }
            }
        }
    }

    /**
     * Excluded items are masked before TopK: the top K equals brute force over the other items,
     * whatever the number excluded (0, 1, 100, or all but 10, fewer than K left: the remaining
     * ranks hold masked items at the lowest float, which callers drop).
     */
    @Test
    void excludedItemsAreMaskedBeforeTopK() throws Exception {
        Random random = new Random(12);
        float[][] query = gaussian(random);
        float[][] items = gaussian(random);
        Path file = tmp.resolve("model.onnx");
        OnnxModelWriter.write(OnnxModelWriter.build(query, items, K, "t1", Map.of()), file);
        int[] excludedCounts = {0, 1, 100, N - 10};
        try (OnnxScorer scorer = new OnnxScorer(file, "t1", N, 1)) {
            assertThat(scorer.excludesBeforeTopK()).isTrue();
            int batch = excludedCounts.length;
            OnnxScorer.BatchBuffers buffers = scorer.newBuffers(batch, L);
            buffers.setExcludeWidth(N - 10);
            int[][] hist = new int[batch][L];
            float[][] weights = new float[batch][L];
            java.util.List<java.util.Set<Integer>> excluded = new java.util.ArrayList<>();
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < L; j++) {
                    hist[b][j] = random.nextInt(N);
                    weights[b][j] = 1f;
                }
                java.util.List<Integer> all = new java.util.ArrayList<>();
                for (int i = 0; i < N; i++) {
                    all.add(i);
                }
                java.util.Collections.shuffle(all, random);
                java.util.TreeSet<Integer> ex =
                        new java.util.TreeSet<>(all.subList(0, excludedCounts[b]));
                excluded.add(ex);
                buffers.setRow(b, hist[b], weights[b], L);
                buffers.setExclude(b, ex.stream().mapToInt(Integer::intValue).toArray(), ex.size());
            }
            OnnxScorer.Scores scores = scorer.score(buffers, batch);
            for (int b = 0; b < batch; b++) {
                double[] all = bruteForce(query, items, hist[b], weights[b]);
                java.util.Set<Integer> ex = excluded.get(b);
                Integer[] order =
                        java.util.stream.IntStream.range(0, N)
                                .filter(i -> !ex.contains(i))
                                .boxed()
                                .sorted((x, y) -> Double.compare(all[y], all[x]))
                                .toArray(Integer[]::new);
                for (int r = 0; r < K; r++) {
                    if (r < order.length) {
                        assertThat(scores.index(b, r))
                                .as("row %d rank %d", b, r)
                                .isEqualTo(order[r]);
                    } else {
                        assertThat(scores.score(b, r)).isEqualTo(-Float.MAX_VALUE);
                        assertThat(scores.index(b, r))
                                .satisfiesAnyOf(
                                        i -> assertThat(ex).contains(i),
                                        i -> assertThat(i).isEqualTo(-1));
                    }
                }
            }
        }
    }

    /** N × D standard normal values, as the query or item embeddings of a model. */
    private static float[][] gaussian(Random random) {
        float[][] m = new float[N][D];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                m[i][j] = (float) random.nextGaussian();
            }
        }
        return m;
    }

    private static double[] bruteForce(
            float[][] query, float[][] items, int[] hist, float[] weights) {
        double[] user = new double[D];
        double wsum = 0;
        for (int j = 0; j < hist.length; j++) {
            wsum += weights[j];
            for (int d = 0; d < D; d++) {
                user[d] += weights[j] * query[hist[j]][d];
            }
        }
        double[] all = new double[N];
        for (int i = 0; i < N; i++) {
            for (int d = 0; d < D; d++) {
                all[i] += user[d] / wsum * items[i][d];
            }
        }
        return all;
    }

    @Test
    void rejectsAModelForAnotherVocabularyOrVersion() throws Exception {
        float[][] e = new float[10][4];
        Path file = tmp.resolve("model.onnx");
        OnnxModelWriter.write(OnnxModelWriter.build(e, e, 5, "v1", Map.of()), file);
        assertThatThrownBy(() -> new OnnxScorer(file, "v1", 11, 1))
                .isInstanceOf(InvalidModelBundleException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("10 items");
        assertThatThrownBy(() -> new OnnxScorer(file, "v2", 10, 1))
                .isInstanceOf(InvalidModelBundleException.class)
                .hasMessageContaining("'v1'");
        float[][] broken = new float[10][4];
        broken[3][1] = Float.NaN;
        Path nan = tmp.resolve("nan.onnx");
        OnnxModelWriter.write(OnnxModelWriter.build(broken, broken, 5, "v1", Map.of()), nan);
        assertThatThrownBy(() -> new OnnxScorer(nan, "v1", 10, 1))
                .isInstanceOf(InvalidModelBundleException.class)
                .hasMessageContaining("nan.onnx")
                .hasMessageContaining("non-finite score");
        Path corrupt = tmp.resolve("corrupt.onnx");
        Files.write(corrupt, new byte[] {1, 2, 3, 4});
        assertThatThrownBy(() -> new OnnxScorer(corrupt, "v1", 10, 1))
                .isInstanceOf(InvalidModelBundleException.class)
                .hasMessageContaining("corrupt.onnx");
    }
}
