package io.recstream.jobs.serde;

import com.fasterxml.jackson.databind.JsonNode;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import java.util.function.LongSupplier;

/** Parses and validates feedback records (kafka-topics/schemas/feedback.schema.json). */
public final class FeedbackParser extends RecordParser<Feedback> {

    public FeedbackParser(ValidationRules rules, LongSupplier clock) {
        super(rules, clock);
    }

    @Override
    protected Feedback read(JsonNode root) throws Rejection {
        return new Feedback(
                text(root, "user_id"),
                text(root, "item_id"),
                enumValue(root, "type", FeedbackType.class),
                optionalNumber(root, "value"),
                eventTime(root, "timestamp"),
                optionalText(root, "request_key"));
    }
}
