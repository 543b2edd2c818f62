package io.recstream.model;

/**
 * Recency weights for a user's recent items: an item seen {@code age} ago weighs {@code 0.5^(age /
 * halfLife)}, so the newest item weighs 1 and an item one half-life old weighs 0.5.
 */
public final class RecencyWeights {
    private RecencyWeights() {}

    /**
     * @param ageMillis how long before the request the item was seen (negative ages count as 0)
     * @param halfLifeMillis half-life, > 0
     */
    public static float weight(long ageMillis, long halfLifeMillis) {
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("halfLifeMillis must be > 0, got " + halfLifeMillis);
        }
        double age = Math.max(0L, ageMillis);
        return (float) Math.pow(0.5, age / halfLifeMillis);
    }
}
