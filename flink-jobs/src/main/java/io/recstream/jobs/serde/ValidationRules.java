package io.recstream.jobs.serde;

import java.io.Serializable;
import java.time.Duration;

/**
 * Limits applied to every input record.
 *
 * @param maxRecordBytes records larger than this are rejected as OVERSIZED
 * @param maxFieldLength string fields longer than this are rejected as FIELD_TOO_LONG
 * @param minEventTime event times before this (epoch ms) are rejected
 * @param maxFutureSkew event times further than this ahead of the wall clock are rejected
 * @param deadLetterPrefixBytes how many bytes of a rejected record the dead letter keeps
 */
public record ValidationRules(
        int maxRecordBytes,
        int maxFieldLength,
        long minEventTime,
        Duration maxFutureSkew,
        int deadLetterPrefixBytes)
        implements Serializable {

    public static final ValidationRules DEFAULTS =
            new ValidationRules(64 * 1024, 256, 0L, Duration.ofDays(1), 4096);
}
