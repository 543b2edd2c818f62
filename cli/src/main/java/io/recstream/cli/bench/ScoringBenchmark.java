package io.recstream.cli.bench;

import io.recstream.model.OnnxScorer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One ONNX Runtime run of the serving model over a batch of users with L = 20 recent items each:
 * gather and weight the history embeddings, multiply by the N × D item matrix, mask each user's
 * {@code excluded} consumed items, top K. One op is one batch; users/s = ops/s × batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScoringBenchmark {
    public static final int DIMS = 64;
    public static final int HISTORY = 20;
    public static final int K = 10;

    @Param({"10000"})
    public int items;

    @Param({"32"})
    public int batch;

    @Param({"1"})
    public int threads;

    /** Consumed items per user, masked before TopK. */
    @Param({"0"})
    public int excluded;

    private OnnxScorer scorer;
    private OnnxScorer.BatchBuffers buffers;

    @Setup
    public void open() {
        scorer =
                new OnnxScorer(
                        SyntheticModels.scoring(items, DIMS, K),
                        SyntheticModels.VERSION,
                        items,
                        threads);
        buffers = scorer.newBuffers(batch, HISTORY);
        SplittableRandom random = new SplittableRandom(42);
        int[] history = new int[HISTORY];
        float[] weights = new float[HISTORY];
        for (int row = 0; row < batch; row++) {
            for (int i = 0; i < HISTORY; i++) {
                history[i] = random.nextInt(items);
                weights[i] = (float) Math.pow(0.5, i / 5.0);
            }
            buffers.setRow(row, history, weights, HISTORY);
        }
        buffers.setExcludeWidth(excluded);
        for (int row = 0; row < batch && excluded > 0; row++) {
            int[] consumed = random.ints(0, items).distinct().limit(excluded).sorted().toArray();
            buffers.setExclude(row, consumed, consumed.length);
        }
    }

    @Benchmark
    public OnnxScorer.Scores score() {
        return scorer.score(buffers, batch);
    }

    @TearDown
    public void close() {
        scorer.close();
    }
}
