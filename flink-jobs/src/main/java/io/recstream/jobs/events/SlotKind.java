package io.recstream.jobs.events;

/** Where the item in one slot of a recommendation came from. */
public enum SlotKind {
    /** The model's ranking of its own items. */
    MODEL,
    /** An item the model was not trained on, scored with its category centroid or fold-in. */
    FRESH,
    /** The popular-items fallback (a cold user, a missed deadline, or too few model items). */
    POPULAR,
    /** The exploration slot: a fresh item shown so that new items get seen. */
    EXPLORE;

    private static final SlotKind[] VALUES = values();

    public static SlotKind of(byte code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : MODEL;
    }

    public byte code() {
        return (byte) ordinal();
    }
}
