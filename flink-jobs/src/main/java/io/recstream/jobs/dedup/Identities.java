package io.recstream.jobs.dedup;

import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.Recommendation;

/**
 * What "the same record" means for the monitor's record kinds (an interaction is identified by its
 * {@code event_id}, in the user history: {@link io.recstream.jobs.state.UserHistoryFunction}).
 */
public final class Identities {
    private Identities() {}

    /** A recommendation is identified by its {@code request_key}: one answer per request. */
    public static final class OfRecommendation implements Deduplicate.Identity<Recommendation> {
        @Override
        public long idHash(Recommendation r) {
            return SeenIds.hash(r.getRequestKey());
        }

        @Override
        public long eventTime(Recommendation r) {
            return r.getEventTime();
        }
    }

    /**
     * Feedback has no id of its own: it is identified by all of its fields (user, item, type,
     * value, time, request key), so the same click sent twice is one click.
     */
    public static final class OfFeedback implements Deduplicate.Identity<Feedback> {
        @Override
        public long idHash(Feedback f) {
            StringBuilder key =
                    new StringBuilder(64)
                            .append(f.getUserId())
                            .append('\u0000')
                            .append(f.getItemId())
                            .append('\u0000')
                            .append(f.getType())
                            .append('\u0000')
                            .append(f.getValue())
                            .append('\u0000')
                            .append(f.getTimestamp())
                            .append('\u0000')
                            .append(f.getRequestKey());
            return SeenIds.hash(key);
        }

        @Override
        public long eventTime(Feedback f) {
            return f.getTimestamp();
        }
    }
}
