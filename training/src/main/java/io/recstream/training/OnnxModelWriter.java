package io.recstream.training;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.recstream.model.OnnxScorer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the recommendation model as an ONNX graph (opset 13) from item embeddings, with the
 * official ONNX protobuf schema:
 *
 * <pre>
 * items int64[B,L], weights float[B,L], exclude int64[B,S]
 *   h      = Gather(query_embeddings[N+1,D], items)          # row N is the zero padding row
 *   user   = ReduceSum(h * weights[..., None], axis=1) / max(ReduceSum(weights, axis=1), eps)
 *   all    = MatMul(user, item_embeddings_t[D,N+1])          # [B,N+1]; column N is padding
 *   kept   = ScatterElements(all, exclude, -FLT_MAX, axis=1) # excluded items (and N) masked
 *   scores, indices = TopK(kept, K)                          # best first
 * </pre>
 *
 * The user vector is the recency-weighted mean of the query embeddings of the user's recent items;
 * an item's score is its dot product with that vector. Items in {@code exclude} (everything the
 * user has consumed; padding index N) are masked before TopK, so K stays small however many items a
 * user has had. A masked score is the lowest finite float: it reaches the output only when fewer
 * than K items are left, and callers drop it with the excluded items.
 */
public final class OnnxModelWriter {
    private OnnxModelWriter() {}

    private static final int OPSET = 13;
    private static final long IR_VERSION = 7;

