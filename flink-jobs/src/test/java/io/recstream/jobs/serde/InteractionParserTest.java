package io.recstream.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.RawRecord;
import io.recstream.jobs.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InteractionParserTest {

    private static final long NOW = 1_763_800_000_000L;
    private final InteractionParser parser =
            new InteractionParser(ValidationRules.DEFAULTS, () -> NOW);

    private static RawRecord raw(byte[] value, long offset) {
        return new RawRecord("interactions", 3, offset, NOW, value);
    }

    @Test
    void parsesAValidInteraction() {
        String json =
                "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"RATING\",\"value\":4.5,\"timestamp\":"
                        + (NOW - 1000)
                        + ",\"extra\":true}";
        ParseResult<Interaction> r = parser.parse(raw(json.getBytes(StandardCharsets.UTF_8), 0));
        assertThat(r.isValid()).isTrue();
        Interaction i = r.value();
        assertThat(i.getEventId()).isEqualTo("e1");
        assertThat(i.getUserId()).isEqualTo("u1");
        assertThat(i.getItemId()).isEqualTo("i1");
        assertThat(i.getType()).isEqualTo(InteractionType.RATING);
        assertThat(i.getValue()).isEqualTo(4.5);
        assertThat(i.getTimestamp()).isEqualTo(NOW - 1000);
    }

    private DeadLetter rejected(String json) {
        ParseResult<Interaction> r = parser.parse(raw(json.getBytes(StandardCharsets.UTF_8), 0));
        assertThat(r.isValid()).as(json).isFalse();
        return r.deadLetter();
    }

    /**
     * Fields the parser does not read are read through, not trusted: the whole record must be
     * well-formed JSON, as when the record was parsed into a tree.
     */
    @Test
    void fieldsNotReadMustStillBeWellFormedAndTheLastOfARepeatedFieldCounts() {
        String head =
                "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"CLICK\",\"timestamp\":"
                        + (NOW - 1000);
        ParseResult<Interaction> nested =
                parser.parse(
                        raw(
                                (head + ",\"extra\":{\"a\":[1,{\"b\":null}],\"c\":\"d\"}}")
                                        .getBytes(StandardCharsets.UTF_8),
                                0));
        assertThat(nested.isValid()).isTrue();
        assertThat(rejected(head + ",\"extra\":{\"a\":[1,}}").getReason())
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(rejected(head + ",\"extra\":[1,2").getReason())
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        // invalid UTF-8 inside a string nobody reads
        byte[] prefix = (head + ",\"extra\":\"a").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(prefix, prefix.length + 4);
        bytes[prefix.length] = (byte) 0xC3;
        bytes[prefix.length + 1] = (byte) 0x28;
        bytes[prefix.length + 2] = '"';
        bytes[prefix.length + 3] = '}';
        assertThat(parser.parse(raw(bytes, 0)).deadLetter().getReason())
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);

        ParseResult<Interaction> repeated =
                parser.parse(
                        raw((head + ",\"item_id\":\"i2\"}").getBytes(StandardCharsets.UTF_8), 0));
        assertThat(repeated.value().getItemId()).isEqualTo("i2");

        DeadLetter array = rejected("[" + head + "}]");
        assertThat(array.getReason()).isEqualTo(DeadLetterReason.NOT_AN_OBJECT);
        assertThat(array.getDetail()).isEqualTo("expected a JSON object, got ARRAY");
        assertThat(rejected("  ").getDetail()).isEqualTo("expected a JSON object, got MISSING");
        assertThat(rejected("\"text\"").getDetail())
                .isEqualTo("expected a JSON object, got STRING");
        assertThat(rejected(head + ",\"user_id\":{\"x\":1}}").getDetail())
                .isEqualTo("'user_id' must be a string, got OBJECT");
        assertThat(rejected(head.replace("\"CLICK\"", "[\"CLICK\"]") + "}").getDetail())
                .isEqualTo("'type' must be a string, got ARRAY");
        assertThat(
                        rejected(head.replace("" + (NOW - 1000), "92233720368547758070") + "}")
                                .getDetail())
                .isEqualTo(
                        "'timestamp' must be an integer, got a non-integral or too large number");
    }

    @Test
    void valueIsOptional() {
        ParseResult<Interaction> r =
                parser.parse(raw(TestRecords.interaction("e", "u", "i", "VIEW", NOW), 0));
        assertThat(r.isValid()).isTrue();
        assertThat(r.value().getValue()).isNull();
    }

    @Test
    void everyBadRecordIsRejectedWithItsReasonAndCoordinates() {
        long offset = 100;
        Set<DeadLetterReason> seen = EnumSet.noneOf(DeadLetterReason.class);
        for (TestRecords.BadRecord bad : TestRecords.badRecords(NOW)) {
            ParseResult<Interaction> r = parser.parse(raw(bad.value(), offset));
            assertThat(r.isValid()).as(bad.label()).isFalse();
            DeadLetter d = r.deadLetter();
            assertThat(d.getReason()).as(bad.label()).isEqualTo(bad.reason());
            assertThat(d.getDetail()).as(bad.label()).isNotBlank();
            assertThat(d.getSourceTopic()).isEqualTo("interactions");
            assertThat(d.getSourcePartition()).isEqualTo(3);
            assertThat(d.getSourceOffset()).isEqualTo(offset);
            assertThat(d.getRawSize()).isEqualTo(bad.value().length);
            assertThat(d.getRaw().length)
                    .isLessThanOrEqualTo(ValidationRules.DEFAULTS.deadLetterPrefixBytes());
            seen.add(d.getReason());
            offset++;
        }
        assertThat(seen)
                .as("every reason is exercised")
                .isEqualTo(EnumSet.allOf(DeadLetterReason.class));
    }

    @Test
    void detailNamesTheField() {
        ParseResult<Interaction> r =
                parser.parse(raw(TestRecords.interaction("e", "u", "i", "TELEPORT", NOW), 0));
        assertThat(r.deadLetter().getDetail()).contains("'type'").contains("TELEPORT");
    }

    @Test
    void oversizedRecordKeepsOnlyABoundedPrefix() {
        byte[] big = new byte[200_000];
        ParseResult<Interaction> r = parser.parse(raw(big, 0));
        assertThat(r.deadLetter().getReason()).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(r.deadLetter().getRaw()).hasSize(4096);
        assertThat(r.deadLetter().isTruncated()).isTrue();
    }

    @Test
    void minimumEventTimeIsConfigurable() {
        InteractionParser strict =
                new InteractionParser(
                        new ValidationRules(
                                65536, 256, NOW - 1000, java.time.Duration.ofDays(1), 4096),
                        () -> NOW);
        assertThat(
                        strict.parse(
                                        raw(
                                                TestRecords.interaction(
                                                        "e", "u", "i", "VIEW", NOW - 2000),
                                                0))
                                .deadLetter()
                                .getReason())
                .isEqualTo(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
        assertThat(
                        strict.parse(
                                        raw(
                                                TestRecords.interaction(
                                                        "e", "u", "i", "VIEW", NOW - 500),
                                                0))
                                .isValid())
                .isTrue();
    }

    @Test
    void deadLetterJsonRoundTrips() {
        DeadLetter d = parser.parse(raw("nope".getBytes(StandardCharsets.UTF_8), 7)).deadLetter();
        assertThat(JsonCodec.readDeadLetter(JsonCodec.deadLetter(d))).isEqualTo(d);
    }
}
