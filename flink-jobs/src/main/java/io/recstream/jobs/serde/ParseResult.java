package io.recstream.jobs.serde;

import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.Interaction;

/** Either a valid interaction or a dead letter. */
public record ParseResult(Interaction interaction, DeadLetter deadLetter) {
    public boolean isValid() {
        return interaction != null;
    }
}
