package io.recstream.jobs.serde;

import com.fasterxml.jackson.databind.JsonNode;
import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.DriftAlert;
import java.util.function.LongSupplier;

/** Parses and validates drift alerts (kafka-topics/schemas/drift-alert.schema.json). */
public final class DriftAlertParser extends RecordParser<DriftAlert> {

    public DriftAlertParser(ValidationRules rules, LongSupplier clock) {
        super(rules, clock);
    }

    @Override
    protected DriftAlert read(JsonNode root) throws Rejection {
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
        JsonNode summary = root.get("summary");
        if (summary == null || summary.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "'summary' is missing");
        }
        if (!summary.isTextual()) {
            throw new Rejection(DeadLetterReason.WRONG_TYPE, "'summary' must be a string");
        }
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
                summary.asText());
    }
}
