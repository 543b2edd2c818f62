package io.recstream.jobs.evaluation;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;

/**
 * What the ground-truth join keeps of a recommendation while its horizon is open: only what its
 * {@link io.recstream.jobs.events.Outcome} needs (the request key is the map key, the user is the
 * state key). Scores, the user id and the emit time stay out of state.
 */
public final class PendingRecommendation {
    private String modelVersion;
    private Strategy strategy;
    private long eventTime;
    private String[] itemIds = new String[0];

    /** The slot kinds (codes) of the items; empty for recommendations without them. */
    private byte[] slotKinds = new byte[0];

    public PendingRecommendation() {}

    static PendingRecommendation of(Recommendation rec) {
        PendingRecommendation p = new PendingRecommendation();
        p.modelVersion = rec.getModelVersion();
        p.strategy = rec.getStrategy();
        p.eventTime = rec.getEventTime();
        p.itemIds = rec.getItemIds();
        byte[] kinds = new byte[p.itemIds.length];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = rec.slotKind(i).code();
        }
        p.slotKinds = kinds;
        return p;
    }

    public String getModelVersion() {
        return modelVersion;
    }

    public void setModelVersion(String modelVersion) {
        this.modelVersion = modelVersion;
    }

    public Strategy getStrategy() {
        return strategy;
    }

    public void setStrategy(Strategy strategy) {
        this.strategy = strategy;
    }

    public long getEventTime() {
        return eventTime;
    }

    public void setEventTime(long eventTime) {
        this.eventTime = eventTime;
    }

    public String[] getItemIds() {
        return itemIds;
    }

    public void setItemIds(String[] itemIds) {
        this.itemIds = itemIds;
    }

    public byte[] getSlotKinds() {
        return slotKinds;
    }

    public void setSlotKinds(byte[] slotKinds) {
        this.slotKinds = slotKinds;
    }
}
