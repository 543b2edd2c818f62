package io.recstream.jobs.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * How long and how many of a user's consumed items are remembered, never to be served to that user
 * again ({@code --seen.retention}, by default 365 days or the model card's history window if that
 * is longer; {@code --seen.max-items}). A user whose whole state expires ({@code --state.ttl})
 * forgets them earlier.
 */
public record SeenSettings(Duration retention, int maxItems) implements Serializable {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(365);
    public static final int DEFAULT_MAX_ITEMS = 5_000;

    static List<Options.Spec> options() {
        return List.of(
                new Options.Spec(
                        "seen.retention",
                        null,
                        "an item a user consumed is not served to them again for this long"
                                + " (event time; default: 365d, or the history window if longer)"),
                new Options.Spec(
                        "seen.max-items",
                        Integer.toString(DEFAULT_MAX_ITEMS),
                        "the most consumed items remembered per user (about 2 bytes each); the"
                                + " oldest are forgotten first"));
    }

    static SeenSettings from(Options o, Duration historyWindow) {
        Duration retention =
                o.isSet("seen.retention")
                        ? o.duration("seen.retention")
                        : historyWindow.compareTo(DEFAULT_RETENTION) > 0
                                ? historyWindow
                                : DEFAULT_RETENTION;
        return new SeenSettings(retention, o.intValue("seen.max-items", 1, 1_000_000));
    }
}
