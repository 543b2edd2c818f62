package io.recstream.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A user's recent items: at most {@code maxItems} distinct item indices, each with the event time
 * it was last seen, ordered oldest to newest, none older than the history window before the newest.
 * A Flink POJO (public no-arg constructor, getters and setters), so the serving job keeps it in
 * keyed state as is.
 */
public class RecentItems {

    private int[] items = new int[0];
    private long[] times = new long[0];

    /**
     * Hashes of the ids of the user's recent events, packed by the serving job to recognise a
     * re-sent event (null: none); opaque here. Kept in the same value so that an event costs one
     * state read and one write.
     */
    private byte[] eventIds;

    /**
     * Every item the user has consumed within the serving job's retention, packed by it (null:
     * none); opaque here. In the same value for the same reason as {@link #getEventIds()}.
     */
    private byte[] consumed;

    public RecentItems() {}

    public byte[] getConsumed() {
        return consumed;
    }

    public void setConsumed(byte[] consumed) {
        this.consumed = consumed;
    }

    public byte[] getEventIds() {
        return eventIds;
    }

    public void setEventIds(byte[] eventIds) {
        this.eventIds = eventIds;
    }

    public int[] getItems() {
        return items;
    }

    public void setItems(int[] items) {
        this.items = items;
    }

    public long[] getTimes() {
        return times;
    }

    public void setTimes(long[] times) {
        this.times = times;
    }

    public int size() {
        return items.length;
    }

    public boolean isEmpty() {
        return items.length == 0;
    }

    /** Time of the newest item, or {@link Long#MIN_VALUE} when empty. */
    public long newestTime() {
        return times.length == 0 ? Long.MIN_VALUE : times[times.length - 1];
    }

    /**
     * Records that the user interacted with {@code item} at {@code time}. A repeated item moves to
     * its newer time; items older than {@code windowMillis} before the newest time are dropped;
     * beyond {@code maxItems} the oldest are dropped.
     */
    public void add(int item, long time, int maxItems, long windowMillis) {
        int n = items.length;
        int[] newItems = new int[n + 1];
        long[] newTimes = new long[n + 1];
        int m = 0;
        boolean inserted = false;
        for (int i = 0; i < n; i++) {
            if (items[i] == item) {
                if (times[i] >= time) {
                    return; // already known at the same or a newer time
                }
                continue; // re-seen later: re-inserted below
            }
            if (!inserted && times[i] > time) {
                newItems[m] = item;
                newTimes[m] = time;
                m++;
                inserted = true;
            }
            newItems[m] = items[i];
            newTimes[m] = times[i];
            m++;
        }
        if (!inserted) {
            newItems[m] = item;
            newTimes[m] = time;
            m++;
        }
        long cutoff = newTimes[m - 1] - windowMillis;
        int from = 0;
        while (from < m && newTimes[from] < cutoff) {
            from++;
        }
        from = Math.max(from, m - maxItems);
        this.items = Arrays.copyOfRange(newItems, from, m);
        this.times = Arrays.copyOfRange(newTimes, from, m);
    }

    /** Drops items older than {@code windowMillis} before {@code now}; returns how many remain. */
    public int expire(long now, long windowMillis) {
        long cutoff = now - windowMillis;
        int from = 0;
        while (from < times.length && times[from] < cutoff) {
            from++;
        }
        if (from > 0) {
            items = Arrays.copyOfRange(items, from, items.length);
            times = Arrays.copyOfRange(times, from, times.length);
        }
        return items.length;
    }

    /** Whether {@code item} is among the recent items. */
    public boolean contains(int item) {
        for (int i : items) {
            if (i == item) {
                return true;
            }
        }
        return false;
    }

    /** Recency weights of the items, oldest first, relative to {@code now}. */
    public float[] weights(long now, long halfLifeMillis) {
        float[] w = new float[items.length];
        for (int i = 0; i < items.length; i++) {
            w[i] = RecencyWeights.weight(now - times[i], halfLifeMillis);
        }
        return w;
    }

    public RecentItems copy() {
        RecentItems c = new RecentItems();
        c.items = items.clone();
        c.times = times.clone();
        c.eventIds = eventIds == null ? null : eventIds.clone();
        c.consumed = consumed == null ? null : consumed.clone();
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentItems r
                && Arrays.equals(items, r.items)
                && Arrays.equals(times, r.times)
                && Arrays.equals(eventIds, r.eventIds)
                && Arrays.equals(consumed, r.consumed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                Arrays.hashCode(items),
                Arrays.hashCode(times),
                Arrays.hashCode(eventIds),
                Arrays.hashCode(consumed));
    }

    @Override
    public String toString() {
        return "RecentItems{items="
                + Arrays.toString(items)
                + ", times="
                + Arrays.toString(times)
                + ", eventIds="
                + (eventIds == null ? 0 : eventIds.length)
                + " bytes, consumed="
                + (consumed == null ? 0 : consumed.length)
                + " bytes}";
    }
}
