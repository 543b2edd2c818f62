package io.recstream.jobs.popularity;

/** How often an item was interacted with in one window (a Flink POJO). */
public class ItemCount {
    private int item;
    private long count;
    private long windowEnd;

    public ItemCount() {}

    public ItemCount(int item, long count, long windowEnd) {
        this.item = item;
        this.count = count;
        this.windowEnd = windowEnd;
    }

    public int getItem() {
        return item;
    }

    public void setItem(int item) {
        this.item = item;
    }

    public long getCount() {
        return count;
    }

    public void setCount(long count) {
        this.count = count;
    }

    public long getWindowEnd() {
        return windowEnd;
    }

    public void setWindowEnd(long windowEnd) {
        this.windowEnd = windowEnd;
    }
}
