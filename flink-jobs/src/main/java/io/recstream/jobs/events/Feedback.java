package io.recstream.jobs.events;

import java.util.Objects;

/**
 * Delayed ground truth for a user and item (a Flink POJO); {@code requestKey} names the
 * recommendation it answers, when the client knows it.
 */
public class Feedback {
    private String userId;
    private String itemId;
    private FeedbackType type;
    private Double value;
    private long timestamp;
    private String requestKey;

    public Feedback() {}

    public Feedback(
            String userId,
            String itemId,
            FeedbackType type,
            Double value,
            long timestamp,
            String requestKey) {
        this.userId = userId;
        this.itemId = itemId;
        this.type = type;
        this.value = value;
        this.timestamp = timestamp;
        this.requestKey = requestKey;
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

    public FeedbackType getType() {
        return type;
    }

    public void setType(FeedbackType type) {
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

    public String getRequestKey() {
        return requestKey;
    }

    public void setRequestKey(String requestKey) {
        this.requestKey = requestKey;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Feedback o
                && Objects.equals(userId, o.userId)
                && Objects.equals(itemId, o.itemId)
                && Objects.equals(type, o.type)
                && Objects.equals(value, o.value)
                && Objects.equals(timestamp, o.timestamp)
                && Objects.equals(requestKey, o.requestKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, itemId, type, value, timestamp, requestKey);
    }

    @Override
    public String toString() {
        return "Feedback{"
                + "userId="
                + userId
                + ", "
                + "itemId="
                + itemId
                + ", "
                + "type="
                + type
                + ", "
                + "value="
                + value
                + ", "
                + "timestamp="
                + timestamp
                + ", "
                + "requestKey="
                + requestKey
                + "}";
    }
}
