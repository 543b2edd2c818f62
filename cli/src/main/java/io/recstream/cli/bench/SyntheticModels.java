package io.recstream.cli.bench;

import io.recstream.training.OnnxModelWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ONNX models for the micro-benchmarks, written once into a cache folder: the scoring graph of a
 * real bundle over random embeddings (speed does not depend on what the numbers mean), and a plain
 * matrix multiply.
 */
public final class SyntheticModels {
    private SyntheticModels() {}

    public static final String VERSION = "bench";

    private static Path cache() throws IOException {
        Path dir =
                Path.of(
                        System.getProperty(
                                "recstream.bench.cache",
                                Path.of(System.getProperty("java.io.tmpdir"), "recstream-bench")
                                        .toString()));
        return Files.createDirectories(dir);
    }

    /** The scoring model for {@code items} items of {@code dims} dimensions, top {@code k}. */
    public static synchronized Path scoring(int items, int dims, int k) {
        try {
            Path file =
                    cache().resolve("scoring-" + items + "x" + dims + "-top" + k + "-masked.onnx");
            if (!Files.exists(file)) {
                SplittableRandom random = new SplittableRandom(items * 31L + dims);
                float[][] embeddings = new float[items][dims];
                for (float[] row : embeddings) {
                    for (int j = 0; j < dims; j++) {
                        row[j] = (float) (random.nextDouble() * 2 - 1);
                    }
                }
                Path tmp = Files.createTempFile(file.getParent(), "scoring", ".tmp");
                OnnxModelWriter.write(
                        OnnxModelWriter.build(embeddings, embeddings, k, VERSION, Map.of()), tmp);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code size}³ single-precision matrix multiply. */
    public static synchronized Path matMul(int size) {
        try {
            Path file = cache().resolve("matmul-" + size + ".onnx");
            if (!Files.exists(file)) {
                Path tmp = Files.createTempFile(file.getParent(), "matmul", ".tmp");
                OnnxModelWriter.write(OnnxModelWriter.buildMatMul(size, size, size, 7L), tmp);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
