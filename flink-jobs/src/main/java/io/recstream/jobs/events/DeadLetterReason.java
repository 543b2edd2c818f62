package io.recstream.jobs.events;

/** Why an input record was rejected. */
public enum DeadLetterReason {
    /** Not parseable as JSON (includes NaN/Infinity literals, which JSON does not allow). */
    MALFORMED_JSON,
    /** Valid JSON, but not an object (or an empty record). */
    NOT_AN_OBJECT,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type. */
    WRONG_TYPE,
    /** A field has a value outside its domain (empty id, non-finite number). */
    INVALID_VALUE,
    /** A string field is longer than the configured maximum. */
    FIELD_TOO_LONG,
    /** The event time is negative, before the configured minimum, or too far in the future. */
    TIMESTAMP_OUT_OF_RANGE,
    /** An enum field has a value that is not one of its constants. */
    UNKNOWN_ENUM,
    /** The record is larger than the configured maximum. */
    OVERSIZED
}
