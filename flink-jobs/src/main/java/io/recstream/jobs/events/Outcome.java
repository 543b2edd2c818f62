package io.recstream.jobs.events;

import java.util.Objects;

/**
 * A recommendation whose feedback horizon has closed (a Flink POJO): hit or miss and the rank of
 * the first hit (-1 for a miss).
 */
public class Outcome {
    private String requestKey;
    private String userId;
    private String modelVersion;
    private Strategy strategy;
    private long eventTime;
    private long closeTime;
    private int listLength;
    private int hitRank;

    /** The {@link SlotKind} code of the first hit's slot, -1 for a miss. */
    private byte hitSlot = -1;

    /** Bit {@code 1 << code} set for every {@link SlotKind} the list held. */
    private byte slotsPresent;

    public Outcome() {}

    public Outcome(
            String requestKey,
            String userId,
            String modelVersion,
            Strategy strategy,
            long eventTime,
            long closeTime,
            int listLength,
            int hitRank) {
        this.requestKey = requestKey;
        this.userId = userId;
        this.modelVersion = modelVersion;
        this.strategy = strategy;
        this.eventTime = eventTime;
        this.closeTime = closeTime;
        this.listLength = listLength;
        this.hitRank = hitRank;
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

    public long getCloseTime() {
        return closeTime;
    }

    public void setCloseTime(long closeTime) {
        this.closeTime = closeTime;
    }

    public int getListLength() {
        return listLength;
    }

    public void setListLength(int listLength) {
        this.listLength = listLength;
    }

    public int getHitRank() {
        return hitRank;
    }

    public void setHitRank(int hitRank) {
        this.hitRank = hitRank;
    }

    public boolean isHit() {
        return hitRank >= 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Outcome o
                && Objects.equals(requestKey, o.requestKey)
                && Objects.equals(userId, o.userId)
                && Objects.equals(modelVersion, o.modelVersion)
                && Objects.equals(strategy, o.strategy)
                && Objects.equals(eventTime, o.eventTime)
                && Objects.equals(closeTime, o.closeTime)
                && Objects.equals(listLength, o.listLength)
                && Objects.equals(hitRank, o.hitRank);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                requestKey,
                userId,
                modelVersion,
                strategy,
                eventTime,
                closeTime,
                listLength,
                hitRank);
    }

    @Override
    public String toString() {
        return "Outcome{"
                + "requestKey="
                + requestKey
                + ", "
                + "userId="
                + userId
                + ", "
                + "modelVersion="
                + modelVersion
                + ", "
                + "strategy="
                + strategy
                + ", "
                + "eventTime="
                + eventTime
                + ", "
                + "closeTime="
                + closeTime
                + ", "
                + "listLength="
                + listLength
                + ", "
                + "hitRank="
                + hitRank
                + "}";
    }

    public byte getHitSlot() {
        return hitSlot;
    }

    public void setHitSlot(byte hitSlot) {
        this.hitSlot = hitSlot;
    }

    public byte getSlotsPresent() {
        return slotsPresent;
    }

    public void setSlotsPresent(byte slotsPresent) {
        this.slotsPresent = slotsPresent;
    }

    /** Whether the list held a slot of {@code kind}. */
    public boolean hadSlot(SlotKind kind) {
        return (slotsPresent & (1 << kind.code())) != 0;
    }

    /** This outcome judged for one slot kind: a hit only if the first hit was in such a slot. */
    public Outcome forSlot(SlotKind kind) {
        Outcome o =
                new Outcome(
                        requestKey,
                        userId,
                        modelVersion,
                        strategy,
                        eventTime,
                        closeTime,
                        listLength,
                        hitSlot == kind.code() ? hitRank : -1);
        o.hitSlot = hitSlot == kind.code() ? hitSlot : -1;
        o.slotsPresent = slotsPresent;
        return o;
    }
}
