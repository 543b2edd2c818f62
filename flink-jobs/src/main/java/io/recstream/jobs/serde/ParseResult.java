package io.recstream.jobs.serde;

import io.recstream.jobs.events.DeadLetter;

/** Either a valid record or a dead letter saying why it is not. */
public record ParseResult<T>(T value, DeadLetter deadLetter) {
    public boolean isValid() {
        return value != null;
    }
}
