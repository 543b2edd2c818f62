package io.recstream.jobs.events;

/** What kind of ground truth came back. */
public enum FeedbackType {
    CLICK,
    ADD_TO_CART,
    PURCHASE,
    RATING
}
