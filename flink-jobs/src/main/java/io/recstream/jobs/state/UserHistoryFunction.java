package io.recstream.jobs.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.recstream.jobs.catalogue.CatalogueEntry;
import io.recstream.jobs.catalogue.FoldInSample;
import io.recstream.jobs.catalogue.FreshSettings;
import io.recstream.jobs.config.DedupSettings;
import io.recstream.jobs.config.SeenSettings;
import io.recstream.jobs.dedup.Deduplicate;
import io.recstream.jobs.dedup.SeenIds;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.faults.FaultPoints;
import io.recstream.jobs.faults.WithFaultPoint;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.model.RecentItems;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keeps each user's recent items (keyed by user id) and turns every interaction into a {@link
 * ScoringRequest}, once per event.
 *
 * <ul>
 *   <li>State: a {@link RecentItems} per user, at most {@code maxHistory} distinct items, none
 *       older than {@code window} before the newest event (event time), and the hashes of the ids
 *       of the user's recent events ({@link SeenIds}), in the same value: one RocksDB read and one
 *       write per event. Also in that value: every item the user consumed within {@code
 *       --seen.retention} ({@link ConsumedItems}), sent with each request so that no strategy
 *       serves it again.
 *   <li>Re-sent events: an interaction whose {@code event_id} the user had within the deduplication
 *       window changes nothing, makes no request, and is counted in {@code
 *       recstream_records_duplicate_total{kind="interaction"}}. Every first copy also goes to
 *       {@link #FIRST_COPIES}, which feeds item popularity, so counts hold each event once.
 *   <li>Clean-up: an event-time timer once everything in the state has left its window clears the
 *       state of a user who went quiet; a processing-time TTL ({@code stateTtl}) drops users that
 *       no event-time timer reaches (e.g. when the stream stops), so inactive users cost nothing.
 *   <li>Cold users: fewer than {@code coldMinItems} known items in the window.
 * </ul>
 *
 * The popular-items fallback is added after this step ({@link PopularFallback}): popularity is
 * counted from this step's first copies, so it cannot also feed it.
 */
public final class UserHistoryFunction
        extends KeyedBroadcastProcessFunction<String, Interaction, CatalogueEntry, ScoringRequest>
        implements WithFaultPoint {

    /** Each interaction the first time it is seen: what item popularity counts. */
    /** Interactions with fresh items, with the user's model items: fed to fold-in. */
    /** Fresh items' indices by item id, from the broadcast catalogue. */
    public static final MapStateDescriptor<String, Integer> FRESH_INDEX =
            new MapStateDescriptor<>("fresh-index", Types.STRING, Types.INT);

    public static final OutputTag<FoldInSample> FOLD_IN =
            new OutputTag<>("fold-in", TypeInformation.of(FoldInSample.class));

    public static final OutputTag<Interaction> FIRST_COPIES =
            new OutputTag<>("first-copies", TypeInformation.of(Interaction.class));

    private final int maxHistory;
    private final long windowMillis;
    private final long halfLifeMillis;
    private final int coldMinItems;
    private final Duration stateTtl;
    private final boolean dedup;
    private final long dedupWindowMillis;
    private final int maxIds;
    private final long retentionMillis;
    private final int maxConsumed;

    private transient ValueState<RecentItems> history;
    private transient Counter unknownItems;
    private transient Counter freshItems;
    private transient Counter coldCounter;
    private transient Counter clearedCounter;
    private transient Counter duplicates;
    private transient DistributionSummary historySize;

    /** The served model's bundle, to tell which fresh items it has learnt since; null: none. */
    private String modelDirectory;

    private transient io.recstream.model.Vocabulary vocabulary;

    /**
     * Fresh index → the served model's index, for catalogue items that were fresh when the state
     * was written and that the served model knows (a restart with a model trained since). Built
     * from the restored broadcast state on the first event; empty in the normal case.
     */
    private transient java.util.Map<Integer, Integer> graduated;

    public UserHistoryFunction(
            int maxHistory,
            Duration window,
            Duration halfLife,
            int coldMinItems,
            DedupSettings dedup,
            SeenSettings seen,
            Duration stateTtl) {
        this.maxHistory = maxHistory;
        this.windowMillis = window.toMillis();
        this.halfLifeMillis = halfLife.toMillis();
        this.coldMinItems = coldMinItems;
        this.stateTtl = stateTtl;
        this.dedup = dedup.enabled();
        this.dedupWindowMillis = dedup.window().toMillis();
        this.maxIds = dedup.maxIds();
        this.retentionMillis = seen.retention().toMillis();
        this.maxConsumed = seen.maxItems();
    }

    /**
     * Serves with the model in {@code modelDirectory}: items that were fresh in the restored state
     * and that this model knows count as its own items in every request (consumed, history).
     */
    public UserHistoryFunction withModel(String modelDirectory) {
        this.modelDirectory = modelDirectory;
        return this;
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
        if (modelDirectory != null) {
            vocabulary =
                    io.recstream.jobs.inference.ModelRegistry.bundle(modelDirectory).vocabulary();
        }
        graduated = null;
        coldCounter =
                Metrics.counter(
                        "recstream.requests.cold", "requests from users with too few recent items");
        clearedCounter =
                Metrics.counter(
                        "recstream.users.expired", "users whose state the clean-up timer cleared");
        duplicates = Deduplicate.counter("interaction");
        unknownItems =
                Metrics.counter(
                        "recstream.items.unknown",
                        "interactions with items neither the model nor the catalogue knows");
        freshItems =
                Metrics.counter(
                        "recstream.items.fresh",
                        "interactions with catalogue items the model does not know");
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
        if (graduated == null) {
            graduated = graduated(ctx.getBroadcastState(FRESH_INDEX));
        }
        if (event.getItemIndex() < 0) {
            // not the model's: the catalogue's fresh index, if it has one
            Integer fresh = ctx.getBroadcastState(FRESH_INDEX).get(event.getItemId());
            if (fresh != null) {
                event.setItemIndex(fresh);
                freshItems.increment();
            } else {
                unknownItems.increment();
            }
        }
        RecentItems h = history.value();
        long now = event.getTimestamp();
        // A stored state always has a clean-up timer pending at cleanupTime(lastActivity): the
        // event that last moved it registered it, and a timer that leaves something behind
        // registers the next one. Registering it again would be another RocksDB write.
        long pending = Long.MIN_VALUE;
        if (h == null) {
            h = new RecentItems();
        } else if (lastActivity(h) != Long.MIN_VALUE) {
            pending = cleanupTime(lastActivity(h));
        }
        if (dedup) {
            byte[] next =
                    SeenIds.offer(
                            h.getEventIds(),
                            SeenIds.hash(event.getEventId()),
                            now,
                            dedupWindowMillis,
                            maxIds);
            if (next == null) {
                duplicates.increment();
                return;
            }
            h.setEventIds(next);
        }
        ctx.output(FIRST_COPIES, event);
        h.expire(now, windowMillis);
        if (event.getItemIndex() >= 0) {
            h.add(event.getItemIndex(), now, maxHistory, windowMillis);
            h.setConsumed(
                    ConsumedItems.add(
                            h.getConsumed(),
                            event.getItemIndex(),
                            now,
                            retentionMillis,
                            maxConsumed));
        }
        historySize.record(h.size());
        if (isEmpty(h)) {
            history.clear();
        } else {
            history.update(h);
            long due = cleanupTime(lastActivity(h));
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
        ScoringRequest request =
                new ScoringRequest(
                        event.getEventId(),
                        event.getUserId(),
                        now,
                        items,
                        weights,
                        cold,
                        new int[0],
                        new float[0]);
        byte[] consumed = ConsumedItems.union(h.getConsumed());
        if (!graduated.isEmpty()) {
            consumed = graduate(consumed);
            for (int i = 0; i < n; i++) {
                items[i] = graduated.getOrDefault(items[i], items[i]);
            }
        }
        request.setConsumed(consumed);
        request.setEventItem(event.getItemIndex());
        if (FreshSettings.isFresh(event.getItemIndex())) {
            ctx.output(FOLD_IN, foldInSample(event, items, weights));
        }
        out.collect(request);
    }

    private java.util.Map<Integer, Integer> graduated(
            org.apache.flink.api.common.state.ReadOnlyBroadcastState<String, Integer> fresh)
            throws Exception {
        java.util.Map<Integer, Integer> m = new java.util.HashMap<>();
        if (vocabulary != null) {
            for (java.util.Map.Entry<String, Integer> e : fresh.immutableEntries()) {
                int index = vocabulary.indexOf(e.getKey());
                if (index >= 0) {
                    m.put(e.getValue(), index);
                }
            }
        }
        return m;
    }

    /** {@code consumed} (sorted, encoded) with each graduated item's model index added. */
    private byte[] graduate(byte[] consumed) {
        int[] all = io.recstream.model.SortedInts.decode(consumed);
        int[] added = new int[all.length];
        int n = 0;
        // fresh indices sort after every model index
        for (int i = all.length - 1; i >= 0 && FreshSettings.isFresh(all[i]); i--) {
            Integer model = graduated.get(all[i]);
            if (model != null) {
                added[n++] = model;
            }
        }
        if (n == 0) {
            return consumed;
        }
        int[] more = java.util.Arrays.copyOf(added, n);
        java.util.Arrays.sort(more);
        return io.recstream.model.SortedInts.encode(io.recstream.model.SortedInts.union(all, more));
    }

    /** The user's model items and weights, as fold-in learns a fresh item from them. */
    private static FoldInSample foldInSample(Interaction event, int[] items, float[] weights) {
        int known = 0;
        for (int item : items) {
            known += FreshSettings.isFresh(item) ? 0 : 1;
        }
        int[] ki = new int[known];
        float[] kw = new float[known];
        for (int i = 0, j = 0; i < items.length; i++) {
            if (!FreshSettings.isFresh(items[i])) {
                ki[j] = items[i];
                kw[j++] = weights[i];
            }
        }
        return new FoldInSample(event.getItemIndex(), event.getTimestamp(), ki, kw);
    }

    private static boolean isEmpty(RecentItems h) {
        return h.isEmpty() && h.getEventIds() == null && h.getConsumed() == null;
    }

    /** The newest event time the state holds: of its items, event ids or consumed items. */
    private static long lastActivity(RecentItems h) {
        return Math.max(
                Math.max(h.newestTime(), SeenIds.newest(h.getEventIds())),
                ConsumedItems.newest(h.getConsumed()));
    }

    /**
     * The event time at which everything up to {@code newest} has left every window (history,
     * deduplication, consumed-item retention), rounded up to a coarse grid so that a busy user
     * keeps few distinct timers.
     */
    long cleanupTime(long newest) {
        // consumed items leave by whole periods: the newest one's ends up to a period after it
        long keep =
                Math.max(
                        Math.max(windowMillis, dedup ? dedupWindowMillis : 0),
                        retentionMillis + ConsumedItems.periodMillis(retentionMillis));
        long grid = Math.max(1_000L, keep / 16);
        long due = newest + keep + 1;
        return Math.floorDiv(due + grid - 1, grid) * grid;
    }

    /** Catalogue entries: the fresh index of every catalogue item the model does not know. */
    @Override
    public void processBroadcastElement(
            CatalogueEntry entry, Context ctx, Collector<ScoringRequest> out) throws Exception {
        if (entry.fresh()) {
            ctx.getBroadcastState(FRESH_INDEX).put(entry.getItemId(), entry.getIndex());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoringRequest> out)
            throws Exception {
        RecentItems h = history.value();
        if (h == null) {
            return;
        }
        h.expire(timestamp, windowMillis);
        if (h.getEventIds() != null
                && SeenIds.newest(h.getEventIds()) < timestamp - dedupWindowMillis) {
            h.setEventIds(null);
        }
        h.setConsumed(ConsumedItems.expire(h.getConsumed(), timestamp, retentionMillis));
        if (isEmpty(h)) {
            history.clear();
            clearedCounter.increment();
        } else {
            history.update(h);
            // Due after this timer, since what is left is newer than timestamp - window. Normally
            // already pending; registered again in case the state came from a savepoint taken
            // with another window (another timer grid).
            ctx.timerService()
                    .registerEventTimeTimer(Math.max(cleanupTime(lastActivity(h)), timestamp + 1));
        }
    }
}
