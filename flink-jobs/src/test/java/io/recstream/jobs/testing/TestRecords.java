package io.recstream.jobs.testing;

import io.recstream.jobs.events.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Interaction JSON for tests, valid and invalid in every way the validator knows. */
public final class TestRecords {
    private TestRecords() {}

    /** A bad record and the reason it must be rejected with. */
    public record BadRecord(String label, byte[] value, DeadLetterReason reason) {}

    public static byte[] interaction(
            String eventId, String userId, String itemId, String type, long timestamp) {
        return ("{\"event_id\":\""
                        + eventId
                        + "\",\"user_id\":\""
                        + userId
                        + "\",\"item_id\":\""
                        + itemId
                        + "\",\"type\":\""
                        + type
                        + "\",\"timestamp\":"
                        + timestamp
                        + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One bad record per way of being bad; {@code now} is the wall clock in epoch ms. */
    public static List<BadRecord> badRecords(long now) {
        List<BadRecord> bad = new ArrayList<>();
        long ts = now - 60_000;
        bad.add(
                new BadRecord(
                        "truncated json",
                        utf8("{\"event_id\":\"x\",\"user_id\""),
                        DeadLetterReason.MALFORMED_JSON));
        bad.add(
                new BadRecord(
                        "binary garbage",
                        new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 0x13, 0x37},
                        DeadLetterReason.MALFORMED_JSON));
        bad.add(
                new BadRecord(
                        "NaN literal",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"VIEW\",\"value\":NaN,\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.MALFORMED_JSON));
        bad.add(new BadRecord("array", utf8("[1,2,3]"), DeadLetterReason.NOT_AN_OBJECT));
        bad.add(new BadRecord("empty", new byte[0], DeadLetterReason.NOT_AN_OBJECT));
        bad.add(
                new BadRecord(
                        "missing user",
                        utf8(
                                "{\"event_id\":\"e\",\"item_id\":\"i\",\"type\":\"VIEW\",\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.MISSING_FIELD));
        bad.add(
                new BadRecord(
                        "null item",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":null,\"type\":\"VIEW\",\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.MISSING_FIELD));
        bad.add(
                new BadRecord(
                        "numeric user",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":42,\"item_id\":\"i\",\"type\":\"VIEW\",\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.WRONG_TYPE));
        bad.add(
                new BadRecord(
                        "string timestamp",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"VIEW\",\"timestamp\":\"yesterday\"}"),
                        DeadLetterReason.WRONG_TYPE));
        bad.add(
                new BadRecord(
                        "fractional timestamp",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"VIEW\",\"timestamp\":1.5}"),
                        DeadLetterReason.WRONG_TYPE));
        bad.add(
                new BadRecord(
                        "string value",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"VIEW\",\"value\":\"high\",\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.WRONG_TYPE));
        bad.add(
                new BadRecord(
                        "infinite value",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"RATING\",\"value\":1e999,\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.INVALID_VALUE));
        bad.add(
                new BadRecord(
                        "empty event id",
                        utf8(
                                "{\"event_id\":\"\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"VIEW\",\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.INVALID_VALUE));
        bad.add(
                new BadRecord(
                        "long user id",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\""
                                        + "u".repeat(5000)
                                        + "\",\"item_id\":\"i\",\"type\":\"VIEW\",\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.FIELD_TOO_LONG));
        bad.add(
                new BadRecord(
                        "negative timestamp",
                        interaction("e", "u", "i", "VIEW", -5),
                        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE));
        bad.add(
                new BadRecord(
                        "future timestamp",
                        interaction("e", "u", "i", "VIEW", now + 10L * 24 * 3600 * 1000),
                        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE));
        bad.add(
                new BadRecord(
                        "unknown type",
                        interaction("e", "u", "i", "TELEPORT", ts),
                        DeadLetterReason.UNKNOWN_ENUM));
        bad.add(
                new BadRecord(
                        "lower-case type",
                        interaction("e", "u", "i", "view", ts),
                        DeadLetterReason.UNKNOWN_ENUM));
        bad.add(
                new BadRecord(
                        "oversized",
                        utf8("{\"event_id\":\"e\",\"pad\":\"" + "x".repeat(100_000) + "\"}"),
                        DeadLetterReason.OVERSIZED));
        return bad;
    }

    /**
     * A flood of {@code count} bad records: every kind from {@link #badRecords} in turn, plus 1 MB
     * payloads, random binary garbage, non-finite literals, event times a year in the past (bad
     * when {@code --validation.min-event-time} is later) and in the year 9999, user ids of 60,000
     * characters and JSON nested 1,000 deep.
     */
    public static List<BadRecord> flood(long now, int count, java.util.Random random) {
        List<BadRecord> kinds = new ArrayList<>(badRecords(now));
        long ts = now - 60_000;
        kinds.add(
                new BadRecord(
                        "1 MB payload",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":\""
                                        + "i".repeat(1 << 20)
                                        + "\",\"type\":\"VIEW\",\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.OVERSIZED));
        kinds.add(
                new BadRecord(
                        "minus infinity literal",
                        utf8(
                                "{\"event_id\":\"e\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"RATING\",\"value\":-Infinity,\"timestamp\":"
                                        + ts
                                        + "}"),
                        DeadLetterReason.MALFORMED_JSON));
        kinds.add(
                new BadRecord(
                        "a year ago",
                        interaction("e", "u", "i", "VIEW", now - 365L * 24 * 3600 * 1000),
                        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE));
        kinds.add(
                new BadRecord(
                        "year 9999",
                        interaction("e", "u", "i", "VIEW", 253_402_300_799_000L),
                        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE));
        kinds.add(
                new BadRecord(
                        "60,000-character user id",
                        interaction("e", "u".repeat(60_000), "i", "VIEW", ts),
                        DeadLetterReason.FIELD_TOO_LONG));
        kinds.add(
                new BadRecord(
                        "nested 1,000 deep",
                        utf8("[".repeat(1_000) + "]".repeat(1_000)),
                        DeadLetterReason.MALFORMED_JSON));
        int garbage = kinds.size();
        List<BadRecord> out = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            int kind = n % (garbage + 1);
            if (kind < garbage) {
                out.add(kinds.get(kind));
            } else {
                // 0xff never starts a UTF-8 character: never JSON, whatever follows
                byte[] bytes = new byte[1 + random.nextInt(300)];
                random.nextBytes(bytes);
                bytes[0] = (byte) 0xff;
                out.add(new BadRecord("binary garbage", bytes, DeadLetterReason.MALFORMED_JSON));
            }
        }
        return out;
    }
}
