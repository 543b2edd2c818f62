package io.recstream.jobs.events;

import java.util.Objects;

/**
 * A validated interaction (a Flink POJO). {@code itemIndex} is the item's index in the model's
 * vocabulary, or -1 when the model does not know the item.
 */
public class Interaction {
    private String eventId;
    private String userId;
    private String itemId;
    private int itemIndex = -1;
    private InteractionType type;
    private Double value;
    private long timestamp;

    public Interaction() {}

    public Interaction(
            String eventId,
            String userId,
            String itemId,
            InteractionType type,
            Double value,
            long timestamp) {
        this.eventId = eventId;
        this.userId = userId;
        this.itemId = itemId;
        this.type = type;
        this.value = value;
        this.timestamp = timestamp;
    }

    public String getEventId() {
        return eventId;
    }

    public void setEventId(String eventId) {
        this.eventId = eventId;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getItemId() {
        return itemId;
    }

    public void setItemId(String itemId) {
        this.itemId = itemId;
    }

    public int getItemIndex() {
        return itemIndex;
    }

    public void setItemIndex(int itemIndex) {
        this.itemIndex = itemIndex;
    }

    public InteractionType getType() {
        return type;
    }

    public void setType(InteractionType type) {
        this.type = type;
    }

    public Double getValue() {
        return value;
    }

    public void setValue(Double value) {
        this.value = value;
    }

    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Interaction i
                && itemIndex == i.itemIndex
                && timestamp == i.timestamp
                && Objects.equals(eventId, i.eventId)
                && Objects.equals(userId, i.userId)
                && Objects.equals(itemId, i.itemId)
                && type == i.type
                && Objects.equals(value, i.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, itemId, itemIndex, type, value, timestamp);
    }

    @Override
    public String toString() {
        return "Interaction{eventId='"
                + eventId
                + "', userId='"
                + userId
                + "', itemId='"
                + itemId
                + "', itemIndex="
                + itemIndex
                + ", type="
                + type
                + ", value="
                + value
                + ", timestamp="
                + timestamp
                + '}';
    }
}
