package io.recstream.jobs.inference;

import io.recstream.model.SortedInts;
import java.util.Arrays;

/**
 * What the scorer needs to answer one interaction (a Flink POJO): the user's recent items newest
 * first with their recency weights, whether the user is cold, and the fallback list (popular items
 * the user has not seen, best first), and every item the user has consumed, never to be served.
 */
public class ScoringRequest {
    private String requestKey;
    private String userId;
    private long eventTime;
    private int[] items = new int[0];
    private float[] weights = new float[0];
    private boolean cold;
    private int[] fallback = new int[0];
    private float[] fallbackScores = new float[0];

    /**
     * Items the user has consumed (within the retention), as {@link SortedInts}: never served.
     * Encoded, so that it crosses the network as one block.
     */
    private byte[] consumed = SortedInts.empty();

    private transient int[] consumedItems;

    public ScoringRequest() {}

    public ScoringRequest(
            String requestKey,
            String userId,
            long eventTime,
            int[] items,
            float[] weights,
            boolean cold,
            int[] fallback,
            float[] fallbackScores) {
        this.requestKey = requestKey;
        this.userId = userId;
        this.eventTime = eventTime;
        this.items = items;
        this.weights = weights;
        this.cold = cold;
        this.fallback = fallback;
        this.fallbackScores = fallbackScores;
    }

    public String getRequestKey() {
        return requestKey;
    }

    public void setRequestKey(String requestKey) {
        this.requestKey = requestKey;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public long getEventTime() {
        return eventTime;
    }

    public void setEventTime(long eventTime) {
        this.eventTime = eventTime;
    }

    public int[] getItems() {
        return items;
    }

    public void setItems(int[] items) {
        this.items = items;
    }

    public float[] getWeights() {
        return weights;
    }

    public void setWeights(float[] weights) {
        this.weights = weights;
    }

    public boolean isCold() {
        return cold;
    }

    public void setCold(boolean cold) {
        this.cold = cold;
    }

    public int[] getFallback() {
        return fallback;
    }

    public void setFallback(int[] fallback) {
        this.fallback = fallback;
    }

    public float[] getFallbackScores() {
        return fallbackScores;
    }

    public void setFallbackScores(float[] fallbackScores) {
        this.fallbackScores = fallbackScores;
    }

    public byte[] getConsumed() {
        return consumed;
    }

    public void setConsumed(byte[] consumed) {
        this.consumed = consumed;
        this.consumedItems = null;
    }

    /** The consumed items, sorted ascending (decoded once). */
    public int[] consumedItems() {
        if (consumedItems == null) {
            consumedItems = SortedInts.decode(consumed);
        }
        return consumedItems;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoringRequest r
                && eventTime == r.eventTime
                && cold == r.cold
                && java.util.Objects.equals(requestKey, r.requestKey)
                && java.util.Objects.equals(userId, r.userId)
                && Arrays.equals(items, r.items)
                && Arrays.equals(weights, r.weights)
                && Arrays.equals(fallback, r.fallback)
                && Arrays.equals(fallbackScores, r.fallbackScores)
                && Arrays.equals(consumed, r.consumed);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(requestKey, eventTime);
    }

    @Override
    public String toString() {
        return "ScoringRequest{requestKey='"
                + requestKey
                + "', userId='"
                + userId
                + "', eventTime="
                + eventTime
                + ", items="
                + Arrays.toString(items)
                + ", weights="
                + Arrays.toString(weights)
                + ", cold="
                + cold
                + ", fallback="
                + Arrays.toString(fallback)
                + ", consumed="
                + SortedInts.size(consumed)
                + " items}";
    }
}
