package io.recstream.model;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model is served: history length and window, recency half-life, the cold-user threshold and
 * the list length. {@code train} evaluates with these and stores them in the card; the recommend
 * job uses the card's values unless told otherwise.
 *
 * @param maxHistory L, the most recent distinct items kept per user
 * @param historyWindow items older than this before the newest are forgotten
 * @param halfLife recency half-life of the weights
 * @param coldMinItems users with fewer known items in the window are cold (popular fallback)
 * @param k length of the recommendation list
 */
public record ServingParameters(
        int maxHistory, Duration historyWindow, Duration halfLife, int coldMinItems, int k) {

    public static final ServingParameters DEFAULTS =
            new ServingParameters(20, Duration.ofDays(30), Duration.ofDays(1), 2, 10);

    public ServingParameters {
        if (maxHistory < 1) {
            throw new IllegalArgumentException("max history must be >= 1, got " + maxHistory);
        }
        if (historyWindow.isNegative() || historyWindow.isZero()) {
            throw new IllegalArgumentException("history window must be > 0, got " + historyWindow);
        }
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("half-life must be > 0, got " + halfLife);
        }
        if (coldMinItems < 1) {
            throw new IllegalArgumentException("cold min items must be >= 1, got " + coldMinItems);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
    }

    /** As stored in the card's parameters. */
    public Map<String, String> toCardParameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("serving.max_history", Integer.toString(maxHistory));
        m.put("serving.history_window_ms", Long.toString(historyWindow.toMillis()));
        m.put("serving.half_life_ms", Long.toString(halfLife.toMillis()));
        m.put("serving.cold_min_items", Integer.toString(coldMinItems));
        m.put("serving.k", Integer.toString(k));
        return m;
    }

    /** Read back from a card; missing entries take the defaults. */
    public static ServingParameters fromCard(ModelCard card) {
        Map<String, String> p = card.parameters() == null ? Map.of() : card.parameters();
        return new ServingParameters(
                Integer.parseInt(
                        p.getOrDefault(
                                "serving.max_history", Integer.toString(DEFAULTS.maxHistory))),
                Duration.ofMillis(
                        Long.parseLong(
                                p.getOrDefault(
                                        "serving.history_window_ms",
                                        Long.toString(DEFAULTS.historyWindow.toMillis())))),
                Duration.ofMillis(
                        Long.parseLong(
                                p.getOrDefault(
                                        "serving.half_life_ms",
                                        Long.toString(DEFAULTS.halfLife.toMillis())))),
                Integer.parseInt(
                        p.getOrDefault(
                                "serving.cold_min_items", Integer.toString(DEFAULTS.coldMinItems))),
                Integer.parseInt(p.getOrDefault("serving.k", Integer.toString(DEFAULTS.k))));
    }
}
