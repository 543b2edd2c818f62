package io.recstream.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores batches of user histories with the bundle's ONNX model. Holds one {@link OrtSession},
 * which is safe to share between threads; each calling thread brings its own {@link BatchBuffers}.
 * The environment and the session are created, and the model probed, through {@link
 * OnnxRuntimeEnvironment}: telemetry off and native start-up on a stack of our own, whatever thread
 * opens the scorer.
 *
 * <p>The model's contract: inputs {@value #INPUT_ITEMS} int64[B,L] (item indices, padding index =
 * vocabulary size) and {@value #INPUT_WEIGHTS} float[B,L]; outputs {@value #OUTPUT_SCORES}
 * float[B,K] and {@value #OUTPUT_INDICES} int64[B,K], best first. A model with the optional input
 * {@value #INPUT_EXCLUDE} int64[B,S] (items never to return, padding index = vocabulary size) masks
 * those items before its TopK; an index equal to the vocabulary size in the output (the padding
 * column) is returned as -1. Metadata {@code items} must equal the vocabulary size and {@code
 * model_version} the card's version.
 */
public final class OnnxScorer implements AutoCloseable {

    public static final String INPUT_ITEMS = "items";
    public static final String INPUT_WEIGHTS = "weights";
    public static final String INPUT_EXCLUDE = "exclude";
    public static final String OUTPUT_SCORES = "scores";
    public static final String OUTPUT_INDICES = "indices";
    public static final String META_ITEMS = "items";
    public static final String META_RETRIEVE = "retrieve";

    private static final Logger LOG = LoggerFactory.getLogger(OnnxScorer.class);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int retrieve;
    private final int paddingIndex;
    private final boolean excludes;
    private final String version;

    /**
     * Opens the model of a bundle and checks it against the bundle.
     *
     * @param intraOpThreads threads ONNX Runtime may use inside one run
     */
    public OnnxScorer(ModelBundle bundle, int intraOpThreads) {
        this(bundle.modelFile(), bundle.version(), bundle.vocabulary().size(), intraOpThreads);
    }

    /**
     * Opens an ONNX model file and checks its version and item count.
     *
     * @param modelFile the model
     * @param expectedVersion the version the model's metadata must carry
     * @param expectedItems the vocabulary size the model must score
     * @param intraOpThreads threads ONNX Runtime may use inside one run
     */
    public OnnxScorer(
            java.nio.file.Path modelFile,
            String expectedVersion,
            int expectedItems,
            int intraOpThreads) {
        this.env = OnnxRuntimeEnvironment.get();
        String file = modelFile.toString();
        this.session =
                OnnxRuntimeEnvironment.onNativeStack(
                        "open " + file, () -> openSession(env, file, intraOpThreads));
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            require(inputs.containsKey(INPUT_ITEMS), file, "has no input '" + INPUT_ITEMS + "'");
            require(
                    inputs.containsKey(INPUT_WEIGHTS),
                    file,
                    "has no input '" + INPUT_WEIGHTS + "'");
            require(
                    outputs.containsKey(OUTPUT_SCORES),
                    file,
                    "has no output '" + OUTPUT_SCORES + "'");
            require(
                    outputs.containsKey(OUTPUT_INDICES),
                    file,
                    "has no output '" + OUTPUT_INDICES + "'");
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            String modelVersion = session.getMetadata().getVersion() + "";
            String metaVersion = meta.getOrDefault("version", modelVersion);
            require(
                    expectedVersion.equals(metaVersion),
                    file,
                    "model version '"
                            + metaVersion
                            + "' does not match "
                            + ModelBundle.CARD_FILE
                            + " version '"
                            + expectedVersion
                            + "'");
            int items = Integer.parseInt(Optional.ofNullable(meta.get(META_ITEMS)).orElse("-1"));
            require(
                    items == expectedItems,
                    file,
                    "scores "
                            + items
                            + " items but "
                            + ModelBundle.VOCABULARY_FILE
                            + " has "
                            + expectedItems);
            this.retrieve =
                    Integer.parseInt(Optional.ofNullable(meta.get(META_RETRIEVE)).orElse("-1"));
            require(retrieve > 0, file, "metadata '" + META_RETRIEVE + "' is missing");
            this.paddingIndex = expectedItems;
            this.excludes = inputs.containsKey(INPUT_EXCLUDE);
            this.version = expectedVersion;
            OnnxRuntimeEnvironment.onNativeStack(
                    "score test users with " + file,
                    () -> {
                        probe(file, expectedItems);
                        return null;
                    });
            LOG.info(
                    "Loaded model {} version {}: inputs {}, outputs {}, metadata {}",
                    file,
                    version,
                    describe(inputs),
                    describe(outputs),
                    meta);
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing
            }
            if (e instanceof InvalidModelBundleException ib) {
                throw ib;
            }
            throw new InvalidModelBundleException(file + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession openSession(OrtEnvironment env, String file, int intraOpThreads) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env.createSession(file, options);
        } catch (OrtException e) {
            throw new InvalidModelBundleException(
                    file + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
    }

    /**
     * Scores a few users with histories spread over the catalog: a model with broken weights (NaN
     * or infinite scores) or one that returns indices outside the vocabulary is refused here,
     * before it serves anyone.
     */
    private void probe(String file, int items) {
        int rows = Math.min(8, items);
        int length = 4;
        BatchBuffers buffers = newBuffers(rows, length);
        int[] history = new int[length];
        float[] weights = new float[length];
        java.util.Arrays.fill(weights, 1f);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < length; j++) {
                history[j] = (int) ((long) (r * length + j) * items / (rows * length));
            }
            buffers.setRow(r, history, weights, length);
        }
        Scores scores = score(buffers, rows);
        for (int i = 0; i < scores.scores().length; i++) {
            require(
                    Float.isFinite(scores.scores()[i]),
                    file,
                    "gives a non-finite score ("
                            + scores.scores()[i]
                            + ") for a test user: its weights are broken (NaN or infinite)");
            int index = scores.indices()[i];
            require(
                    index >= 0 && index < items,
                    file,
                    "returns item index " + index + ", outside the vocabulary of " + items);
        }
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        StringBuilder sb = new StringBuilder("[");
        nodes.forEach(
                (name, info) -> {
                    if (sb.length() > 1) {
                        sb.append(", ");
                    }
                    sb.append(name);
                    if (info.getInfo() instanceof TensorInfo t) {
                        sb.append(' ')
                                .append(t.type)
                                .append(java.util.Arrays.toString(t.getShape()));
                    }
                });
        return sb.append(']').toString();
    }

    private static void require(boolean ok, String file, String problem) {
        if (!ok) {
            throw new InvalidModelBundleException(file + ": " + problem);
        }
    }

    /** How many items the model returns per user. */
    public int retrieve() {
        return retrieve;
    }

    public int paddingIndex() {
        return paddingIndex;
    }

    /**
     * Whether the model masks excluded items before its TopK (models from before that do not: their
     * callers drop excluded items from the K candidates afterwards).
     */
    public boolean excludesBeforeTopK() {
        return excludes;
    }

    public String version() {
        return version;
    }

    /** Reusable direct input buffers for up to {@code maxBatch} users of {@code length} items. */
    public BatchBuffers newBuffers(int maxBatch, int length) {
        return new BatchBuffers(maxBatch, length, paddingIndex);
    }

    /**
     * Scores the first {@code batchSize} rows of {@code buffers}.
     *
     * @return scores and indices, row-major [batchSize, retrieve()]
     */
    public Scores score(BatchBuffers buffers, int batchSize) {
        if (batchSize < 1 || batchSize > buffers.maxBatch) {
            throw new IllegalArgumentException(
                    "batchSize must be in [1, " + buffers.maxBatch + "], got " + batchSize);
        }
        long[] shape = {batchSize, buffers.length};
        int n = batchSize * buffers.length;
        LongBuffer items = buffers.items.duplicate().position(0).limit(n);
        FloatBuffer weights = buffers.weights.duplicate().position(0).limit(n);
        long[] excludeShape = {batchSize, buffers.excludeWidth};
        LongBuffer exclude =
                buffers.exclude.duplicate().position(0).limit(batchSize * buffers.excludeWidth);
        try (OnnxTensor itemsTensor = OnnxTensor.createTensor(env, items.slice(), shape);
                OnnxTensor weightsTensor = OnnxTensor.createTensor(env, weights.slice(), shape);
                OnnxTensor excludeTensor =
                        excludes
                                ? OnnxTensor.createTensor(env, exclude.slice(), excludeShape)
                                : null;
                OrtSession.Result result =
                        session.run(
                                excludes
                                        ? Map.of(
                                                INPUT_ITEMS,
                                                itemsTensor,
                                                INPUT_WEIGHTS,
                                                weightsTensor,
                                                INPUT_EXCLUDE,
                                                excludeTensor)
                                        : Map.of(
                                                INPUT_ITEMS,
                                                itemsTensor,
                                                INPUT_WEIGHTS,
                                                weightsTensor))) {
            OnnxValue scoresValue = result.get(OUTPUT_SCORES).orElseThrow();
            OnnxValue indicesValue = result.get(OUTPUT_INDICES).orElseThrow();
            FloatBuffer scores = ((OnnxTensor) scoresValue).getFloatBuffer();
            LongBuffer indices = ((OnnxTensor) indicesValue).getLongBuffer();
            int k = scores.remaining() / batchSize;
            float[] s = new float[scores.remaining()];
            scores.get(s);
            int[] idx = new int[indices.remaining()];
            for (int i = 0; i < idx.length; i++) {
                int index = (int) indices.get(i);
                idx[i] = index == paddingIndex ? -1 : index;
            }
            return new Scores(batchSize, k, s, idx);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score a batch", e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("Closing the ONNX session failed", e);
        }
    }

    /** Direct, native-order input buffers filled by one thread. */
    public static final class BatchBuffers {
        final int maxBatch;
        final int length;
        final int padding;
        final LongBuffer items;
        final FloatBuffer weights;
        LongBuffer exclude;
        int excludeWidth = 1;

        BatchBuffers(int maxBatch, int length, int padding) {
            if (maxBatch < 1 || length < 1) {
                throw new IllegalArgumentException("maxBatch and length must be >= 1");
            }
            this.maxBatch = maxBatch;
            this.length = length;
            this.padding = padding;
            this.items =
                    ByteBuffer.allocateDirect(maxBatch * length * Long.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asLongBuffer();
            this.weights =
                    ByteBuffer.allocateDirect(maxBatch * length * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
            this.exclude = longs(maxBatch);
        }

        private static LongBuffer longs(int count) {
            return ByteBuffer.allocateDirect(count * Long.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asLongBuffer();
        }

        /**
         * Sets how many excluded items each row of the next batch has room for: the most any of its
         * rows has. Call before the batch's rows are written. One more slot is kept, so every row
         * also masks the padding column.
         */
        public void setExcludeWidth(int width) {
            int w = Math.max(0, width) + 1;
            if (maxBatch * w > exclude.capacity()) {
                exclude = longs(maxBatch * w);
            }
            excludeWidth = w;
        }

        /**
         * Writes the excluded items of row {@code row}: the first {@code count} entries of {@code
         * itemIndices} (at most the exclude width), the rest padding.
         */
        public void setExclude(int row, int[] itemIndices, int count) {
            int base = row * excludeWidth;
            int n = Math.min(count, excludeWidth);
            for (int j = 0; j < excludeWidth; j++) {
                exclude.put(base + j, j < n ? itemIndices[j] : padding);
            }
        }

        public int maxBatch() {
            return maxBatch;
        }

        public int length() {
            return length;
        }

        /**
         * Writes row {@code row}: the first {@code count} entries of {@code itemIndices} and {@code
         * itemWeights}; the rest of the row is padding with weight 0. Entries beyond {@link
         * #length()} are ignored. The row excludes nothing until {@link #setExclude} says what.
         */
        public void setRow(int row, int[] itemIndices, float[] itemWeights, int count) {
            setExclude(row, itemIndices, 0);
            int base = row * length;
            int n = Math.min(count, length);
            for (int j = 0; j < length; j++) {
                if (j < n) {
                    items.put(base + j, itemIndices[j]);
                    weights.put(base + j, itemWeights[j]);
                } else {
                    items.put(base + j, padding);
                    weights.put(base + j, 0f);
                }
            }
        }
    }

    /** Scores of a batch, row-major. */
    public record Scores(int batchSize, int k, float[] scores, int[] indices) {
        public float score(int row, int rank) {
            return scores[row * k + rank];
        }

        public int index(int row, int rank) {
            return indices[row * k + rank];
        }
    }
}
