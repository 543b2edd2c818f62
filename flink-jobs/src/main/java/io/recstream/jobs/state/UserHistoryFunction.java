package io.recstream.jobs.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.faults.FaultPoints;
import io.recstream.jobs.faults.WithFaultPoint;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.jobs.popularity.PopularItems;
import io.recstream.model.ModelBundle;
import io.recstream.model.RecentItems;
import io.recstream.model.ReferenceProfile;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps each user's recent items (keyed by user id) and turns every interaction into a {@link
 * ScoringRequest}.
 *
 * <ul>
 *   <li>State: a {@link RecentItems} per user, at most {@code maxHistory} distinct items, none
 *       older than {@code window} before the newest event (event time).
 *   <li>Clean-up: an event-time timer at the newest event + window clears the state of a user who
 *       went quiet; a processing-time TTL ({@code stateTtl}) drops users that no event-time timer
 *       reaches (e.g. when the stream stops), so inactive users cost nothing.
 *   <li>Cold users: fewer than {@code coldMinItems} known items in the window.
 *   <li>Fallback: the latest popular items from the broadcast stream (before the first window
 *       closes: the bundle's training-time popular items), minus the items the user has seen.
 * </ul>
 */
public final class UserHistoryFunction
        extends KeyedBroadcastProcessFunction<String, Interaction, PopularItems, ScoringRequest>
        implements WithFaultPoint {

    /** Broadcast state holding the latest {@link PopularItems} under {@link #CURRENT}. */
    public static final MapStateDescriptor<String, PopularItems> POPULAR_STATE =
            new MapStateDescriptor<>(
                    "popular-items", Types.STRING, TypeInformation.of(PopularItems.class));

    static final String CURRENT = "current";

    private final String modelDirectory;
    private final int maxHistory;
    private final long windowMillis;
    private final long halfLifeMillis;
    private final int coldMinItems;
    private final int k;
    private final Duration stateTtl;

    private transient ValueState<RecentItems> history;
    private transient PopularItems initialPopular;
    private transient Counter coldCounter;
    private transient Counter clearedCounter;
    private transient DistributionSummary historySize;

    public UserHistoryFunction(
            String modelDirectory,
            int maxHistory,
            Duration window,
            Duration halfLife,
            int coldMinItems,
            int k,
            Duration stateTtl) {
        this.modelDirectory = modelDirectory;
        this.maxHistory = maxHistory;
        this.windowMillis = window.toMillis();
        this.halfLifeMillis = halfLife.toMillis();
        this.coldMinItems = coldMinItems;
        this.k = k;
        this.stateTtl = stateTtl;
    }

    /**
     * The per-user history state, with its processing-time TTL: also how tools read it back from a
     * checkpoint or savepoint (operator uid {@code user-history}).
     */
    public static ValueStateDescriptor<RecentItems> historyDescriptor(Duration stateTtl) {
        ValueStateDescriptor<RecentItems> descriptor =
                new ValueStateDescriptor<>("recent-items", TypeInformation.of(RecentItems.class));
        descriptor.enableTimeToLive(UserStateTtl.of(stateTtl));
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        history = getRuntimeContext().getState(historyDescriptor(stateTtl));

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
        coldCounter =
                Metrics.counter(
                        "recstream.requests.cold", "requests from users with too few recent items");
        clearedCounter =
                Metrics.counter(
                        "recstream.users.expired", "users whose state the clean-up timer cleared");
        historySize =
                Metrics.summary(
                        "recstream.user.history.items",
                        "recent items kept for a user after an event");
    }

    @Override
    public String faultPoint() {
        return FaultPoints.USER_STATE;
    }

    @Override
    public void processElement(
            Interaction event, ReadOnlyContext ctx, Collector<ScoringRequest> out)
            throws Exception {
        FaultPoints.record(faultPoint());
        RecentItems h = history.value();
        // A stored history always has a clean-up timer pending at cleanupTime(newest): the
        // event that made it newest registered it, and a timer that leaves items behind
        // registers the next one. Registering it again would be another RocksDB write.
        long pending = Long.MIN_VALUE;
        if (h == null) {
            h = new RecentItems();
        } else if (!h.isEmpty()) {
            pending = cleanupTime(h.newestTime());
        }
        long now = event.getTimestamp();
        h.expire(now, windowMillis);
        if (event.getItemIndex() >= 0) {
            h.add(event.getItemIndex(), now, maxHistory, windowMillis);
        }
        historySize.record(h.size());
        if (h.isEmpty()) {
            history.clear();
        } else {
            history.update(h);
            long due = cleanupTime(h.newestTime());
            if (due != pending) {
                ctx.timerService().registerEventTimeTimer(due);
            }
        }

        // Requests are made as of the later of the event and the newest item.
        long asOf = Math.max(now, h.newestTime());
        int[] oldestFirst = h.getItems();
        float[] w = h.weights(asOf, halfLifeMillis);
        int n = oldestFirst.length;
        int[] items = new int[n];
        float[] weights = new float[n];
        for (int i = 0; i < n; i++) {
            items[i] = oldestFirst[n - 1 - i];
            weights[i] = w[n - 1 - i];
        }
        boolean cold = n < coldMinItems;
        if (cold) {
            coldCounter.increment();
        }
        PopularItems popular = ctx.getBroadcastState(POPULAR_STATE).get(CURRENT);
        if (popular == null || popular.getItems().length == 0) {
            popular = initialPopular;
        }
        int[] fallback = new int[k];
        float[] fallbackScores = new float[k];
        int m = 0;
        for (int i = 0; i < popular.getItems().length && m < k; i++) {
            int item = popular.getItems()[i];
            if (!h.contains(item)) {
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
            if (!h.contains(item) && !contains(fallback, m, item)) {
                fallback[m] = item;
                fallbackScores[m] = 0f;
                m++;
            }
        }
        if (m < k) {
            fallback = java.util.Arrays.copyOf(fallback, m);
            fallbackScores = java.util.Arrays.copyOf(fallbackScores, m);
        }
        out.collect(
                new ScoringRequest(
                        event.getEventId(),
                        event.getUserId(),
                        now,
                        items,
                        weights,
                        cold,
                        fallback,
                        fallbackScores));
    }

    private static boolean contains(int[] items, int n, int item) {
        for (int i = 0; i < n; i++) {
            if (items[i] == item) {
                return true;
            }
        }
        return false;
    }

    /**
     * The event time at which everything up to {@code newest} has left the window, rounded up to a
     * coarse grid so that a busy user keeps few distinct timers.
     */
    long cleanupTime(long newest) {
        long grid = Math.max(1_000L, windowMillis / 16);
        long due = newest + windowMillis + 1;
        return Math.floorDiv(due + grid - 1, grid) * grid;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoringRequest> out)
            throws Exception {
        RecentItems h = history.value();
        if (h == null) {
            return;
        }
        if (h.expire(timestamp, windowMillis) == 0) {
            history.clear();
            clearedCounter.increment();
        } else {
            history.update(h);
            // Due after this timer, since what is left is newer than timestamp - window. Normally
            // already pending; registered again in case the state came from a savepoint taken
            // with another window (another timer grid).
            ctx.timerService().registerEventTimeTimer(cleanupTime(h.newestTime()));
        }
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
