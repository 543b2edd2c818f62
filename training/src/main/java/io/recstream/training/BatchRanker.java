package io.recstream.training;

import io.recstream.model.OnnxScorer;
import io.recstream.model.Ranking;
import io.recstream.model.RecentItems;
import java.util.ArrayList;
import java.util.List;

/**
 * Ranks many user histories offline with the same steps as serving: micro-batches through the ONNX
 * model with each user's consumed items masked, then {@link Ranking#select} (drop seen and consumed
 * items, keep k, fill from the fallback).
 */
final class BatchRanker {
    private final OnnxScorer scorer;
    private final OnnxScorer.BatchBuffers buffers;
    private final long halfLifeMillis;
    private final int k;

    BatchRanker(OnnxScorer scorer, int batchSize, int maxHistory, long halfLifeMillis, int k) {
        this.scorer = scorer;
        this.buffers = scorer.newBuffers(batchSize, maxHistory);
        this.halfLifeMillis = halfLifeMillis;
        this.k = k;
    }

    /**
     * Ranks each history as of its newest item's time, never returning an item of the matching
     * entry of {@code consumed} (sorted item indices).
     */
    List<Ranking.Ranked> rank(
            List<RecentItems> histories,
            List<int[]> consumed,
            int[] fallback,
            float[] fallbackScores) {
        List<Ranking.Ranked> out = new ArrayList<>(histories.size());
        int batch = buffers.maxBatch();
        for (int start = 0; start < histories.size(); start += batch) {
            int n = Math.min(batch, histories.size() - start);
            int width = 0;
            for (int r = 0; r < n && scorer.excludesBeforeTopK(); r++) {
                width = Math.max(width, consumed.get(start + r).length);
            }
            buffers.setExcludeWidth(width);
            for (int r = 0; r < n; r++) {
                RecentItems h = histories.get(start + r);
                int[] items = h.getItems();
                float[] weights = h.weights(h.newestTime(), halfLifeMillis);
                // newest items first, so a history longer than the model's row keeps the newest
                int len = items.length;
                int[] newestFirst = new int[len];
                float[] w = new float[len];
                for (int j = 0; j < len; j++) {
                    newestFirst[j] = items[len - 1 - j];
                    w[j] = weights[len - 1 - j];
                }
                buffers.setRow(r, newestFirst, w, len);
                if (width > 0) {
                    int[] c = consumed.get(start + r);
                    buffers.setExclude(r, c, c.length);
                }
            }
            OnnxScorer.Scores scores = scorer.score(buffers, n);
            for (int r = 0; r < n; r++) {
                RecentItems h = histories.get(start + r);
                out.add(
                        Ranking.select(
                                scores.indices(),
                                scores.scores(),
                                r * scores.k(),
                                scores.k(),
                                h.getItems(),
                                h.size(),
                                consumed.get(start + r),
                                fallback,
                                fallbackScores,
                                k));
            }
        }
        return out;
    }
}
