package io.recstream.jobs.serde;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SlotKind;
import io.recstream.jobs.events.Strategy;
import java.util.function.LongSupplier;

/**
 * Parses and validates recommendation records (kafka-topics/schemas/recommendation.schema.json), as
 * a consumer of the recommendations topic such as the monitor reads them.
 */
public final class RecommendationParser extends RecordParser<Recommendation> {

    private static final JsonFields.Schema SCHEMA =
            JsonFields.Schema.of(
                            "request_key",
                            "user_id",
                            "items",
                            "strategy",
                            "model_version",
                            "event_time",
                            "emit_time")
                    .with("items", JsonFields.Schema.of("item_id", "score", "slot"));

    public RecommendationParser(ValidationRules rules, LongSupplier clock) {
        super(rules, clock, SCHEMA);
    }

    @Override
    protected Recommendation read(JsonFields root) throws Rejection {
        String requestKey = text(root, "request_key");
        String userId = text(root, "user_id");
        java.util.List<?> items = array(root, "items");
        String[] ids = new String[items.size()];
        float[] scores = new float[items.size()];
        String[] slots = new String[items.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonFields item = object(items.get(i), "items[" + i + "]");
            ids[i] = text(item, "item_id");
            scores[i] = floatNumber(item, "score");
            Object slot = item.get("slot");
            slots[i] =
                    slot == null || slot == JsonFields.NULL
                            ? null
                            : enumValue(item, "slot", SlotKind.class).name();
        }
        Recommendation r =
                new Recommendation(
                        requestKey,
                        userId,
                        ids,
                        scores,
                        enumValue(root, "strategy", Strategy.class),
                        text(root, "model_version"),
                        eventTime(root, "event_time"),
                        integer(root, "emit_time"));
        return JsonCodec.withSlots(r, slots);
    }
}
