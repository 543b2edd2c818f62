package io.recstream.jobs.catalogue;

import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.model.ItemEmbeddings;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Learns a fresh item's embedding from the users who interact with it (keyed by item): the mean of
 * their user vectors, each of unit length so that no heavy user dominates, scaled to the norm of a
 * typical model item. A user vector is what the model computes from the user's history, so the
 * folded-in item scores high for users like the ones who took it. It is published once the item has
 * had {@code minInteractions} interactions, then again at every doubling of its count; before that,
 * each interaction publishes the count (live popularity for exploration).
 */
public final class FoldIn extends KeyedProcessFunction<Integer, FoldInSample, FreshActivity> {

    private final String modelDirectory;
    private final int minInteractions;
    private final java.time.Duration ttl;

    private transient ItemEmbeddings embeddings;
    private transient ValueState<Accumulator> state;

    public FoldIn(String modelDirectory, int minInteractions, java.time.Duration ttl) {
        this.modelDirectory = modelDirectory;
        this.minInteractions = minInteractions;
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        embeddings = ModelRegistry.bundle(modelDirectory).embeddings();
        ValueStateDescriptor<Accumulator> d =
                new ValueStateDescriptor<>("fold-in", TypeInformation.of(Accumulator.class));
        d.enableTimeToLive(
                StateTtlConfig.newBuilder(ttl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .cleanupFullSnapshot()
                        .build());
        state = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(FoldInSample s, Context ctx, Collector<FreshActivity> out)
            throws Exception {
        Accumulator acc = state.value();
        if (acc == null) {
            acc = new Accumulator();
        }
        acc.count++;
        acc.last = Math.max(acc.last, s.getTime());
        float[] u =
                embeddings == null
                        ? null
                        : embeddings.userVector(
                                s.getHistory(), s.getWeights(), s.getHistory().length);
        float norm = u == null ? 0f : ItemEmbeddings.norm(u);
        if (norm > 0) {
            if (acc.sum == null) {
                acc.sum = new float[u.length];
            }
            for (int j = 0; j < u.length; j++) {
                acc.sum[j] += u[j] / norm;
            }
            acc.users++;
        }
        state.update(acc);
        boolean publish = acc.count <= minInteractions || Long.bitCount(acc.count) == 1;
        if (!publish) {
            return;
        }
        float[] embedding = null;
        if (acc.count >= minInteractions && acc.sum != null) {
            float n = ItemEmbeddings.norm(acc.sum);
            if (n > 0) {
                float scale = embeddings.meanItemNorm() / n;
                embedding = new float[acc.sum.length];
                for (int j = 0; j < embedding.length; j++) {
                    embedding[j] = acc.sum[j] * scale;
                }
            }
        }
        out.collect(new FreshActivity(s.getItem(), acc.count, acc.last, embedding));
    }

    /** Fold-in state of one item (a Flink POJO). */
    public static class Accumulator {
        public long count;
        public long users;
        public long last = Long.MIN_VALUE;
        public float[] sum;

        public Accumulator() {}
    }
}
