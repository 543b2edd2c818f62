package io.recstream.jobs.serde;

import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import java.util.function.LongSupplier;

/** Parses and validates feedback records (kafka-topics/schemas/feedback.schema.json). */
public final class FeedbackParser extends RecordParser<Feedback> {

    private static final JsonFields.Schema SCHEMA =
            JsonFields.Schema.of("user_id", "item_id", "type", "value", "timestamp", "request_key");

    public FeedbackParser(ValidationRules rules, LongSupplier clock) {
        super(rules, clock, SCHEMA);
    }

    @Override
    protected Feedback read(JsonFields root) throws Rejection {
        return new Feedback(
                text(root, "user_id"),
                text(root, "item_id"),
                enumValue(root, "type", FeedbackType.class),
                optionalNumber(root, "value"),
                eventTime(root, "timestamp"),
                optionalText(root, "request_key"));
    }
}
