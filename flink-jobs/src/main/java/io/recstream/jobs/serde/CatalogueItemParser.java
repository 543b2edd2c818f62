package io.recstream.jobs.serde;

import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.DeadLetterReason;
import java.util.List;
import java.util.function.LongSupplier;

/** Parses and validates item catalogue records (kafka-topics/schemas/item.schema.json). */
public final class CatalogueItemParser extends RecordParser<CatalogueItem> {

    public static final String ITEM_ID = "item_id";
    public static final String CATEGORIES = "categories";
    public static final String AVAILABLE = "available";
    public static final String CREATED_AT = "created_at";

    /** At most this many categories per item. */
    static final int MAX_CATEGORIES = 64;

    private static final JsonFields.Schema SCHEMA =
            JsonFields.Schema.of(ITEM_ID, CATEGORIES, AVAILABLE, CREATED_AT)
                    .with(CATEGORIES, JsonFields.Schema.of());

    public CatalogueItemParser(ValidationRules rules, LongSupplier clock) {
        super(rules, clock, SCHEMA);
    }

    @Override
    protected CatalogueItem read(JsonFields root) throws Rejection {
        String id = text(root, ITEM_ID);
        String[] categories = new String[0];
        Object c = root.get(CATEGORIES);
        if (c != null && c != JsonFields.NULL) {
            List<?> list = array(root, CATEGORIES);
            if (list.size() > MAX_CATEGORIES) {
                throw new Rejection(
                        DeadLetterReason.INVALID_VALUE,
                        "'"
                                + CATEGORIES
                                + "' has "
                                + list.size()
                                + " entries, limit "
                                + MAX_CATEGORIES);
            }
            categories = new String[list.size()];
            for (int i = 0; i < categories.length; i++) {
                categories[i] = elementText(list.get(i), CATEGORIES + "[" + i + "]");
            }
        }
        boolean available = true;
        Object a = root.get(AVAILABLE);
        if (a != null && a != JsonFields.NULL) {
            if (!(a instanceof Boolean b)) {
                throw new Rejection(
                        DeadLetterReason.WRONG_TYPE,
                        "'" + AVAILABLE + "' must be a boolean, got " + JsonFields.typeName(a));
            }
            available = b;
        }
        return new CatalogueItem(id, categories, available, eventTime(root, CREATED_AT));
    }
}
