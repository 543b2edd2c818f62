package io.recstream.jobs.serde;

import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.DriftAlert;
import java.util.function.LongSupplier;

/** Parses and validates drift alerts (kafka-topics/schemas/drift-alert.schema.json). */
public final class DriftAlertParser extends RecordParser<DriftAlert> {

    private static final JsonFields.Schema SCHEMA =
            JsonFields.Schema.of(
                    "alert_id",
                    "signal",
                    "state",
                    "value",
                    "enter_threshold",
                    "exit_threshold",
                    "window_start",
                    "window_end",
                    "model_version",
                    "consecutive_windows",
                    "summary");

    public DriftAlertParser(ValidationRules rules, LongSupplier clock) {
        super(rules, clock, SCHEMA);
    }

    @Override
    protected DriftAlert read(JsonFields root) throws Rejection {
        long windowStart = integer(root, "window_start");
        long windowEnd = integer(root, "window_end");
        if (windowEnd <= windowStart) {
            throw new Rejection(
                    DeadLetterReason.INVALID_VALUE, "'window_end' is not after 'window_start'");
        }
        long consecutive = integer(root, "consecutive_windows");
        if (consecutive < 1 || consecutive > Integer.MAX_VALUE) {
            throw new Rejection(
                    DeadLetterReason.INVALID_VALUE, "'consecutive_windows' must be >= 1");
        }
        String summary = anyText(root, "summary");
        return new DriftAlert(
                text(root, "alert_id"),
                text(root, "signal"),
                enumValue(root, "state", AlertState.class),
                number(root, "value"),
                number(root, "enter_threshold"),
                number(root, "exit_threshold"),
                windowStart,
                windowEnd,
                text(root, "model_version"),
                (int) consecutive,
                summary);
    }
}