    /**
     * @param queryEmbeddings [N][D] embeddings of history items
     * @param itemEmbeddings [N][D] embeddings of candidate items
     * @param retrieve K, the number of items returned per user (clamped to N)
     * @param version model version (metadata {@code version})
     * @param extraMetadata more metadata properties
     */
    public static ModelProto build(
            float[][] queryEmbeddings,
            float[][] itemEmbeddings,
            int retrieve,
            String version,
            Map<String, String> extraMetadata) {
        int n = itemEmbeddings.length;
        if (n == 0 || queryEmbeddings.length != n) {
            throw new IllegalArgumentException("need the same, non-zero number of embeddings");
        }
        int d = itemEmbeddings[0].length;
        int k = Math.min(retrieve, n);

        ByteBuffer query = floats((n + 1) * d);
        for (float[] row : queryEmbeddings) {
            for (float v : row) {
                query.putFloat(v);
            }
        }
        for (int j = 0; j < d; j++) {
            query.putFloat(0f); // padding row
        }
        ByteBuffer targets = floats(d * (n + 1));
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) {
                targets.putFloat(itemEmbeddings[i][j]);
            }
            targets.putFloat(0f); // the padding column, always excluded
        }

        GraphProto.Builder graph =
                GraphProto.newBuilder()
                        .setName("recstream_recent_items_dot_product")
                        .addInput(input(OnnxScorer.INPUT_ITEMS, TensorProto.DataType.INT64))
                        .addInput(input(OnnxScorer.INPUT_WEIGHTS, TensorProto.DataType.FLOAT))
                        .addInput(
                                valueInfo(
                                        OnnxScorer.INPUT_EXCLUDE,
                                        TensorProto.DataType.INT64,
                                        TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("batch")
                                                .build(),
                                        TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam("excluded")
                                                .build()))
                        .addOutput(output(OnnxScorer.OUTPUT_SCORES, TensorProto.DataType.FLOAT, k))
                        .addOutput(output(OnnxScorer.OUTPUT_INDICES, TensorProto.DataType.INT64, k))
                        .addInitializer(tensor("query_embeddings", query, n + 1, d))
                        .addInitializer(tensor("item_embeddings_t", targets, d, n + 1))
                        .addInitializer(scalar("masked", -Float.MAX_VALUE))
                        .addInitializer(longs("axis_1", 1))
                        .addInitializer(longs("axis_2", 2))
                        .addInitializer(longs("k", k))
                        .addInitializer(scalar("eps", 1e-12f))
                        .addNode(
                                node(
                                        "Gather",
                                        new String[] {"query_embeddings", OnnxScorer.INPUT_ITEMS},
                                        "history_vectors",
                                        intAttr("axis", 0)))
                        .addNode(
                                node(
                                        "Unsqueeze",
                                        new String[] {OnnxScorer.INPUT_WEIGHTS, "axis_2"},
                                        "weights_3d"))
                        .addNode(
                                node(
                                        "Mul",
                                        new String[] {"history_vectors", "weights_3d"},
                                        "weighted_vectors"))
                        .addNode(
                                node(
                                        "ReduceSum",
                                        new String[] {"weighted_vectors", "axis_1"},
                                        "weighted_sum",
                                        intAttr("keepdims", 0)))
                        .addNode(
                                node(
                                        "ReduceSum",
                                        new String[] {OnnxScorer.INPUT_WEIGHTS, "axis_1"},
                                        "weight_total",
                                        intAttr("keepdims", 1)))
                        .addNode(node("Max", new String[] {"weight_total", "eps"}, "weight_safe"))
                        .addNode(
                                node(
                                        "Div",
                                        new String[] {"weighted_sum", "weight_safe"},
                                        "user_vector"))
                        .addNode(
                                node(
                                        "MatMul",
                                        new String[] {"user_vector", "item_embeddings_t"},
                                        "all_scores"))
                        .addNode(
                                node(
                                        "Shape",
                                        new String[] {OnnxScorer.INPUT_EXCLUDE},
                                        "exclude_shape"))
                        .addNode(
                                node(
                                        "Expand",
                                        new String[] {"masked", "exclude_shape"},
                                        "mask_values"))
                        .addNode(
                                node(
                                        "ScatterElements",
                                        new String[] {
                                            "all_scores", OnnxScorer.INPUT_EXCLUDE, "mask_values"
                                        },
                                        "kept_scores",
                                        intAttr("axis", 1)))
                        .addNode(
                                NodeProto.newBuilder()
                                        .setOpType("TopK")
                                        .setName("TopK")
                                        .addInput("kept_scores")
                                        .addInput("k")
                                        .addOutput(OnnxScorer.OUTPUT_SCORES)
                                        .addOutput(OnnxScorer.OUTPUT_INDICES)
                                        .addAttribute(intAttr("axis", -1))
                                        .addAttribute(intAttr("largest", 1))
                                        .addAttribute(intAttr("sorted", 1)));

        ModelProto.Builder model =
                ModelProto.newBuilder()
                        .setIrVersion(IR_VERSION)
                        .addOpsetImport(
                                OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                        .setProducerName("recstream")
                        .setProducerVersion("1")
                        .setDomain("io.recstream")
                        .setModelVersion(1)
                        .setDocString("recstream model " + version)
                        .setGraph(graph);
        model.addMetadataProps(meta("version", version));
        model.addMetadataProps(meta(OnnxScorer.META_ITEMS, Integer.toString(n)));
        model.addMetadataProps(meta(OnnxScorer.META_RETRIEVE, Integer.toString(k)));
        model.addMetadataProps(meta("dimensions", Integer.toString(d)));
        extraMetadata.forEach((key, value) -> model.addMetadataProps(meta(key, value)));
        return model.build();
    }

    /**
     * A single-precision matrix multiply {@code c = a × b} with {@code a} an input of shape [rows,
     * inner] and {@code b} a constant [inner, cols] of pseudo-random values: how fast this machine
     * multiplies matrices through ONNX Runtime, the ceiling scoring is measured against.
     */
    public static ModelProto buildMatMul(int rows, int inner, int cols, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        ByteBuffer b = floats(inner * cols);
        for (int i = 0; i < inner * cols; i++) {
            b.putFloat((float) (random.nextDouble() - 0.5));
        }
        TensorShapeProto.Dimension r =
                TensorShapeProto.Dimension.newBuilder().setDimValue(rows).build();
        GraphProto.Builder graph =
                GraphProto.newBuilder()
                        .setName("matmul")
                        .addInput(
                                valueInfo(
                                        "a",
                                        TensorProto.DataType.FLOAT,
                                        r,
                                        TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(inner)
                                                .build()))
                        .addOutput(
                                valueInfo(
                                        "c",
                                        TensorProto.DataType.FLOAT,
                                        r,
                                        TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(cols)
                                                .build()))
                        .addInitializer(tensor("b", b, inner, cols))
                        .addNode(node("MatMul", new String[] {"a", "b"}, "c"));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("recstream")
                .setGraph(graph)
                .build();
    }

    public static void write(ModelProto model, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
    }

    private static ByteBuffer floats(int count) {
        return ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static TensorProto tensor(String name, ByteBuffer data, long... dims) {
        TensorProto.Builder t =
                TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(TensorProto.DataType.FLOAT.getNumber())
                        .setRawData(ByteString.copyFrom(data.array()));
        for (long dim : dims) {
            t.addDims(dim);
        }
        return t.build();
    }

    private static TensorProto longs(String name, long value) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(1)
                .addInt64Data(value)
                .build();
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addFloatData(value)
                .build();
    }

    private static ValueInfoProto input(String name, TensorProto.DataType type) {
        return valueInfo(
                name,
                type,
                TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build(),
                TensorShapeProto.Dimension.newBuilder().setDimParam("history").build());
    }

    private static ValueInfoProto output(String name, TensorProto.DataType type, int k) {
        return valueInfo(
                name,
                type,
                TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build(),
                TensorShapeProto.Dimension.newBuilder().setDimValue(k).build());
    }

    private static ValueInfoProto valueInfo(
            String name, TensorProto.DataType type, TensorShapeProto.Dimension... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (TensorShapeProto.Dimension dim : dims) {
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        TypeProto.newBuilder()
                                .setTensorType(
                                        TypeProto.Tensor.newBuilder()
                                                .setElemType(type.getNumber())
                                                .setShape(shape)))
                .build();
    }

    private static NodeProto node(
            String op, String[] inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder node =
                NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String in : inputs) {
            node.addInput(in);
        }
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        return node.build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    private static StringStringEntryProto meta(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
