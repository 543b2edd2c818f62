package io.recstream.jobs.popularity;

import java.util.Arrays;

/**
 * The most interacted-with items of one popularity window, best first (a Flink POJO). Items are
 * vocabulary indices.
 */
public class PopularItems {
    private long windowEnd;
    private int[] items = new int[0];
    private long[] counts = new long[0];

    public PopularItems() {}

    public PopularItems(long windowEnd, int[] items, long[] counts) {
        this.windowEnd = windowEnd;
        this.items = items;
        this.counts = counts;
    }

    public long getWindowEnd() {
        return windowEnd;
    }

    public void setWindowEnd(long windowEnd) {
        this.windowEnd = windowEnd;
    }

    public int[] getItems() {
        return items;
    }

    public void setItems(int[] items) {
        this.items = items;
    }

    public long[] getCounts() {
        return counts;
    }

    public void setCounts(long[] counts) {
        this.counts = counts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PopularItems p
                && windowEnd == p.windowEnd
                && Arrays.equals(items, p.items)
                && Arrays.equals(counts, p.counts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(windowEnd) * 31 + Arrays.hashCode(items);
    }

    @Override
    public String toString() {
        return "PopularItems{windowEnd="
                + windowEnd
                + ", items="
                + Arrays.toString(items)
                + ", counts="
                + Arrays.toString(counts)
                + '}';
    }
}
