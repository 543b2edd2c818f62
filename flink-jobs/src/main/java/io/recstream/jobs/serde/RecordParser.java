package io.recstream.jobs.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.RawRecord;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Parses and validates one kind of JSON record. Never throws on input: anything wrong becomes a
 * {@link DeadLetter} with a {@link DeadLetterReason}, a detail naming the field, the source
 * coordinates and a bounded prefix of the bytes. Subclasses read their fields with the helpers
 * here, so every record type is checked by the same rules.
 */
public abstract class RecordParser<T> {

    private final ValidationRules rules;
    private final LongSupplier clock;
    private final ObjectMapper mapper;

    protected RecordParser(ValidationRules rules, LongSupplier clock) {
        this.rules = rules;
        this.clock = clock;
        JsonFactory factory =
                JsonFactory.builder()
                        .streamReadConstraints(
                                StreamReadConstraints.builder()
                                        .maxNestingDepth(32)
                                        .maxNumberLength(64)
                                        .maxStringLength(rules.maxRecordBytes())
                                        .build())
                        .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                        .build();
        this.mapper = new ObjectMapper(factory);
    }

    /** Reads the record's fields from a JSON object; throws {@link Rejection} when one is bad. */
    protected abstract T read(JsonNode root) throws Rejection;

    public final ParseResult<T> parse(RawRecord record) {
        byte[] value = record.getValue();
        if (value == null || value.length == 0) {
            return reject(record, DeadLetterReason.NOT_AN_OBJECT, "empty record value");
        }
        if (value.length > rules.maxRecordBytes()) {
            return reject(
                    record,
                    DeadLetterReason.OVERSIZED,
                    "record is " + value.length + " bytes, limit " + rules.maxRecordBytes());
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            return reject(
                    record, DeadLetterReason.MALFORMED_JSON, firstLine(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            return reject(record, DeadLetterReason.MALFORMED_JSON, firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return reject(
                    record,
                    DeadLetterReason.NOT_AN_OBJECT,
                    "expected a JSON object, got "
                            + (root == null ? "nothing" : root.getNodeType()));
        }
        try {
            return new ParseResult<>(read(root), null);
        } catch (Rejection r) {
            return reject(record, r.reason, r.getMessage());
        }
    }

    /** A required, non-blank string no longer than the field limit. */
    protected String text(JsonNode root, String field) throws Rejection {
        JsonNode n = required(root, field);
        return checkedText(n, field);
    }

    /** An optional string: null when absent or null, else checked like {@link #text}. */
    protected String optionalText(JsonNode root, String field) throws Rejection {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : checkedText(n, field);
    }

    private String checkedText(JsonNode n, String field) throws Rejection {
        if (!n.isTextual()) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    "'" + field + "' must be a string, got " + n.getNodeType());
        }
        String s = n.asText();
        if (s.isBlank()) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "'" + field + "' is empty");
        }
        if (s.length() > rules.maxFieldLength()) {
            throw new Rejection(
                    DeadLetterReason.FIELD_TOO_LONG,
                    "'"
                            + field
                            + "' has "
                            + s.length()
                            + " characters, limit "
                            + rules.maxFieldLength());
        }
        return s;
    }

    /** A required enum constant, spelled exactly as declared. */
    protected <E extends Enum<E>> E enumValue(JsonNode root, String field, Class<E> type)
            throws Rejection {
        JsonNode n = required(root, field);
        if (!n.isTextual()) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    "'" + field + "' must be a string, got " + n.getNodeType());
        }
        String s = n.asText();
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        throw new Rejection(
                DeadLetterReason.UNKNOWN_ENUM,
                "'"
                        + field
                        + "' is '"
                        + shown
                        + "', expected one of "
                        + Arrays.toString(type.getEnumConstants()));
    }

    /** An optional finite number: null when absent or null. */
    protected Double optionalNumber(JsonNode root, String field) throws Rejection {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : checkedNumber(n, field);
    }

    /** A required finite number. */
    protected double number(JsonNode root, String field) throws Rejection {
        return checkedNumber(required(root, field), field);
    }

    private static double checkedNumber(JsonNode n, String field) throws Rejection {
        if (!n.isNumber()) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    "'" + field + "' must be a number, got " + n.getNodeType());
        }
        double d = n.asDouble();
        if (!Double.isFinite(d)) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "'" + field + "' is not finite");
        }
        return d;
    }

    /** A required integer that fits a long. */
    protected long integer(JsonNode root, String field) throws Rejection {
        JsonNode n = required(root, field);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    "'"
                            + field
                            + "' must be an integer, got "
                            + (n.isNumber()
                                    ? "a non-integral or too large number"
                                    : n.getNodeType()));
        }
        return n.asLong();
    }

    /**
     * A required event time in epoch ms: not negative, not before the configured minimum, not
     * further ahead of the clock than the configured skew.
     */
    protected long eventTime(JsonNode root, String field) throws Rejection {
        long ts = integer(root, field);
        if (ts < 0 || ts < rules.minEventTime()) {
            throw new Rejection(
                    DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
                    "'"
                            + field
                            + "' "
                            + ts
                            + " is before the minimum "
                            + Math.max(0, rules.minEventTime()));
        }
        long latest = clock.getAsLong() + rules.maxFutureSkew().toMillis();
        if (ts > latest) {
            throw new Rejection(
                    DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
                    "'"
                            + field
                            + "' "
                            + ts
                            + " is more than "
                            + rules.maxFutureSkew()
                            + " in the future");
        }
        return ts;
    }

    /** A required JSON array. */
    protected JsonNode array(JsonNode root, String field) throws Rejection {
        JsonNode n = required(root, field);
        if (!n.isArray()) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    "'" + field + "' must be an array, got " + n.getNodeType());
        }
        return n;
    }

    /** A required JSON object (e.g. an array element). */
    protected JsonNode object(JsonNode n, String what) throws Rejection {
        if (!n.isObject()) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    what + " must be an object, got " + n.getNodeType());
        }
        return n;
    }

    private static JsonNode required(JsonNode root, String field) throws Rejection {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "'" + field + "' is missing");
        }
        return n;
    }

    private ParseResult<T> reject(RawRecord record, DeadLetterReason reason, String detail) {
        byte[] value = record.getValue() == null ? new byte[0] : record.getValue();
        byte[] prefix =
                value.length <= rules.deadLetterPrefixBytes()
                        ? value
                        : Arrays.copyOf(value, rules.deadLetterPrefixBytes());
        return new ParseResult<>(
                null,
                new DeadLetter(
                        reason,
                        detail,
                        record.getTopic(),
                        record.getPartition(),
                        record.getOffset(),
                        record.getTimestamp(),
                        prefix,
                        value.length));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** A field that fails validation. */
    protected static final class Rejection extends Exception {
        final DeadLetterReason reason;

        public Rejection(DeadLetterReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
