package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recstream.training.TrainingEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayQualityTest {

    private static TrainingEvent e(String key, String user, String item, long time) {
        return new TrainingEvent(key, user, item, time, Double.NaN);
    }

    @Test
    void judgesEachListAgainstTheUsersNextItemAndTheBaselineOnTheSameRequests() {
        ReplayQuality q = new ReplayQuality(2);
        // history: a is most popular (3), then b (2), then c (1); u had a
        q.history(e("h1", "u", "a", 1));
        q.history(e("h2", "v", "a", 2));
        q.history(e("h3", "w", "a", 3));
        q.history(e("h4", "v", "b", 4));
        q.history(e("h5", "w", "b", 5));
        q.history(e("h6", "w", "c", 6));
        List<TrainingEvent> replay =
                List.of(
                        e("r1", "u", "d", 10), // next for u: c
                        e("r2", "v", "c", 11), // next for v: d
                        e("r3", "u", "c", 12), // next for u: b
                        e("r4", "v", "d", 13), // no next: not judged
                        e("r5", "u", "b", 14)); // no next
        Map<String, ReplayQuality.Served> served =
                Map.of(
                        "r1", served("c", "b"), // hit at rank 0
                        "r2", served("a", "b"), // v had a and b: two consumed slots, miss
                        "r3", served("e", "b"), // hit at rank 1
                        "r4", served("e", "f"),
                        "r5", served("c", "a")); // u had c and a: two consumed slots
        q.replay(replay, served);
        Map<String, Object> s = q.summary();
        assertThat(s.get("requests_judged")).isEqualTo(3L);
        assertThat((double) s.get("hit_rate_at_k")).isCloseTo(2 / 3.0, within(1e-9));
        assertThat((double) s.get("ndcg_at_k"))
                .isCloseTo((1 + 1 / (Math.log(3) / Math.log(2))) / 3, within(1e-9));
        // baseline: r1 (u had a, d) → [b, c]: c at rank 1 hits; r2 (v had a, b, c) → [d, ...]:
        // d at rank 0 hits; r3 (u had a, d, c) → [b, ...]: b at rank 0 hits
        assertThat((double) s.get("baseline_hit_rate_at_k")).isCloseTo(1.0, within(1e-9));
        assertThat(s.get("served_slots")).isEqualTo(10L);
        assertThat(s.get("served_slots_already_consumed")).isEqualTo(4L);
        assertThat(s.get("lists_with_an_already_consumed_item")).isEqualTo(2L);
    }

    @Test
    void theBaselineCountsOnlyWhatHappenedBeforeTheRequest() {
        ReplayQuality q = new ReplayQuality(1);
        q.history(e("h1", "x", "a", 1));
        List<TrainingEvent> replay =
                List.of(
                        e("r1", "u", "z", 10),
                        e("r2", "v", "b", 11),
                        e("r3", "w", "b", 12),
                        e("r4", "u", "b", 13));
        q.replay(replay, Map.of());
        // for r1 the baseline is [a] (b has no count yet): u's next item b is a miss
        assertThat((double) q.summary().get("baseline_hit_rate_at_k")).isZero();
        assertThat(q.summary().get("requests_without_a_list")).isEqualTo(4L);
    }

    private static ReplayQuality.Served served(String... items) {
        return ReplayQuality.Served.of(List.of(items));
    }

    @Test
    void freshItemsAreCountedInSlotsHitsAndNextItems() {
        // the model knows a, b, c; d and e are fresh
        ReplayQuality q = new ReplayQuality(2, item -> "abc".contains(item));
        List<TrainingEvent> replay =
                List.of(
                        e("r1", "u", "a", 10), // next for u: d (fresh)
                        e("r2", "u", "d", 11), // next for u: b
                        e("r3", "u", "b", 12));
        q.replay(
                replay,
                Map.of(
                        "r1",
                                new ReplayQuality.Served(
                                        List.of("d", "b"), List.of("FRESH", "MODEL")),
                        "r2",
                                new ReplayQuality.Served(
                                        List.of("c", "e"), List.of("MODEL", "EXPLORE")),
                        "r3",
                                new ReplayQuality.Served(
                                        List.of("c", "e"), List.of("MODEL", "EXPLORE"))));
        Map<String, Object> s = q.summary();
        assertThat((double) s.get("share_of_slots_fresh")).isCloseTo(3 / 6.0, within(1e-9));
        assertThat((double) s.get("hit_rate_at_k")).isCloseTo(1 / 2.0, within(1e-9));
        assertThat((double) s.get("share_of_hits_fresh")).isCloseTo(1.0, within(1e-9));
        assertThat((double) s.get("share_of_next_items_fresh")).isCloseTo(1 / 2.0, within(1e-9));
        assertThat(s.get("slots_by_kind"))
                .isEqualTo(Map.of("FRESH", 1L, "MODEL", 3L, "EXPLORE", 2L));
        assertThat(s.get("hits_by_kind")).isEqualTo(Map.of("FRESH", 1L));
    }
}
