package io.recstream.jobs.serde;

import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import java.util.function.LongSupplier;

/** Parses and validates interaction records (kafka-topics/schemas/interaction.schema.json). */
public final class InteractionParser extends RecordParser<Interaction> {

    public static final String EVENT_ID = "event_id";
    public static final String USER_ID = "user_id";
    public static final String ITEM_ID = "item_id";
    public static final String TYPE = "type";
    public static final String VALUE = "value";
    public static final String TIMESTAMP = "timestamp";

    private static final JsonFields.Schema SCHEMA =
            JsonFields.Schema.of(EVENT_ID, USER_ID, ITEM_ID, TYPE, VALUE, TIMESTAMP);

    public InteractionParser(ValidationRules rules, LongSupplier clock) {
        super(rules, clock, SCHEMA);
    }

    @Override
    protected Interaction read(JsonFields root) throws Rejection {
        return new Interaction(
                text(root, EVENT_ID),
                text(root, USER_ID),
                text(root, ITEM_ID),
                enumValue(root, TYPE, InteractionType.class),
                optionalNumber(root, VALUE),
                eventTime(root, TIMESTAMP));
    }
}
