package io.recstream.jobs.serde;

import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.Recommendation;
import java.io.Serializable;
import java.util.function.LongSupplier;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A record type the jobs read from Kafka: its class, its validating parser, and where its event
 * time is.
 */
public final class RecordFormat<T> implements Serializable {

    public static final RecordFormat<Interaction> INTERACTION =
            new RecordFormat<>("interaction", Interaction.class, Interaction::getTimestamp);
    public static final RecordFormat<Feedback> FEEDBACK =
            new RecordFormat<>("feedback", Feedback.class, Feedback::getTimestamp);
    public static final RecordFormat<Recommendation> RECOMMENDATION =
            new RecordFormat<>(
                    "recommendation", Recommendation.class, Recommendation::getEventTime);

    public static final RecordFormat<CatalogueItem> ITEM =
            new RecordFormat<>("item", CatalogueItem.class, CatalogueItem::getCreatedAt);

    private final String name;
    private final Class<T> type;
    private final SerializableFunction<T, Long> eventTime;

    private RecordFormat(String name, Class<T> type, SerializableFunction<T, Long> eventTime) {
        this.name = name;
        this.type = type;
        this.eventTime = eventTime;
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    public long eventTime(T record) {
        return eventTime.apply(record);
    }

    /**
     * What a record with a key and no value (a tombstone on a compacted topic) stands for: the item
     * catalogue reads it as the keyed item withdrawn. Null for formats without tombstones.
     */
    @SuppressWarnings("unchecked")
    T tombstone(byte[] key, long timestamp) {
        if (this.type != CatalogueItem.class || key == null || key.length == 0) {
            return null;
        }
        return (T)
                CatalogueItem.withdrawn(
                        new String(key, java.nio.charset.StandardCharsets.UTF_8), timestamp);
    }

    @SuppressWarnings("unchecked")
    RecordParser<T> parser(ValidationRules rules, LongSupplier clock) {
        return (RecordParser<T>)
                switch (name) {
                    case "interaction" -> new InteractionParser(rules, clock);
                    case "feedback" -> new FeedbackParser(rules, clock);
                    case "item" -> new CatalogueItemParser(rules, clock);
                    default -> new RecommendationParser(rules, clock);
                };
    }
}
