package io.recstream.jobs.popularity;

import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.model.ModelBundle;
import io.recstream.model.ReferenceProfile;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives every scoring request its fallback: the latest popular items from the broadcast stream
 * (before the first window closes: the bundle's training-time popular items), minus the items in
 * the request's history and every item the user has consumed. Cold users are answered with it, and
 * so is a request that misses its inference deadline.
 *
 * <p>Runs after the user history, not inside it, because popularity is counted from the history
 * step's first copies of each event: inside, the broadcast would feed its own input.
 */
public final class PopularFallback
        extends BroadcastProcessFunction<ScoringRequest, PopularItems, ScoringRequest> {

    /** Broadcast state holding the latest {@link PopularItems} under {@link #CURRENT}. */
    public static final MapStateDescriptor<String, PopularItems> POPULAR_STATE =
            new MapStateDescriptor<>(
                    "popular-items", Types.STRING, TypeInformation.of(PopularItems.class));

    static final String CURRENT = "current";

    private final String modelDirectory;
    private final int k;

    private transient PopularItems initialPopular;

    public PopularFallback(String modelDirectory, int k) {
        this.modelDirectory = modelDirectory;
        this.k = k;
    }

    @Override
    public void open(OpenContext openContext) {
        ModelBundle bundle = ModelRegistry.bundle(modelDirectory);
        var popular = bundle.profile().popularItems();
        int[] items = new int[popular.size()];
        long[] counts = new long[popular.size()];
        for (int i = 0; i < items.length; i++) {
            ReferenceProfile.PopularItem p = popular.get(i);
            items[i] = bundle.vocabulary().indexOf(p.itemId());
            counts[i] = p.count();
        }
        initialPopular = new PopularItems(Long.MIN_VALUE, items, counts);
    }

    @Override
    public void processElement(
            ScoringRequest request, ReadOnlyContext ctx, Collector<ScoringRequest> out)
            throws Exception {
        PopularItems popular = ctx.getBroadcastState(POPULAR_STATE).get(CURRENT);
        if (popular == null || popular.getItems().length == 0) {
            popular = initialPopular;
        }
        int[] seen = request.getItems();
        int[] consumed = request.consumedItems();
        int[] fallback = new int[k];
        float[] fallbackScores = new float[k];
        int m = 0;
        for (int i = 0; i < popular.getItems().length && m < k; i++) {
            int item = popular.getItems()[i];
            if (!contains(seen, seen.length, item)
                    && java.util.Arrays.binarySearch(consumed, item) < 0) {
                fallback[m] = item;
                fallbackScores[m] = popular.getCounts()[i];
                m++;
            }
        }
        // Early in a run the live list can hold fewer than k unseen items: the training-time
        // popular items fill the rest, with no live count (score 0), after the live ones.
        for (int i = 0;
                popular != initialPopular && i < initialPopular.getItems().length && m < k;
                i++) {
            int item = initialPopular.getItems()[i];
            if (!contains(seen, seen.length, item)
                    && java.util.Arrays.binarySearch(consumed, item) < 0
                    && !contains(fallback, m, item)) {
                fallback[m] = item;
                fallbackScores[m] = 0f;
                m++;
            }
        }
        request.setFallback(m < k ? Arrays.copyOf(fallback, m) : fallback);
        request.setFallbackScores(m < k ? Arrays.copyOf(fallbackScores, m) : fallbackScores);
        out.collect(request);
    }

    private static boolean contains(int[] items, int n, int item) {
        for (int i = 0; i < n; i++) {
            if (items[i] == item) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void processBroadcastElement(
            PopularItems popular, Context ctx, Collector<ScoringRequest> out) throws Exception {
        BroadcastState<String, PopularItems> state = ctx.getBroadcastState(POPULAR_STATE);
        PopularItems current = state.get(CURRENT);
        if (current == null || popular.getWindowEnd() >= current.getWindowEnd()) {
            state.put(CURRENT, popular);
        }
    }
}
