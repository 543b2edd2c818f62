package io.recstream.jobs.catalogue;

import java.io.Serializable;
import java.time.Duration;

/**
 * How items the model does not know are served before the next model: the catalogue topic to read
 * ({@code null}: none), the interactions after which an item's embedding is folded in from its
 * users, how many fresh items are kept and for how long without activity, and how many of the k
 * slots go to exploration.
 */
public record FreshSettings(
        String itemsTopic, int minInteractions, int maxItems, Duration ttl, int exploreSlots)
        implements Serializable {

    public static final int DEFAULT_MIN_INTERACTIONS = 3;
    public static final int DEFAULT_MAX_ITEMS = 1_000;
    public static final Duration DEFAULT_TTL = Duration.ofDays(30);

    /**
     * Fresh item indices start here, far above any vocabulary, so a new model never shifts them.
     */
    public static final int FRESH_BASE = 1 << 30;

    public static boolean isFresh(int index) {
        return index >= FRESH_BASE;
    }

    /** No catalogue: only the model's items are served (as before the catalogue existed). */
    public static FreshSettings none() {
        return new FreshSettings(null, DEFAULT_MIN_INTERACTIONS, DEFAULT_MAX_ITEMS, DEFAULT_TTL, 0);
    }

    public boolean enabled() {
        return itemsTopic != null;
    }
}
