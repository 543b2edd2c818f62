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

    /** Index of the item of the interaction this answers (-1: unknown to model and catalogue). */
    private int eventItem = -1;

    /** Model items withdrawn from the catalogue, sorted ascending: never served. */
    private int[] withdrawn = new int[0];

    /** Fresh items (not in the model) scored for this user, best first, with their scores. */
    private int[] freshItems = new int[0];

    private float[] freshScores = new float[0];

    /** A fresh item for the exploration slot, or -1. */
    private int exploreItem = -1;

    private float exploreScore;

    /**
     * Ids of the fresh items this request may serve ({@code extraIndices[i]} is {@code
     * extraIds[i]}).
     */
    private int[] extraIndices = new int[0];

    private String[] extraIds = new String[0];

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

    public int getEventItem() {
        return eventItem;
    }

    public void setEventItem(int eventItem) {
        this.eventItem = eventItem;
    }

    public int[] getWithdrawn() {
        return withdrawn;
    }

    public void setWithdrawn(int[] withdrawn) {
        this.withdrawn = withdrawn;
    }

    public int[] getFreshItems() {
        return freshItems;
    }

    public void setFreshItems(int[] freshItems) {
        this.freshItems = freshItems;
    }

    public float[] getFreshScores() {
        return freshScores;
    }

    public void setFreshScores(float[] freshScores) {
        this.freshScores = freshScores;
    }

    public int getExploreItem() {
        return exploreItem;
    }

    public void setExploreItem(int exploreItem) {
        this.exploreItem = exploreItem;
    }

    public float getExploreScore() {
        return exploreScore;
    }

    public void setExploreScore(float exploreScore) {
        this.exploreScore = exploreScore;
    }

    public int[] getExtraIndices() {
        return extraIndices;
    }

    public void setExtraIndices(int[] extraIndices) {
        this.extraIndices = extraIndices;
    }

    public String[] getExtraIds() {
        return extraIds;
    }

    public void setExtraIds(String[] extraIds) {
        this.extraIds = extraIds;
    }

    /** The id of a fresh item this request carries, or null. */
    public String extraId(int index) {
        for (int i = 0; i < extraIndices.length; i++) {
            if (extraIndices[i] == index) {
                return extraIds[i];
            }
        }
        return null;
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
                && Arrays.equals(consumed, r.consumed)
                && eventItem == r.eventItem
                && Arrays.equals(withdrawn, r.withdrawn)
                && Arrays.equals(freshItems, r.freshItems)
                && Arrays.equals(freshScores, r.freshScores)
                && exploreItem == r.exploreItem
                && Arrays.equals(extraIndices, r.extraIndices)
                && Arrays.equals(extraIds, r.extraIds);
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
