package io.recstream.jobs.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * How long and how many record ids each user's state remembers, to drop records sent twice ({@code
 * --dedup.window}, {@code --dedup.max-ids}). Both jobs have them; the window defaults to the model
 * card's history window, so an event is recognised for as long as it can still be in a user's
 * history. {@code --dedup.enabled false} turns deduplication off.
 */
public record DedupSettings(boolean enabled, Duration window, int maxIds) implements Serializable {

    public static final int DEFAULT_MAX_IDS = 64;

    static List<Options.Spec> options() {
        return List.of(
                new Options.Spec(
                        "dedup.enabled",
                        "true",
                        "drop valid records whose id the user already had (false: keep every"
                                + " copy)"),
                new Options.Spec(
                        "dedup.window",
                        null,
                        "a record whose id the user had within this much event time is dropped"
                                + " as a duplicate (default: the model card's history window)"),
                new Options.Spec(
                        "dedup.max-ids",
                        Integer.toString(DEFAULT_MAX_IDS),
                        "the most ids remembered per user (8 bytes each)"));
    }

    static DedupSettings from(Options o, Duration historyWindow) {
        Duration window = o.isSet("dedup.window") ? o.duration("dedup.window") : historyWindow;
        return new DedupSettings(
                o.bool("dedup.enabled"), window, o.intValue("dedup.max-ids", 1, 100_000));
    }
}
