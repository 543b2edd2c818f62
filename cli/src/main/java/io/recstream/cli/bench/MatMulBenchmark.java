package io.recstream.cli.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.recstream.model.OnnxRuntimeEnvironment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
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
 * A square single-precision matrix multiply through ONNX Runtime: the machine's practical peak for
 * the arithmetic scoring does. GFLOP/s = ops/s × 2·size³ / 1e9.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MatMulBenchmark {

    @Param({"2048"})
    public int size;

    @Param({"1"})
    public int threads;

    private OrtEnvironment env;
    private OrtSession session;
    private OnnxTensor a;

    @Setup
    public void open() throws OrtException {
        env = OnnxRuntimeEnvironment.get();
        String model = SyntheticModels.matMul(size).toString();
        session =
                OnnxRuntimeEnvironment.onNativeStack(
                        "open " + model,
                        () -> {
                            try (OrtSession.SessionOptions options =
                                    new OrtSession.SessionOptions()) {
                                options.setIntraOpNumThreads(threads);
                                options.setInterOpNumThreads(1);
                                return env.createSession(model, options);
                            }
                        });
        FloatBuffer data =
                ByteBuffer.allocateDirect(size * size * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        for (int i = 0; i < size * size; i++) {
            data.put(i, (i % 97) / 97f - 0.5f);
        }
        a = OnnxTensor.createTensor(env, data, new long[] {size, size});
    }

    @Benchmark
    public float multiply() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of("a", a))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    @TearDown
    public void close() throws OrtException {
        a.close();
        session.close();
    }
}
