package io.recstream.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.Strategy;
import io.recstream.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What our writers put on every topic conforms to the topic's JSON Schema in {@code
 * kafka-topics/schemas/}, checked by a JSON Schema validator (networknt, draft 2020-12), for every
 * record type and its edge cases: every enum value, absent optional values, characters that need
 * escaping, the extremes of numbers, binary payloads. A schema and a writer that drift apart fail
 * here rather than in a consumer written in another language.
 */
class SchemaConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW = 1_763_800_000_000L;
    private static final String AWKWARD = "quote \" backslash \\ newline \n tab \t é 😀 \u0001";

    private static JsonSchema schema(String file) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(TopicCatalog.schemaText(file));
    }

    private static void conforms(String schemaFile, List<byte[]> records) throws Exception {
        JsonSchema schema = schema(schemaFile);
        assertThat(records).isNotEmpty();
        for (byte[] record : records) {
            JsonNode node = JSON.readTree(record);
            Set<ValidationMessage> errors = schema.validate(node);
            assertThat(errors)
                    .as("%s against %s", new String(record, StandardCharsets.UTF_8), schemaFile)
                    .isEmpty();
        }
    }

    @Test
    void interactions() throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (InteractionType type : InteractionType.values()) {
            out.add(JsonCodec.interaction(new Interaction("e1", "u1", "i1", type, null, NOW)));
            out.add(JsonCodec.interaction(new Interaction("e2", "u2", "i2", type, 4.5, 0)));
        }
        out.add(
                JsonCodec.interaction(
                        new Interaction(
                                AWKWARD, AWKWARD, AWKWARD, InteractionType.RATING, -1e300, NOW)));
        conforms("interaction.schema.json", out);
    }

    @Test
    void feedback() throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (FeedbackType type : FeedbackType.values()) {
            out.add(JsonCodec.feedback(new Feedback("u1", "i1", type, null, NOW, null)));
            out.add(JsonCodec.feedback(new Feedback("u1", "i1", type, 5.0, NOW, "request-1")));
        }
        out.add(
                JsonCodec.feedback(
                        new Feedback(AWKWARD, AWKWARD, FeedbackType.CLICK, null, 0, AWKWARD)));
        conforms("feedback.schema.json", out);
    }

    @Test
    void recommendations() throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (Strategy strategy : Strategy.values()) {
            out.add(
                    JsonCodec.recommendation(
                            new Recommendation(
                                    "r1",
                                    "u1",
                                    new String[] {"a", "b", "c"},
                                    new float[] {Float.MAX_VALUE, 0f, -Float.MAX_VALUE},
                                    strategy,
                                    "v1",
                                    NOW,
                                    NOW + 12)));
        }
        out.add(
                JsonCodec.recommendation(
                        new Recommendation(
                                AWKWARD,
                                AWKWARD,
                                new String[] {AWKWARD},
                                new float[] {Float.MIN_VALUE},
                                Strategy.MODEL,
                                AWKWARD,
                                0,
                                0)));
        // every slot kind, in lists of each strategy (written only where it is not the default)
        for (Strategy strategy : Strategy.values()) {
            out.add(
                    JsonCodec.recommendation(
                            new Recommendation(
                                            "r2",
                                            "u2",
                                            new String[] {"m", "f", "p", "x"},
                                            new float[] {4f, 3f, 2f, 0f},
                                            strategy,
                                            "v1",
                                            NOW,
                                            NOW)
                                    .withSlots(
                                            new io.recstream.jobs.events.SlotKind[] {
                                                io.recstream.jobs.events.SlotKind.MODEL,
                                                io.recstream.jobs.events.SlotKind.FRESH,
                                                io.recstream.jobs.events.SlotKind.POPULAR,
                                                io.recstream.jobs.events.SlotKind.EXPLORE
                                            })));
        }
        conforms("recommendation.schema.json", out);
        assertThat(new String(out.get(out.size() - 1), StandardCharsets.UTF_8))
                .as("the slot kinds are written")
                .contains("\"slot\":\"EXPLORE\"");
    }

    @Test
    void catalogueItems() throws Exception {
        List<byte[]> out = new ArrayList<>();
        out.add(
                JsonCodec.item(
                        new io.recstream.jobs.events.CatalogueItem(
                                "i1", new String[] {"Comedy", "Drama"}, true, NOW)));
        out.add(
                JsonCodec.item(
                        new io.recstream.jobs.events.CatalogueItem("i2", new String[0], false, 0)));
        out.add(
                JsonCodec.item(
                        new io.recstream.jobs.events.CatalogueItem(
                                AWKWARD, new String[] {AWKWARD}, true, Long.MAX_VALUE)));
        conforms("item.schema.json", out);
    }

    @Test
    void driftAlerts() throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (AlertState state : AlertState.values()) {
            out.add(
                    JsonCodec.driftAlert(
                            new DriftAlert(
                                    "a1",
                                    "input_category_kl",
                                    state,
                                    1.32,
                                    0.1,
                                    0.05,
                                    NOW - 60_000,
                                    NOW,
                                    "v1",
                                    2,
                                    "input_category_kl is 1.3213, above 0.1000 " + AWKWARD)));
        }
        conforms("drift-alert.schema.json", out);
    }

    @Test
    void signals() throws Exception {
        List<byte[]> out = new ArrayList<>();
        out.add(
                JsonCodec.signalValue(
                        new SignalValue(
                                "hit_rate_at_k",
                                "v1",
                                "ALL",
                                0.4,
                                100,
                                NOW - 60_000,
                                NOW,
                                0.1,
                                0.05)));
        // signals without an alert rule carry no thresholds (NaN in the job)
        out.add(
                JsonCodec.signalValue(
                        new SignalValue(
                                "outcomes", "v1", "MODEL", 1e12, 0, 0, 1, Double.NaN, Double.NaN)));
        conforms("signal.schema.json", out);
    }

    @Test
    void deadLetters() throws Exception {
        List<byte[]> out = new ArrayList<>();
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            out.add(
                    JsonCodec.deadLetter(
                            new DeadLetter(
                                    reason, AWKWARD, "interactions", 3, 12_345, NOW, binary, 256)));
        }
        out.add(
                JsonCodec.deadLetter(
                        new DeadLetter(
                                DeadLetterReason.MALFORMED_JSON,
                                "empty",
                                "feedback",
                                0,
                                0,
                                0,
                                new byte[0],
                                0)));
        conforms("dead-letter.schema.json", out);
    }

    /** The check itself can fail: a record without a required field is refused. */
    @Test
    void aRecordMissingARequiredFieldIsRefused() throws Exception {
        ObjectNode node =
                (ObjectNode)
                        JSON.readTree(
                                JsonCodec.interaction(
                                        new Interaction(
                                                "e1",
                                                "u1",
                                                "i1",
                                                InteractionType.CLICK,
                                                null,
                                                NOW)));
        node.remove("event_id");
        assertThat(schema("interaction.schema.json").validate(node)).isNotEmpty();
    }
}
