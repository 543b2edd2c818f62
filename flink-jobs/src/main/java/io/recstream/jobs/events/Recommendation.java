package io.recstream.jobs.events;

import java.util.Arrays;
import java.util.Objects;

/** A recommendation answering one interaction (a Flink POJO). Items are ranked best first. */
public class Recommendation {
    private String requestKey;
    private String userId;
    private String[] itemIds = new String[0];
    private float[] scores = new float[0];
    private Strategy strategy;
    private String modelVersion;
    private long eventTime;
    private long emitTime;

    /**
     * The {@link SlotKind} of each item, as codes; empty for recommendations written before slot
     * kinds existed (read as {@link #slotKind}: the strategy's kind).
     */
    private byte[] slotKinds = new byte[0];

    public Recommendation() {}

    public Recommendation(
            String requestKey,
            String userId,
            String[] itemIds,
            float[] scores,
            Strategy strategy,
            String modelVersion,
            long eventTime,
            long emitTime) {
        this.requestKey = requestKey;
        this.userId = userId;
        this.itemIds = itemIds;
        this.scores = scores;
        this.strategy = strategy;
        this.modelVersion = modelVersion;
        this.eventTime = eventTime;
        this.emitTime = emitTime;
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

    public String[] getItemIds() {
        return itemIds;
    }

    public void setItemIds(String[] itemIds) {
        this.itemIds = itemIds;
    }

    public float[] getScores() {
        return scores;
    }

    public void setScores(float[] scores) {
        this.scores = scores;
    }

    public Strategy getStrategy() {
        return strategy;
    }

    public void setStrategy(Strategy strategy) {
        this.strategy = strategy;
    }

    public String getModelVersion() {
        return modelVersion;
    }

    public void setModelVersion(String modelVersion) {
        this.modelVersion = modelVersion;
    }

    public long getEventTime() {
        return eventTime;
    }

    public void setEventTime(long eventTime) {
        this.eventTime = eventTime;
    }

    public long getEmitTime() {
        return emitTime;
    }

    public void setEmitTime(long emitTime) {
        this.emitTime = emitTime;
    }

    public byte[] getSlotKinds() {
        return slotKinds;
    }

    public void setSlotKinds(byte[] slotKinds) {
        this.slotKinds = slotKinds;
    }

    /** The kind of slot {@code i}. */
    public SlotKind slotKind(int i) {
        if (i < slotKinds.length) {
            return SlotKind.of(slotKinds[i]);
        }
        return defaultSlotKind();
    }

    /**
     * The kind a slot has when its record does not say: the strategy's (MODEL for the model's
     * lists, POPULAR for the fallbacks). The JSON leaves out the slots of this kind.
     */
    public SlotKind defaultSlotKind() {
        return strategy == Strategy.MODEL ? SlotKind.MODEL : SlotKind.POPULAR;
    }

    /** This recommendation with the given slot kinds. */
    public Recommendation withSlots(SlotKind[] kinds) {
        byte[] codes = new byte[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            codes[i] = kinds[i].code();
        }
        this.slotKinds = codes;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Recommendation r
                && eventTime == r.eventTime
                && emitTime == r.emitTime
                && Objects.equals(requestKey, r.requestKey)
                && Objects.equals(userId, r.userId)
                && Arrays.equals(itemIds, r.itemIds)
                && Arrays.equals(scores, r.scores)
                && strategy == r.strategy
                && Objects.equals(modelVersion, r.modelVersion)
                && Arrays.equals(slotKinds, r.slotKinds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestKey, userId, Arrays.hashCode(itemIds), strategy, eventTime);
    }

    @Override
    public String toString() {
        return "Recommendation{requestKey='"
                + requestKey
                + "', userId='"
                + userId
                + "', items="
                + Arrays.toString(itemIds)
                + ", scores="
                + Arrays.toString(scores)
                + ", strategy="
                + strategy
                + ", modelVersion='"
                + modelVersion
                + "', eventTime="
                + eventTime
                + ", emitTime="
                + emitTime
                + '}';
    }
}
