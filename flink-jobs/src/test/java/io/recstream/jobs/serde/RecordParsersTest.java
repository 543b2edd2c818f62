package io.recstream.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.RawRecord;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SlotKind;
import io.recstream.jobs.events.Strategy;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Every record type: what the writer produces the parser accepts unchanged; bad fields are named.
 */
class RecordParsersTest {

    private static final long NOW = 1_763_800_000_000L;

    private static RawRecord raw(byte[] value) {
        return new RawRecord("t", 0, 1, NOW, value);
    }

    private static RawRecord raw(String value) {
        return raw(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void interactionRoundTripsWithCharactersThatNeedEscaping() {
        Interaction i =
                new Interaction("e\"1", "user \\ 1", "item\n1", InteractionType.RATING, 4.5, NOW);
        var r =
                new InteractionParser(ValidationRules.DEFAULTS, () -> NOW)
                        .parse(raw(JsonCodec.interaction(i)));
        assertThat(r.value()).isEqualTo(i);
    }

    @Test
    void feedbackRoundTripsAndIsValidated() {
        FeedbackParser parser = new FeedbackParser(ValidationRules.DEFAULTS, () -> NOW);
        Feedback withKey = new Feedback("u", "i", FeedbackType.PURCHASE, 19.99, NOW - 5, "e-17");
        Feedback withoutKey = new Feedback("u", "i", FeedbackType.CLICK, null, NOW - 5, null);
        assertThat(parser.parse(raw(JsonCodec.feedback(withKey))).value()).isEqualTo(withKey);
        assertThat(parser.parse(raw(JsonCodec.feedback(withoutKey))).value()).isEqualTo(withoutKey);

        var view =
                parser.parse(
                        raw(
                                "{\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"VIEW\",\"timestamp\":"
                                        + NOW
                                        + "}"));
        assertThat(view.deadLetter().getReason())
                .as("a view is not ground truth")
                .isEqualTo(DeadLetterReason.UNKNOWN_ENUM);
        var key =
                parser.parse(
                        raw(
                                "{\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"CLICK\",\"timestamp\":"
                                        + NOW
                                        + ",\"request_key\":5}"));
        assertThat(key.deadLetter().getReason()).isEqualTo(DeadLetterReason.WRONG_TYPE);
        assertThat(key.deadLetter().getDetail()).contains("'request_key'");
        var late =
                parser.parse(
                        raw(
                                "{\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"CLICK\",\"timestamp\":-3}"));
        assertThat(late.deadLetter().getReason())
                .isEqualTo(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
    }

    @Test
    void recommendationRoundTripsAndIsValidated() {
        RecommendationParser parser = new RecommendationParser(ValidationRules.DEFAULTS, () -> NOW);
        Recommendation rec =
                new Recommendation(
                                "e-1",
                                "u",
                                new String[] {"a", "b"},
                                new float[] {0.5f, 0.25f},
                                Strategy.MODEL,
                                "v1",
                                NOW - 100,
                                NOW)
                        .withSlots(new SlotKind[] {SlotKind.MODEL, SlotKind.EXPLORE});
        assertThat(parser.parse(raw(JsonCodec.recommendation(rec))).value()).isEqualTo(rec);
        assertThat(JsonCodec.readRecommendation(JsonCodec.recommendation(rec))).isEqualTo(rec);
        // written before slot kinds: read with the strategy's kind
        var legacy =
                parser.parse(
                                raw(
                                        "{\"request_key\":\"k\",\"user_id\":\"u\",\"items\":[{\"item_id\":\"a\",\"score\":1}],"
                                                + "\"strategy\":\"POPULAR\",\"model_version\":\"v\",\"event_time\":1,\"emit_time\":2}"))
                        .value();
        assertThat(legacy.slotKind(0)).isEqualTo(SlotKind.POPULAR);
        assertThat(
                        new String(
                                JsonCodec.recommendation(rec),
                                java.nio.charset.StandardCharsets.UTF_8))
                .as("only the slot that is not the strategy's own kind is written")
                .containsOnlyOnce("\"slot\"")
                .contains("\"slot\":\"EXPLORE\"");
        var badSlot =
                parser.parse(
                        raw(
                                "{\"request_key\":\"k\",\"user_id\":\"u\",\"items\":[{\"item_id\":\"a\",\"score\":1,\"slot\":\"RANDOM\"}],"
                                        + "\"strategy\":\"MODEL\",\"model_version\":\"v\",\"event_time\":1,\"emit_time\":2}"));
        assertThat(badSlot.deadLetter().getReason()).isEqualTo(DeadLetterReason.UNKNOWN_ENUM);

        var badItem =
                parser.parse(
                        raw(
                                "{\"request_key\":\"k\",\"user_id\":\"u\",\"items\":[{\"item_id\":\"a\",\"score\":\"high\"}],"
                                        + "\"strategy\":\"MODEL\",\"model_version\":\"v\",\"event_time\":1,\"emit_time\":2}"));
        assertThat(badItem.deadLetter().getReason()).isEqualTo(DeadLetterReason.WRONG_TYPE);
        assertThat(badItem.deadLetter().getDetail()).contains("'score'");
        var badStrategy =
                parser.parse(
                        raw(
                                "{\"request_key\":\"k\",\"user_id\":\"u\",\"items\":[],"
                                        + "\"strategy\":\"GUESS\",\"model_version\":\"v\",\"event_time\":1,\"emit_time\":2}"));
        assertThat(badStrategy.deadLetter().getReason()).isEqualTo(DeadLetterReason.UNKNOWN_ENUM);
        var notArray =
                parser.parse(
                        raw(
                                "{\"request_key\":\"k\",\"user_id\":\"u\",\"items\":{},"
                                        + "\"strategy\":\"MODEL\",\"model_version\":\"v\",\"event_time\":1,\"emit_time\":2}"));
        assertThat(notArray.deadLetter().getDetail()).contains("'items' must be an array");

        // finite as JSON, infinite as a float: written back it would be the string "Infinity"
        var beyondFloat =
                parser.parse(
                        raw(
                                "{\"request_key\":\"k\",\"user_id\":\"u\",\"items\":[{\"item_id\":\"a\",\"score\":0.9},"
                                        + "{\"item_id\":\"b\",\"score\":-4e38}],"
                                        + "\"strategy\":\"MODEL\",\"model_version\":\"v\",\"event_time\":1,\"emit_time\":2}"));
        assertThat(beyondFloat.deadLetter().getReason()).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(beyondFloat.deadLetter().getDetail())
                .isEqualTo("'score' is -4.0E38, beyond the range of a float");
        var largestFloat =
                parser.parse(
                        raw(
                                "{\"request_key\":\"k\",\"user_id\":\"u\",\"items\":[{\"item_id\":\"a\",\"score\":3.4e38}],"
                                        + "\"strategy\":\"MODEL\",\"model_version\":\"v\",\"event_time\":1,\"emit_time\":2}"));
        assertThat(largestFloat.value().getScores()).containsExactly(3.4e38f);
    }

    @Test
    void driftAlertRoundTripsAndIsValidated() {
        DriftAlertParser parser = new DriftAlertParser(ValidationRules.DEFAULTS, () -> NOW);
        DriftAlert alert =
                new DriftAlert(
                        "a-1",
                        "recommended_category_kl",
                        AlertState.FIRING,
                        0.42,
                        0.2,
                        0.1,
                        NOW - 3_600_000,
                        NOW,
                        "v1",
                        2,
                        "KL divergence of recommended categories is 0.42, above 0.2 for 2 windows: check the model's inputs.");
        assertThat(parser.parse(raw(JsonCodec.driftAlert(alert))).value()).isEqualTo(alert);
        String backwards =
                new String(JsonCodec.driftAlert(alert), StandardCharsets.UTF_8)
                        .replace(
                                "\"window_start\":" + (NOW - 3_600_000),
                                "\"window_start\":" + (NOW + 1));
        assertThat(parser.parse(raw(backwards)).deadLetter().getDetail()).contains("'window_end'");
        String noSummary =
                new String(JsonCodec.driftAlert(alert), StandardCharsets.UTF_8)
                        .replaceAll(",\"summary\":\"[^\"]*\"", "");
        assertThat(parser.parse(raw(noSummary)).deadLetter().getReason())
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
    }

    @Test
    void catalogueItemsAreValidatedAndATombstoneWithdrawsTheKeyedItem() {
        CatalogueItemParser parser = new CatalogueItemParser(ValidationRules.DEFAULTS, () -> NOW);
        var item =
                new io.recstream.jobs.events.CatalogueItem(
                        "m-1", new String[] {"Drama", "War"}, true, NOW - 5);
        assertThat(parser.parse(raw(JsonCodec.item(item))).value()).isEqualTo(item);
        var minimal = parser.parse(raw("{\"item_id\":\"m-2\",\"created_at\":5}")).value();
        assertThat(minimal.isAvailable()).isTrue();
        assertThat(minimal.getCategories()).isEmpty();
        var notBool =
                parser.parse(raw("{\"item_id\":\"m\",\"created_at\":5,\"available\":\"no\"}"));
        assertThat(notBool.deadLetter().getReason()).isEqualTo(DeadLetterReason.WRONG_TYPE);
        assertThat(notBool.deadLetter().getDetail()).contains("'available'");
        var badCategory =
                parser.parse(raw("{\"item_id\":\"m\",\"created_at\":5,\"categories\":[\"a\",7]}"));
        assertThat(badCategory.deadLetter().getReason()).isEqualTo(DeadLetterReason.WRONG_TYPE);
        var noTime = parser.parse(raw("{\"item_id\":\"m\"}"));
        assertThat(noTime.deadLetter().getDetail()).contains("'created_at'");

        var deserializer =
                new ValidatingDeserializer<>(RecordFormat.ITEM, ValidationRules.DEFAULTS);
        java.util.List<
                        org.apache.flink.types.Either<
                                io.recstream.jobs.events.DeadLetter,
                                io.recstream.jobs.events.CatalogueItem>>
                out = new java.util.ArrayList<>();
        org.apache.flink.util.Collector<
                        org.apache.flink.types.Either<
                                io.recstream.jobs.events.DeadLetter,
                                io.recstream.jobs.events.CatalogueItem>>
                c =
                        new org.apache.flink.util.Collector<>() {
                            @Override
                            public void collect(
                                    org.apache.flink.types.Either<
                                                    io.recstream.jobs.events.DeadLetter,
                                                    io.recstream.jobs.events.CatalogueItem>
                                            r) {
                                out.add(r);
                            }

                            @Override
                            public void close() {}
                        };
        deserializer.deserialize(
                new org.apache.kafka.clients.consumer.ConsumerRecord<>(
                        "items",
                        0,
                        7L,
                        "m-3".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        null),
                c);
        deserializer.deserialize(
                new org.apache.kafka.clients.consumer.ConsumerRecord<>("items", 0, 8L, null, null),
                c);
        assertThat(out.get(0).right().getItemId()).isEqualTo("m-3");
        assertThat(out.get(0).right().isAvailable()).isFalse();
        assertThat(out.get(1).isLeft()).as("no key, no value: nothing to withdraw").isTrue();
        assertThat(out.get(1).left().getSourceOffset()).isEqualTo(8L);
    }
}
