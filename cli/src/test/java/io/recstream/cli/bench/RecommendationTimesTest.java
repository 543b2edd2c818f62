package io.recstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.serde.JsonCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecommendationTimesTest {

    @Test
    void readsBothTimesOfWhatTheJobWrites() {
        Recommendation r =
                new Recommendation(
                        "req-7",
                        "user-3",
                        new String[] {"item-1", "item-2"},
                        new float[] {0.9f, 0.4f},
                        Strategy.MODEL,
                        "v12",
                        1_700_000_000_123L,
                        1_700_000_000_171L);
        assertThat(RecommendationTimes.read(JsonCodec.recommendation(r)))
                .containsExactly(1_700_000_000_123L, 1_700_000_000_171L);
    }

    @Test
    void fieldsInAnyOrderAndNestedNamesDoNotCount() {
        assertThat(
                        read(
                                "{\"emit_time\": 20, \"items\": [{\"event_time\": 99, \"item_id\":"
                                        + " \"a\"}], \"meta\": {\"emit_time\": 98}, \"event_time\": 5}"))
                .containsExactly(5L, 20L);
    }

    @Test
    void aMissingTimeIsNamed() {
        assertThatThrownBy(() -> read("{\"event_time\": 5, \"emit_time\": \"late\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("emit_time");
    }

    @Test
    void namesAndBracesInsideStringsAreNotFields() {
        assertThat(
                        read(
                                "{\"user_id\": \"a\\\"event_time\\\": 1, {[\", \"event_time\" :\t-7,"
                                        + " \"x\": \"emit_time\", \"emit_time\":42}"))
                .containsExactly(-7L, 42L);
    }

    @Test
    void aFractionOrANonObjectIsRejected() {
        assertThatThrownBy(() -> read("{\"event_time\": 5.5, \"emit_time\": 6}"))
                .hasMessageContaining("event_time");
        assertThatThrownBy(() -> read("[1, 2]")).hasMessageContaining("JSON object");
    }

    private static long[] read(String json) {
        return RecommendationTimes.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
