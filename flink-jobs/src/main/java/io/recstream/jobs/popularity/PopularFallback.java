package io.recstream.jobs.popularity;

import io.recstream.jobs.catalogue.CandidateUpdate;
import io.recstream.jobs.catalogue.CatalogueEntry;
import io.recstream.jobs.catalogue.FreshActivity;
import io.recstream.jobs.catalogue.FreshItem;
import io.recstream.jobs.catalogue.FreshSettings;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.model.ItemEmbeddings;
import io.recstream.model.ModelBundle;
import io.recstream.model.ReferenceProfile;
import io.recstream.model.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives every scoring request what the scorer serves besides the model's own list, from the
 * broadcast of popular items and of the catalogue:
 *
 * <ul>
 *   <li>the fallback: the latest popular items (before the first window closes: the bundle's
 *       training-time popular items), minus the user's history, everything the user has consumed,
 *       and withdrawn items. Cold users are answered with it, and so is a request that misses its
 *       inference deadline;
 *   <li>the model items withdrawn from the catalogue, which the scorer masks;
 *   <li>fresh items (in the catalogue, not in the model) scored for the user with their embedding:
 *       their categories' centroid, then their folded-in embedding;
 *   <li>a fresh item for the exploration slot, drawn at random with weight (1/4 + the user's
 *       affinity to its categories) × (1 + its interactions so far), so that every fresh item has a
 *       chance and likely ones a better one.
 * </ul>
 *
 * <p>Runs after the user history, not inside it, because popularity is counted from the history
 * step's first copies of each event: inside, the broadcast would feed its own input.
 */
