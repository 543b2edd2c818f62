package io.recstream.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Fuzzes the validating deserializer that every job's Kafka source uses, with each record format:
 * arbitrary bytes, and valid records mutated by deleting spans, inserting JSON fragments and
 * replacing field values with values of every JSON type. It must never throw; every record must
 * come out exactly once, either valid or as a dead letter with a reason, a detail and its source
 * coordinates; and whatever it accepts must survive a round trip through the writer unchanged. The
 * number of tries bounds the time (a few seconds in all).
 */
class ValidatorFuzzTest {

    private static final long NOW = System.currentTimeMillis();
    private static final ValidationRules RULES =
            new ValidationRules(4_096, 64, 0, java.time.Duration.ofDays(1), 256);

    private static final List<RecordFormat<?>> FORMATS =
            List.of(
                    RecordFormat.INTERACTION,
                    RecordFormat.FEEDBACK,
                    RecordFormat.RECOMMENDATION,
                    RecordFormat.ITEM);

    /** A valid record of each format, as its producer writes it. */
    private static String valid(RecordFormat<?> format) {
        byte[] json =
                switch (format.name()) {
                    case "interaction" ->
                            JsonCodec.interaction(
                                    new Interaction(
                                            "e-1", "u-1", "i-1", InteractionType.RATING, 4.0, NOW));
                    case "feedback" ->
                            JsonCodec.feedback(
                                    new Feedback(
                                            "u-1", "i-1", FeedbackType.PURCHASE, 9.5, NOW, "e-1"));
                    case "item" ->
                            JsonCodec.item(
                                    new io.recstream.jobs.events.CatalogueItem(
                                            "i-9", new String[] {"Drama", "War"}, true, NOW));
                    default ->
                            JsonCodec.recommendation(
                                    new Recommendation(
                                                    "e-1",
                                                    "u-1",
                                                    new String[] {"i-1", "i-2"},
                                                    new float[] {0.9f, 0.4f},
                                                    Strategy.MODEL,
                                                    "v1",
                                                    NOW - 5,
                                                    NOW)
                                            .withSlots(
                                                    new io.recstream.jobs.events.SlotKind[] {
                                                        io.recstream.jobs.events.SlotKind.MODEL,
                                                        io.recstream.jobs.events.SlotKind.EXPLORE
                                                    }));
                };
        return new String(json, StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<RecordFormat<?>> formats() {
        return Arbitraries.of(FORMATS);
    }

    /** JSON fragments and values of every type, including the ones JSON does not allow. */
    private static Arbitrary<String> fragments() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "{",
                        "}",
                        "[",
                        "]",
                        "\"",
                        ":",
                        ",",
                        "\\",
                        "null",
                        "true",
                        "NaN",
                        "-Infinity",
                        "1e999",
                        "-0",
                        "1.5",
                        "9223372036854775808",
                        "\"\"",
                        "\" \"",
                        "\"\\u0000\"",
                        "\"\\ud800\"",
                        "[]",
                        "{}",
                        "\"MODEL\"",
                        "\"CLICK\"",
                        "\"view\"",
                        "-1",
                        "0"),
                Arbitraries.strings().ofMaxLength(80).map(s -> "\"" + s.replace("\"", "") + "\""),
                Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(30),
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().withChars('a').ofLength(100).map(s -> "\"" + s + "\""));
    }

    /** One mutation of a JSON text. */
    private static Arbitrary<java.util.function.UnaryOperator<String>> mutations() {
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
        Arbitrary<java.util.function.UnaryOperator<String>> delete =
                Combinators.combine(at, Arbitraries.integers().between(1, 20))
                        .as(
                                (where, length) ->
                                        s -> {
                                            int from = (int) (where * s.length());
                                            return s.substring(0, from)
                                                    + s.substring(
                                                            Math.min(s.length(), from + length));
                                        });
        Arbitrary<java.util.function.UnaryOperator<String>> insert =
                Combinators.combine(at, fragments())
                        .as(
                                (where, text) ->
                                        s -> {
                                            int i = (int) (where * s.length());
                                            return s.substring(0, i) + text + s.substring(i);
                                        });
        // Replaces the value after the n-th ':' up to the next ',' or '}' (a field's value).
        Arbitrary<java.util.function.UnaryOperator<String>> replaceValue =
                Combinators.combine(Arbitraries.integers().between(0, 12), fragments())
                        .as(
                                (field, value) ->
                                        s -> {
                                            int colon = -1;
                                            for (int n = 0; n <= field; n++) {
                                                colon = s.indexOf(':', colon + 1);
                                                if (colon < 0) {
                                                    return s;
                                                }
                                            }
                                            int end = colon + 1;
                                            while (end < s.length()
                                                    && s.charAt(end) != ','
                                                    && s.charAt(end) != '}') {
                                                end++;
                                            }
                                            return s.substring(0, colon + 1)
                                                    + value
                                                    + s.substring(end);
                                        });
        return Arbitraries.oneOf(delete, insert, replaceValue);
    }

    @Provide
    Arbitrary<String[]> mutated() {
        return Combinators.combine(formats(), mutations().list().ofMinSize(1).ofMaxSize(4))
                .as(
                        (format, steps) -> {
                            String json = valid(format);
                            for (var step : steps) {
                                json = step.apply(json);
                            }
                            return new String[] {format.name(), json};
                        });
    }

    @Property(tries = 5_000)
    void arbitraryBytesNeverEscapeTheValidator(
            @ForAll("formats") RecordFormat<?> format, @ForAll @Size(max = 600) byte[] value) {
        check(format, value);
    }

    @Property(tries = 20_000)
    void mutatedRecordsNeverEscapeTheValidator(@ForAll("mutated") String[] formatAndJson) {
        RecordFormat<?> format =
                FORMATS.stream().filter(f -> f.name().equals(formatAndJson[0])).findFirst().get();
        Object accepted = check(format, formatAndJson[1].getBytes(StandardCharsets.UTF_8));
        Statistics.label("outcome").collect(accepted == null ? "dead letter" : "accepted");
    }

    @Property(tries = 50)
    void unmutatedRecordsAreAccepted(@ForAll("formats") RecordFormat<?> format) {
        Object accepted = check(format, valid(format).getBytes(StandardCharsets.UTF_8));
        assertThat(accepted).as("the writer's own output").isNotNull();
    }

    /**
     * Runs one record through the deserializer; returns the accepted value, or null for a dead
     * letter.
     */
    private static <T> Object check(RecordFormat<T> format, byte[] value) {
        ValidatingDeserializer<T> deserializer = new ValidatingDeserializer<>(format, RULES);
        List<Either<DeadLetter, T>> out = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>("fuzzed", 3, 42L, null, value), collector(out));
        assertThat(out).as("one output per record").hasSize(1);
        Either<DeadLetter, T> result = out.get(0);
        // The parser reads in one streaming pass; Jackson's tree model, under the same limits,
        // is the oracle for what is well-formed JSON and what is an object.
        String shape = treeShape(value);
        DeadLetterReason reason = result.isLeft() ? result.left().getReason() : null;
        if (value.length == 0) {
            assertThat(reason).isEqualTo(DeadLetterReason.NOT_AN_OBJECT);
        } else if (shape.equals("malformed")) {
            assertThat(reason)
                    .as("malformed by the tree model: %s", result)
                    .isEqualTo(DeadLetterReason.MALFORMED_JSON);
        } else if (!shape.equals("OBJECT")) {
            assertThat(reason)
                    .as("a %s by the tree model", shape)
                    .isEqualTo(DeadLetterReason.NOT_AN_OBJECT);
            assertThat(result.left().getDetail()).endsWith("got " + shape);
        } else {
            assertThat(reason)
                    .as("an object by the tree model: %s", result)
                    .isNotIn(DeadLetterReason.MALFORMED_JSON, DeadLetterReason.NOT_AN_OBJECT);
        }
        if (result.isLeft()) {
            DeadLetter d = result.left();
            Statistics.label("reason").collect(d.getReason());
            assertThat(d.getReason()).isNotNull();
            assertThat(d.getDetail()).isNotBlank();
            assertThat(d.getSourceTopic()).isEqualTo("fuzzed");
            assertThat(d.getSourcePartition()).isEqualTo(3);
            assertThat(d.getSourceOffset()).isEqualTo(42L);
            assertThat(d.getRawSize()).isEqualTo(value.length);
            return null;
        }
        T accepted = result.right();
        byte[] rewritten =
                switch (format.name()) {
                    case "interaction" -> JsonCodec.interaction((Interaction) accepted);
                    case "feedback" -> JsonCodec.feedback((Feedback) accepted);
                    case "item" ->
                            JsonCodec.item((io.recstream.jobs.events.CatalogueItem) accepted);
                    default -> JsonCodec.recommendation((Recommendation) accepted);
                };
        List<Either<DeadLetter, T>> again = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>("fuzzed", 3, 43L, null, rewritten), collector(again));
        assertThat(again.get(0).isRight())
                .as("what was accepted is accepted again once rewritten: %s", again.get(0))
                .isTrue();
        assertThat(again.get(0).right()).usingRecursiveComparison().isEqualTo(accepted);
        return accepted;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper TREE =
            new com.fasterxml.jackson.databind.ObjectMapper(
                    com.fasterxml.jackson.core.JsonFactory.builder()
                            .streamReadConstraints(
                                    com.fasterxml.jackson.core.StreamReadConstraints.builder()
                                            .maxNestingDepth(32)
                                            .maxNumberLength(64)
                                            .maxStringLength(RULES.maxRecordBytes())
                                            .build())
                            .build());

    /** The JSON type of the record's root by Jackson's tree model, or "malformed". */
    private static String treeShape(byte[] value) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = TREE.readTree(value);
            return n == null ? "MISSING" : n.getNodeType().name();
        } catch (java.io.IOException | RuntimeException e) {
            return "malformed";
        }
    }

    private static <X> Collector<X> collector(List<X> into) {
        return new Collector<>() {
            @Override
            public void collect(X record) {
                into.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
