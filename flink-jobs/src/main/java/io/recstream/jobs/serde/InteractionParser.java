package io.recstream.jobs.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.RawRecord;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Parses and validates interaction records. Never throws on input: anything wrong becomes a {@link
 * DeadLetter} with a {@link DeadLetterReason} and a detail naming the field.
 */
public final class InteractionParser {

    public static final String EVENT_ID = "event_id";
    public static final String USER_ID = "user_id";
    public static final String ITEM_ID = "item_id";
    public static final String TYPE = "type";
    public static final String VALUE = "value";
    public static final String TIMESTAMP = "timestamp";

    private final ValidationRules rules;
    private final LongSupplier clock;
    private final ObjectMapper mapper;

    public InteractionParser(ValidationRules rules, LongSupplier clock) {
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
                        .build();
        this.mapper = new ObjectMapper(factory);
    }

    public ParseResult parse(RawRecord record) {
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
            String eventId = text(root, EVENT_ID);
            String userId = text(root, USER_ID);
            String itemId = text(root, ITEM_ID);
            InteractionType type = enumValue(root, TYPE);
            Double v = optionalNumber(root, VALUE);
            long ts = timestamp(root);
            return new ParseResult(new Interaction(eventId, userId, itemId, type, v, ts), null);
        } catch (Rejection r) {
            return reject(record, r.reason, r.getMessage());
        }
    }

    private String text(JsonNode root, String field) throws Rejection {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "'" + field + "' is missing");
        }
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

    private InteractionType enumValue(JsonNode root, String field) throws Rejection {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "'" + field + "' is missing");
        }
        if (!n.isTextual()) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    "'" + field + "' must be a string, got " + n.getNodeType());
        }
        String s = n.asText();
        for (InteractionType t : InteractionType.values()) {
            if (t.name().equals(s)) {
                return t;
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
                        + Arrays.toString(InteractionType.values()));
    }

    private static Double optionalNumber(JsonNode root, String field) throws Rejection {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
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

    private long timestamp(JsonNode root) throws Rejection {
        JsonNode n = root.get(TIMESTAMP);
        if (n == null || n.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "'" + TIMESTAMP + "' is missing");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new Rejection(
                    DeadLetterReason.WRONG_TYPE,
                    "'"
                            + TIMESTAMP
                            + "' must be an integer (epoch ms), got "
                            + (n.isNumber()
                                    ? "a non-integral or too large number"
                                    : n.getNodeType()));
        }
        long ts = n.asLong();
        if (ts < 0 || ts < rules.minEventTime()) {
            throw new Rejection(
                    DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
                    "'"
                            + TIMESTAMP
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
                            + TIMESTAMP
                            + "' "
                            + ts
                            + " is more than "
                            + rules.maxFutureSkew()
                            + " in the future");
        }
        return ts;
    }

    private ParseResult reject(RawRecord record, DeadLetterReason reason, String detail) {
        byte[] value = record.getValue() == null ? new byte[0] : record.getValue();
        byte[] prefix =
                value.length <= rules.deadLetterPrefixBytes()
                        ? value
                        : Arrays.copyOf(value, rules.deadLetterPrefixBytes());
        return new ParseResult(
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

    private static final class Rejection extends Exception {
        final DeadLetterReason reason;

        Rejection(DeadLetterReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