public final class PopularFallback
        extends BroadcastProcessFunction<ScoringRequest, CandidateUpdate, ScoringRequest> {

    /** Broadcast state holding the latest {@link PopularItems} under {@link #CURRENT}. */
    public static final MapStateDescriptor<String, PopularItems> POPULAR_STATE =
            new MapStateDescriptor<>(
                    "popular-items", Types.STRING, TypeInformation.of(PopularItems.class));

    /** Fresh items by index. */
    public static final MapStateDescriptor<Integer, FreshItem> FRESH_STATE =
            new MapStateDescriptor<>("fresh-items", Types.INT, TypeInformation.of(FreshItem.class));

    /** Model items withdrawn from the catalogue, by index. */
    public static final MapStateDescriptor<Integer, Boolean> WITHDRAWN_STATE =
            new MapStateDescriptor<>("withdrawn-items", Types.INT, Types.BOOLEAN);

    static final String CURRENT = "current";

    private final String modelDirectory;
    private final int k;
    private final FreshSettings fresh;

    private transient PopularItems initialPopular;
    private transient Vocabulary vocabulary;
    private transient ItemEmbeddings embeddings;
    private transient Map<String, List<Integer>> categoryMembers;

    /** Snapshots of the broadcast state for the request path, rebuilt after it changes. */
    private transient boolean stale;

    private transient int[] withdrawn;
    private transient FreshItem[] freshItems;
    private transient int[] freshIndices;

    /** Wall-clock time from a fresh item's k-th interaction to its folded-in embedding here. */
    private transient io.micrometer.core.instrument.Timer foldInDelay;

    public PopularFallback(String modelDirectory, int k) {
        this(modelDirectory, k, FreshSettings.none());
    }

    public PopularFallback(String modelDirectory, int k, FreshSettings fresh) {
        this.modelDirectory = modelDirectory;
        this.k = k;
        this.fresh = fresh;
    }

    @Override
    public void open(OpenContext openContext) {
        ModelBundle bundle = ModelRegistry.bundle(modelDirectory);
        vocabulary = bundle.vocabulary();
        embeddings = bundle.embeddings();
        var popular = bundle.profile().popularItems();
        int[] items = new int[popular.size()];
        long[] counts = new long[popular.size()];
        for (int i = 0; i < items.length; i++) {
            ReferenceProfile.PopularItem p = popular.get(i);
            items[i] = vocabulary.indexOf(p.itemId());
            counts[i] = p.count();
        }
        initialPopular = new PopularItems(Long.MIN_VALUE, items, counts);
        categoryMembers = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            for (String c : vocabulary.categories(i)) {
                categoryMembers.computeIfAbsent(c, x -> new ArrayList<>()).add(i);
            }
        }
        stale = true;
        // one subtask reports it: every subtask gets the same broadcast at about the same time
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            foldInDelay =
                    Metrics.timer(
                            "recstream.catalogue.fresh.fold_in.delay",
                            "wall-clock time from the interaction that completed a fresh item's"
                                    + " fold-in (its event time) to the item being scored by"
                                    + " fold-in; meaningful on live traffic, where event time"
                                    + " is about now");
        }
    }

    @Override
    public void processElement(
            ScoringRequest request, ReadOnlyContext ctx, Collector<ScoringRequest> out)
            throws Exception {
        if (stale) {
            refresh(ctx.getBroadcastState(FRESH_STATE), ctx.getBroadcastState(WITHDRAWN_STATE));
        }
        PopularItems popular = ctx.getBroadcastState(POPULAR_STATE).get(CURRENT);
        if (popular == null || popular.getItems().length == 0) {
            popular = initialPopular;
        }
        int[] seen = request.getItems();
        int[] consumed = request.consumedItems();
        long now = request.getEventTime();
        int[] fallback = new int[k];
        float[] fallbackScores = new float[k];
        int m = 0;
        for (int i = 0; i < popular.getItems().length && m < k; i++) {
            int item = popular.getItems()[i];
            if (servable(item, seen, consumed, now)) {
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
            if (servable(item, seen, consumed, now) && !contains(fallback, m, item)) {
                fallback[m] = item;
                fallbackScores[m] = 0f;
                m++;
            }
        }
        request.setFallback(m < k ? Arrays.copyOf(fallback, m) : fallback);
        request.setFallbackScores(m < k ? Arrays.copyOf(fallbackScores, m) : fallbackScores);
        request.setWithdrawn(withdrawn);
        if (freshItems.length > 0) {
            freshCandidates(request, seen, consumed, now);
        }
        out.collect(request);
    }

    /** Whether {@code item} may be served to a user with this history and these consumed items. */
    private boolean servable(int item, int[] seen, int[] consumed, long now) {
        if (contains(seen, seen.length, item) || Arrays.binarySearch(consumed, item) >= 0) {
            return false;
        }
        if (FreshSettings.isFresh(item)) {
            int f = Arrays.binarySearch(freshIndices, item);
            return f >= 0 && live(freshItems[f], now);
        }
        return Arrays.binarySearch(withdrawn, item) < 0;
    }

    private boolean live(FreshItem f, long now) {
        return f.isAvailable()
                && f.getCreatedAt() <= now
                && f.getLastActive() + fresh.ttl().toMillis() >= now;
    }

    private void freshCandidates(ScoringRequest request, int[] seen, int[] consumed, long now) {
        float[] user =
                embeddings == null || request.isCold()
                        ? null
                        : embeddings.userVector(seen, request.getWeights(), seen.length);
        Map<String, Integer> userCategories = new HashMap<>();
        for (int item : seen) {
            for (String c : categoriesOf(item)) {
                userCategories.merge(c, 1, Integer::sum);
            }
        }
        int n = freshItems.length;
        int[] best = new int[k];
        float[] bestScores = new float[k];
        int found = 0;
        double totalWeight = 0;
        double[] weights = fresh.exploreSlots() > 0 ? new double[n] : null;
        for (int i = 0; i < n; i++) {
            FreshItem f = freshItems[i];
            int index = freshIndices[i];
            if (!live(f, now)
                    || Arrays.binarySearch(consumed, index) >= 0
                    || contains(seen, seen.length, index)) {
                continue;
            }
            if (user != null && f.getEmbedding() != null) {
                float s = ItemEmbeddings.dot(user, f.getEmbedding());
                found = insert(best, bestScores, found, index, s);
            }
            if (weights != null) {
                int shared = 0;
                for (String c : f.getCategories()) {
                    shared = Math.max(shared, userCategories.getOrDefault(c, 0));
                }
                double affinity = seen.length == 0 ? 0 : (double) shared / seen.length;
                weights[i] = (0.25 + affinity) * (1 + f.getInteractions());
                totalWeight += weights[i];
            }
        }
        request.setFreshItems(Arrays.copyOf(best, found));
        request.setFreshScores(Arrays.copyOf(bestScores, found));
        int explore = -1;
        if (weights != null && totalWeight > 0) {
            double r =
                    new SplittableRandom(request.getRequestKey().hashCode() * 0x9E3779B97F4A7C15L)
                                    .nextDouble()
                            * totalWeight;
            for (int i = 0; i < n; i++) {
                if (weights[i] <= 0) {
                    continue;
                }
                explore = i;
                r -= weights[i];
                if (r < 0) {
                    break;
                }
            }
        }
        if (explore >= 0) {
            FreshItem f = freshItems[explore];
            request.setExploreItem(freshIndices[explore]);
            request.setExploreScore(
                    user != null && f.getEmbedding() != null
                            ? ItemEmbeddings.dot(user, f.getEmbedding())
                            : 0f);
        }
        // ids of every fresh item the scorer may serve
        List<Integer> extra = new ArrayList<>();
        for (int item : request.getFallback()) {
            if (FreshSettings.isFresh(item)) {
                extra.add(item);
            }
        }
        for (int i = 0; i < found; i++) {
            extra.add(best[i]);
        }
        if (explore >= 0) {
            extra.add(freshIndices[explore]);
        }
        int[] idx = new int[extra.size()];
        String[] ids = new String[extra.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = extra.get(i);
            ids[i] = freshItems[Arrays.binarySearch(freshIndices, idx[i])].getItemId();
        }
        request.setExtraIndices(idx);
        request.setExtraIds(ids);
    }

    /** Inserts into a best-first list of at most its length; returns the new size. */
    private static int insert(int[] items, float[] scores, int size, int item, float score) {
        int cap = items.length;
        if (size == cap && !(score > scores[cap - 1])) {
            return size;
        }
        int pos = Math.min(size, cap - 1);
        while (pos > 0 && score > scores[pos - 1]) {
            items[pos] = items[pos - 1];
            scores[pos] = scores[pos - 1];
            pos--;
        }
        items[pos] = item;
        scores[pos] = score;
        return Math.min(size + 1, cap);
    }

    private List<String> categoriesOf(int item) {
        if (item >= 0 && item < vocabulary.size()) {
            return vocabulary.categories(item);
        }
        int f = FreshSettings.isFresh(item) ? Arrays.binarySearch(freshIndices, item) : -1;
        return f >= 0 ? Arrays.asList(freshItems[f].getCategories()) : List.of();
    }

    private void refresh(
            ReadOnlyBroadcastState<Integer, FreshItem> freshState,
            ReadOnlyBroadcastState<Integer, Boolean> withdrawnState)
            throws Exception {
        List<Integer> w = new ArrayList<>();
        for (Map.Entry<Integer, Boolean> e : withdrawnState.immutableEntries()) {
            w.add(e.getKey());
        }
        List<Map.Entry<Integer, FreshItem>> f = new ArrayList<>();
        for (Map.Entry<Integer, FreshItem> e : freshState.immutableEntries()) {
            int known = vocabulary.indexOf(e.getValue().getItemId());
            if (known < 0) {
                f.add(e);
            } else if (!e.getValue().isAvailable()) {
                // fresh when withdrawn, known to the model served since: withdrawn all the same
                w.add(known);
            }
            // else the model serves it now, as its own item
        }
        withdrawn = w.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
        f.sort(Map.Entry.comparingByKey());
        freshIndices = new int[f.size()];
        freshItems = new FreshItem[f.size()];
        int available = 0;
        for (int i = 0; i < f.size(); i++) {
            freshIndices[i] = f.get(i).getKey();
            freshItems[i] = f.get(i).getValue();
            available += freshItems[i].isAvailable() ? 1 : 0;
        }
        Metrics.gauge(
                "recstream.catalogue.fresh.available",
                "fresh items (in the catalogue, not in the model) available to serve",
                available);
        stale = false;
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
            CandidateUpdate update, Context ctx, Collector<ScoringRequest> out) throws Exception {
        if (update.getPopular() != null) {
            BroadcastState<String, PopularItems> state = ctx.getBroadcastState(POPULAR_STATE);
            PopularItems current = state.get(CURRENT);
            PopularItems popular = update.getPopular();
            if (current == null || popular.getWindowEnd() >= current.getWindowEnd()) {
                state.put(CURRENT, popular);
            }
            return;
        }
        BroadcastState<Integer, FreshItem> freshState = ctx.getBroadcastState(FRESH_STATE);
        if (update.getEntry() != null) {
            CatalogueEntry e = update.getEntry();
            if (!e.fresh()) {
                BroadcastState<Integer, Boolean> w = ctx.getBroadcastState(WITHDRAWN_STATE);
                if (e.isAvailable()) {
                    w.remove(e.getIndex());
                } else {
                    w.put(e.getIndex(), true);
                }
            } else {
                admit(freshState, e);
            }
        } else if (update.getActivity() != null) {
            FreshActivity a = update.getActivity();
            FreshItem f = freshState.get(a.getItem());
            if (f == null) {
                return; // evicted, or never admitted here
            }
            f.setInteractions(Math.max(f.getInteractions(), a.getInteractions()));
            f.setLastActive(Math.max(f.getLastActive(), a.getTime()));
            if (a.getEmbedding() != null) {
                if (!f.isFoldedIn() && foldInDelay != null) {
                    long delay = System.currentTimeMillis() - a.getTime();
                    if (delay >= 0) {
                        foldInDelay.record(java.time.Duration.ofMillis(delay));
                    }
                }
                f.setEmbedding(a.getEmbedding());
                f.setFoldedIn(true);
            }
            freshState.put(a.getItem(), f);
        }
        stale = true;
    }

    private void admit(BroadcastState<Integer, FreshItem> state, CatalogueEntry e)
            throws Exception {
        FreshItem f = state.get(e.getIndex());
        long newest = e.getTime();
        for (Map.Entry<Integer, FreshItem> x : state.immutableEntries()) {
            newest = Math.max(newest, x.getValue().getLastActive());
        }
        if (f == null) {
            if (!e.isAvailable()) {
                return;
            }
            f = new FreshItem();
            f.setItemId(e.getItemId());
            // active from admission: an old created_at does not make it expire at once
            f.setLastActive(newest);
        }
        f.setAvailable(e.isAvailable());
        f.setCreatedAt(e.getTime());
        f.setCategories(e.getCategories());
        if (!f.isFoldedIn() && embeddings != null) {
            List<Integer> members = new ArrayList<>();
            for (String c : e.getCategories()) {
                members.addAll(categoryMembers.getOrDefault(c, List.of()));
            }
            f.setEmbedding(embeddings.centroid(members));
        }
        state.put(e.getIndex(), f);
        // Bounded: the least recently active give way. Expired items are skipped when serving,
        // not removed here: catalogue times can run ahead of the requests (a catalogue loaded at
        // once), and would expire items the requests still see as live.
        List<Map.Entry<Integer, FreshItem>> all = new ArrayList<>();
        for (Map.Entry<Integer, FreshItem> x : state.immutableEntries()) {
            all.add(x);
        }
        if (all.size() > fresh.maxItems()) {
            all.sort(
                    java.util.Comparator.comparingLong(
                                    (Map.Entry<Integer, FreshItem> x) ->
                                            x.getValue().getLastActive())
                            .thenComparing(Map.Entry::getKey));
            for (int i = 0; i < all.size() - fresh.maxItems(); i++) {
                state.remove(all.get(i).getKey());
            }
        }
    }
}
