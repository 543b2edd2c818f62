package io.recstream.cli;

import io.recstream.training.TrainingEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quality of the recommendations a replay served, against a popularity baseline computed over
 * the same replay.
 *
 * <p>Protocol (next-item, no look-ahead): every replayed interaction is a request; the list served
 * for it is judged against the same user's next replayed interaction (requests without one are not
 * judged). A hit is that next item being in the list; NDCG@k credits a hit at rank r (0-based) with
 * 1/log2(r + 2), the ideal being 1. The baseline answers the same requests with the k items with
 * the most interactions before the request's time (the history before the replay included), minus
 * what the user has consumed up to and including the request, as the served lists are meant to be.
 * A served slot is "already consumed" when the user interacted with that item before or at the
 * request. A fresh item is one the served model was not trained on; the shares of slots and hits
 * that are fresh, and of next items that are (the most fresh hits there could be), are reported
 * with the slots and hits per slot kind (MODEL, FRESH, POPULAR, EXPLORE).
 */
final class ReplayQuality {

    private final int k;
    private final Map<String, Integer> itemIndex = new HashMap<>();
    private int[] count = new int[0];

    /** Items ordered by count, highest first; position of each item; first position per count. */
    private int[] order = new int[0];

    private int[] position = new int[0];
    private final Map<Integer, Integer> firstWithCount = new HashMap<>();
    private final Map<String, Set<String>> consumed = new HashMap<>();

    private long judged;
    private double servedHits;
    private double servedGain;
    private double baselineHits;
    private double baselineGain;
    private long servedSlots;
    private long consumedSlots;
    private long listsWithConsumed;
    private long missingLists;
    private long freshSlots;
    private long freshHits;
    private long freshTargets;
    private final Map<String, Long> slotsByKind = new LinkedHashMap<>();
    private final Map<String, Long> hitsByKind = new LinkedHashMap<>();
    private final java.util.function.Predicate<String> modelKnows;

    /**
     * @param modelKnows whether the served model was trained on an item; the others are fresh
     */
    ReplayQuality(int k, java.util.function.Predicate<String> modelKnows) {
        this.k = k;
        this.modelKnows = modelKnows;
    }

    ReplayQuality(int k) {
        this(k, item -> true);
    }

    /** One served list: its items and, per slot, where the item came from. */
    record Served(List<String> items, List<String> kinds) {
        static Served of(List<String> items) {
            return new Served(items, List.of());
        }

        String kind(int slot) {
            return slot < kinds.size() ? kinds.get(slot) : "UNKNOWN";
        }
    }

    /** An interaction from before the replay: counted, and consumed by its user. */
    void history(TrainingEvent e) {
        consume(e);
    }

