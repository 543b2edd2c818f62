package io.recstream.cli.bench;

import io.recstream.cli.EmbeddedFlink;
import io.recstream.jobs.state.UserHistoryFunction;
import io.recstream.model.RecentItems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Reads the recommend job's per-user history back from a checkpoint with Flink's State Processor
 * API: how many users it holds and how many items, so a bytes-per-user figure can say what the
 * bytes were measured over.
 */
final class StateReadBack {
    private StateReadBack() {}

    /**
     * Users in the checkpoint, items over all of them, users with {@code full} items, and the sizes
     * of the users' values as Flink serializes them (sorted).
     */
    record Contents(long users, long items, long fullUsers, long[] valueBytes) {
        /** The {@code q}-quantile of the value sizes (nearest rank). */
        long valueBytesQuantile(double q) {
            if (valueBytes.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(q * valueBytes.length) - 1;
            return valueBytes[Math.max(0, Math.min(valueBytes.length - 1, i))];
        }
    }

    // The reader job runs in this JVM's MiniCluster, so its subtasks count here.
    private static final AtomicLong USERS = new AtomicLong();
    private static final AtomicLong ITEMS = new AtomicLong();
    private static final AtomicLong FULL = new AtomicLong();
    private static final java.util.List<Long> SIZES =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    static synchronized Contents read(
            EmbeddedFlink flink, Path checkpoint, Duration stateTtl, int full, String prefix)
            throws Exception {
        USERS.set(0);
        ITEMS.set(0);
        FULL.set(0);
        SIZES.clear();
        StreamExecutionEnvironment env = EmbeddedFlink.environment();
        env.setParallelism(1);
        SavepointReader.read(env, checkpoint.toUri().toString(), new EmbeddedRocksDBStateBackend())
                .readKeyedState(
                        OperatorIdentifier.forUid("user-history"),
                        new CountHistories(stateTtl, full, prefix),
                        Types.STRING,
                        Types.INT)
                .sinkTo(new DiscardingSink<>());
        flink.await(flink.submit(env, "bench-state-read-back"));
        long[] sizes;
        synchronized (SIZES) {
            sizes = SIZES.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        return new Contents(USERS.get(), ITEMS.get(), FULL.get(), sizes);
    }

    static final class CountHistories extends KeyedStateReaderFunction<String, Integer> {
        private final Duration stateTtl;
        private final int full;
        private final String prefix;
        private transient ValueState<RecentItems> history;
        private transient org.apache.flink.api.common.typeutils.TypeSerializer<RecentItems>
                serializer;
        private transient org.apache.flink.core.memory.DataOutputSerializer buffer;

        CountHistories(Duration stateTtl, int full, String prefix) {
            this.stateTtl = stateTtl;
            this.full = full;
            this.prefix = prefix;
        }

        @Override
        public void open(OpenContext openContext) {
            history = getRuntimeContext().getState(UserHistoryFunction.historyDescriptor(stateTtl));
            serializer =
                    org.apache.flink.api.common.typeinfo.TypeInformation.of(RecentItems.class)
                            .createSerializer(
                                    new org.apache.flink.api.common.serialization
                                            .SerializerConfigImpl());
            buffer = new org.apache.flink.core.memory.DataOutputSerializer(4096);
        }

        @Override
        public void readKey(String user, Context ctx, Collector<Integer> out) throws Exception {
            RecentItems h = history.value();
            if (h == null || !user.startsWith(prefix)) {
                return;
            }
            USERS.incrementAndGet();
            ITEMS.addAndGet(h.size());
            buffer.clear();
            serializer.serialize(h, buffer);
            SIZES.add((long) buffer.length());
            if (h.size() >= full) {
                FULL.incrementAndGet();
            }
        }
    }
}
