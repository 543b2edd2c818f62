package io.recstream.jobs.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
 *
 * <p>Records are read in one streaming pass that keeps only the fields of the subclass's {@link
 * JsonFields.Schema}; the whole record must still be well-formed JSON.
 */
public abstract class RecordParser<T> {

    private final ValidationRules rules;
    private final LongSupplier clock;
    private final JsonFactory factory;
    private final JsonFields.Schema schema;

    protected RecordParser(ValidationRules rules, LongSupplier clock, JsonFields.Schema schema) {
        this.rules = rules;
        this.clock = clock;
        this.schema = schema;
        this.factory =
                JsonFactory.builder()
                        .streamReadConstraints(
                                StreamReadConstraints.builder()
                                        .maxNestingDepth(32)
                                        .maxNumberLength(64)
                                        .maxStringLength(rules.maxRecordBytes())
                                        .build())
                        .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                        .build();
    }

    /** Reads the record's fields from a JSON object; throws {@link Rejection} when one is bad. */
    protected abstract T read(JsonFields root) throws Rejection;

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
        Object root;
        try (JsonParser parser = factory.createParser(value)) {
            root = JsonFields.read(parser, schema);
        } catch (JsonProcessingException e) {
            return reject(
                    record, DeadLetterReason.MALFORMED_JSON, firstLine(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            return reject(record, DeadLetterReason.MALFORMED_JSON, firstLine(e.getMessage()));
        }
        if (!(root instanceof JsonFields fields)) {
            return reject(
                    record,
                    DeadLetterReason.NOT_AN_OBJECT,
                    "expected a JSON object, got " + JsonFields.typeName(root));
        }
        try {
            return new ParseResult<>(read(fields), null);
        } catch (Rejection r) {
            return reject(record, r.reason, r.getMessage());
        }
    }

    /** A required, non-blank string no longer than the field limit. */
    protected String text(JsonFields root, String field) throws Rejection {
        return checkedText(required(root, field), field);
    }

    /** An optional string: null when absent or null, else checked like {@link #text}. */
    protected String optionalText(JsonFields root, String field) throws Rejection {
        Object n = root.get(field);
        return n == null || n == JsonFields.NULL ? null : checkedText(n, field);
    }

    /** An element of an array, checked like {@link #text}; {@code what} names it in errors. */
    protected String elementText(Object n, String what) throws Rejection {
        return checkedText(n, what);
    }

    private String checkedText(Object n, String field) throws Rejection {
        String s = string(n, field);
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
    protected <E extends Enum<E>> E enumValue(JsonFields root, String field, Class<E> type)
            throws Rejection {
        String s = string(required(root, field), field);
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
    protected Double optionalNumber(JsonFields root, String field) throws Rejection {
        Object n = root.get(field);
        return n == null || n == JsonFields.NULL ? null : checkedNumber(n, field);
    }

    /** A required finite number. */
    protected double number(JsonFields root, String field) throws Rejection {
        return checkedNumber(required(root, field), field);
    }

    /**
     * A required number that is finite as a float: a finite double beyond float's range would
     * become infinite, and be written back as a string.
     */
    protected float floatNumber(JsonFields root, String field) throws Rejection {
        double d = number(root, field);
        float f = (float) d;
        if (Float.isInfinite(f)) {
            throw new Rejection(
                    DeadLetterReason.INVALID_VALUE,
                    "'" + field + "' is " + d + ", beyond the range of a float");
        }
        return f;
    }

    private static double checkedNumber(Object n, String field) throws Rejection {
        double d = typed(n, Number.class, "'" + field + "' must be a number").doubleValue();
        if (!Double.isFinite(d)) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "'" + field + "' is not finite");
        }
        return d;
    }

    /** A required integer that fits a long. */
    protected long integer(JsonFields root, String field) throws Rejection {
        Object n = required(root, field);
        if (!(n instanceof Long l)) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    "'"
                            + field
                            + "' must be an integer, got "
                            + (n instanceof Number
                                    ? "a non-integral or too large number"
                                    : JsonFields.typeName(n)));
        }
        return l;
    }

    /**
     * A required event time in epoch ms: not negative, not before the configured minimum, not
     * further ahead of the clock than the configured skew.
     */
    protected long eventTime(JsonFields root, String field) throws Rejection {
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

    /** A required JSON array whose elements the schema describes. */
    protected java.util.List<?> array(JsonFields root, String field) throws Rejection {
        return typed(
                required(root, field), java.util.List.class, "'" + field + "' must be an array");
    }

    /** A required JSON object (e.g. an array element) that the schema describes. */
    protected JsonFields object(Object n, String what) throws Rejection {
        return typed(n, JsonFields.class, what + " must be an object");
    }

    /** A required string, without the length and blank checks of {@link #text}. */
    protected String anyText(JsonFields root, String field) throws Rejection {
        return string(required(root, field), field);
    }

    private static String string(Object n, String field) throws Rejection {
        return typed(n, String.class, "'" + field + "' must be a string");
    }

    /** {@code n} as a {@code type}, or a WRONG_TYPE rejection: "{@code must}, got TYPE". */
    private static <V> V typed(Object n, Class<V> type, String must) throws Rejection {
        if (!type.isInstance(n)) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE, must + ", got " + JsonFields.typeName(n));
        }
        return type.cast(n);
    }

    private static Object required(JsonFields root, String field) throws Rejection {
        Object n = root.get(field);
        if (n == null || n == JsonFields.NULL) {
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
