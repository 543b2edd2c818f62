package io.recstream.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What the model's traffic looked like at training time; the monitor compares live traffic with it.
 *
 * @param recommendedCategories share of each category among recommended items
 * @param inputCategories share of each category among interacted items
 * @param scoreHistogram histogram of the top-1 model score
 * @param coldUserRate share of requests that went to the popular-items fallback
 * @param popularItems most popular items at the end of the training period, best first (the serving
 *     side's fallback until its own popularity counts arrive)
 * @param offlineMetrics hold-out metrics printed by {@code train}
 * @param events number of simulated requests the profile was computed from
 */
public record ReferenceProfile(
        @JsonProperty("recommended_categories") Map<String, Double> recommendedCategories,
        @JsonProperty("input_categories") Map<String, Double> inputCategories,
        @JsonProperty("score_histogram") Histogram scoreHistogram,
        @JsonProperty("cold_user_rate") double coldUserRate,
        @JsonProperty("popular_items") List<PopularItem> popularItems,
        @JsonProperty("offline_metrics") Map<String, Double> offlineMetrics,
        @JsonProperty("events") long events) {

    /**
     * A histogram with explicit bin edges: {@code probabilities[i]} is the share of values in
     * {@code [edges[i], edges[i+1])}; values below the first edge count in the first bin, values at
     * or above the last edge in the last bin.
     */
    public record Histogram(
            @JsonProperty("edges") double[] edges,
            @JsonProperty("probabilities") double[] probabilities) {}

    /** An item and its count in the popularity window. */
    public record PopularItem(
            @JsonProperty("item_id") String itemId, @JsonProperty("count") long count) {}
}
