package io.recstream.jobs.catalogue;

/**
 * One interaction with a fresh item, with the interacting user's history (model items, newest
 * first, and their recency weights) as it was before it: what fold-in learns the item from.
 */
public class FoldInSample {
    private int item;
    private long time;
    private int[] history = new int[0];
    private float[] weights = new float[0];

    public FoldInSample() {}

    public FoldInSample(int item, long time, int[] history, float[] weights) {
        this.item = item;
        this.time = time;
        this.history = history;
        this.weights = weights;
    }

    public int getItem() {
        return item;
    }

    public void setItem(int item) {
        this.item = item;
    }

    public long getTime() {
        return time;
    }

    public void setTime(long time) {
        this.time = time;
    }

    public int[] getHistory() {
        return history;
    }

    public void setHistory(int[] history) {
        this.history = history;
    }

    public float[] getWeights() {
        return weights;
    }

    public void setWeights(float[] weights) {
        this.weights = weights;
    }
}