    /**
     * Judges the replay: {@code events} in time order, {@code served} the item ids served for each
     * request key.
     */
    void replay(List<TrainingEvent> events, Map<String, Served> served) {
        Map<String, Integer> next = new HashMap<>();
        int[] nextOf = new int[events.size()];
        for (int i = events.size() - 1; i >= 0; i--) {
            String user = events.get(i).userId();
            nextOf[i] = next.getOrDefault(user, -1);
            next.put(user, i);
        }
        for (int e = 0; e < events.size(); e++) {
            TrainingEvent event = events.get(e);
            Set<String> had = consumedBy(event.userId());
            had.add(event.itemId());
            List<String> baseline = baseline(had);
            Served s = served.get(event.key());
            List<String> list = s == null ? null : s.items();
            if (list == null) {
                missingLists++;
            } else {
                int already = 0;
                for (int slot = 0; slot < list.size(); slot++) {
                    String item = list.get(slot);
                    if (had.contains(item)) {
                        already++;
                    }
                    if (!modelKnows.test(item)) {
                        freshSlots++;
                    }
                    slotsByKind.merge(s.kind(slot), 1L, Long::sum);
                }
                servedSlots += list.size();
                consumedSlots += already;
                listsWithConsumed += already > 0 ? 1 : 0;
            }
            if (nextOf[e] >= 0) {
                String target = events.get(nextOf[e]).itemId();
                judged++;
                boolean fresh = !modelKnows.test(target);
                freshTargets += fresh ? 1 : 0;
                int r = list == null ? -1 : list.indexOf(target);
                if (r >= 0 && r < k) {
                    servedHits++;
                    servedGain += 1 / log2(r + 2);
                    freshHits += fresh ? 1 : 0;
                    hitsByKind.merge(s.kind(r), 1L, Long::sum);
                }
                int b = baseline.indexOf(target);
                if (b >= 0) {
                    baselineHits++;
                    baselineGain += 1 / log2(b + 2);
                }
            }
            count(event.itemId());
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private Set<String> consumedBy(String user) {
        return consumed.computeIfAbsent(user, u -> new HashSet<>());
    }

    private void consume(TrainingEvent e) {
        consumedBy(e.userId()).add(e.itemId());
        count(e.itemId());
    }

    /** The k most counted items not in {@code exclude}. */
    private List<String> baseline(Set<String> exclude) {
        List<String> top = new ArrayList<>(k);
        String[] names = itemNames();
        for (int p = 0; p < order.length && top.size() < k; p++) {
            String item = names[order[p]];
            if (!exclude.contains(item)) {
                top.add(item);
            }
        }
        return top;
    }

    private String[] names;

    private String[] itemNames() {
        if (names == null || names.length != itemIndex.size()) {
            names = new String[itemIndex.size()];
            itemIndex.forEach((id, i) -> names[i] = id);
        }
        return names;
    }

    /** One more interaction with {@code item}: it moves to the front of its count's run. */
    private void count(String item) {
        Integer index = itemIndex.get(item);
        if (index == null) {
            index = itemIndex.size();
            itemIndex.put(item, index);
            if (index >= count.length) {
                int size = Math.max(16, count.length * 2);
                count = Arrays.copyOf(count, size);
                position = Arrays.copyOf(position, size);
            }
            order = Arrays.copyOf(order, index + 1);
            order[index] = index;
            position[index] = index;
            firstWithCount.putIfAbsent(0, index);
        }
        int c = count[index];
        int first = firstWithCount.get(c);
        int at = position[index];
        int other = order[first];
        order[first] = index;
        order[at] = other;
        position[index] = first;
        position[other] = at;
        if (first + 1 < order.length && count[order[first + 1]] == c) {
            firstWithCount.put(c, first + 1);
        } else {
            firstWithCount.remove(c);
        }
        count[index] = c + 1;
        firstWithCount.putIfAbsent(c + 1, first);
    }

    /** The figures, for printing and for the summary file. */
    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("k", k);
        s.put("requests_judged", judged);
        s.put("hit_rate_at_k", judged == 0 ? null : servedHits / judged);
        s.put("ndcg_at_k", judged == 0 ? null : servedGain / judged);
        s.put("baseline_hit_rate_at_k", judged == 0 ? null : baselineHits / judged);
        s.put("baseline_ndcg_at_k", judged == 0 ? null : baselineGain / judged);
        s.put("hit_rate_vs_baseline", baselineHits == 0 ? null : servedHits / baselineHits);
        s.put("served_slots", servedSlots);
        s.put("served_slots_already_consumed", consumedSlots);
        s.put(
                "share_of_slots_already_consumed",
                servedSlots == 0 ? null : (double) consumedSlots / servedSlots);
        s.put("lists_with_an_already_consumed_item", listsWithConsumed);
        s.put("share_of_slots_fresh", servedSlots == 0 ? null : (double) freshSlots / servedSlots);
        s.put("share_of_hits_fresh", servedHits == 0 ? null : freshHits / servedHits);
        s.put("share_of_next_items_fresh", judged == 0 ? null : (double) freshTargets / judged);
        s.put("slots_by_kind", new LinkedHashMap<>(slotsByKind));
        s.put("hits_by_kind", new LinkedHashMap<>(hitsByKind));
        s.put("requests_without_a_list", missingLists);
        s.put(
                "protocol",
                "each replayed interaction's served list judged against the user's next replayed"
                        + " interaction; baseline: the k items with the most interactions before"
                        + " the request (history included), minus the user's consumed items");
        return s;
    }
}
