package io.recstream.jobs.events;

/** What a user did with an item. */
public enum InteractionType {
    VIEW,
    CLICK,
    ADD_TO_CART,
    PURCHASE,
    RATING
}
