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
        byte[] json =
                ("{\"emit_time\": 20, \"items\": [{\"event_time\": 99, \"item_id\": \"a\"}],"
                                + " \"meta\": {\"emit_time\": 98}, \"event_time\": 5}")
                        .getBytes(StandardCharsets.UTF_8);
        assertThat(RecommendationTimes.read(json)).containsExactly(5L, 20L);
    }

    @Test
    void aMissingTimeIsNamed() {
        byte[] json =
                "{\"event_time\": 5, \"emit_time\": \"late\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RecommendationTimes.read(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("emit_time");
    }

    @Test
    void namesAndBracesInsideStringsAreNotFields() {
        byte[] json =
                ("{\"user_id\": \"a\\\"event_time\\\": 1, {[\", \"event_time\" :\t-7,"
                                + " \"x\": \"emit_time\", \"emit_time\":42}")
                        .getBytes(StandardCharsets.UTF_8);
        assertThat(RecommendationTimes.read(json)).containsExactly(-7L, 42L);
    }

    @Test
    void aFractionOrANonObjectIsRejected() {
        assertThatThrownBy(
                        () ->
                                RecommendationTimes.read(
                                        "{\"event_time\": 5.5, \"emit_time\": 6}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("event_time");
        assertThatThrownBy(
                        () -> RecommendationTimes.read("[1, 2]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("JSON object");
    }
}
