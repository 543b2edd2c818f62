package io.recstream.jobs.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.SlotKind;
import io.recstream.jobs.events.Strategy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * JSON writers for every record type (field names as in kafka-topics/schemas), and trusted readers
 * for the CLI and tests. Untrusted input goes through the {@link RecordParser}s.
 */
public final class JsonCodec {
    // Scores are floats: the fast (Schubfach / FastDoubleParser) number paths instead of the JDK's.
    private static final JsonFactory FACTORY =
            JsonFactory.builder()
                    .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private JsonCodec() {}

    /** The JSON of an interaction as producers write it. */
    public static byte[] interaction(Interaction i) {
        return write(
                g -> {
                    g.writeStringField(InteractionParser.EVENT_ID, i.getEventId());
                    g.writeStringField(InteractionParser.USER_ID, i.getUserId());
                    g.writeStringField(InteractionParser.ITEM_ID, i.getItemId());
                    g.writeStringField(InteractionParser.TYPE, i.getType().name());
                    if (i.getValue() != null) {
                        g.writeNumberField(InteractionParser.VALUE, i.getValue());
                    }
                    g.writeNumberField(InteractionParser.TIMESTAMP, i.getTimestamp());
                });
    }

    /** The JSON of a feedback record as producers write it. */
    public static byte[] feedback(Feedback f) {
        return write(
                g -> {
                    g.writeStringField("user_id", f.getUserId());
                    g.writeStringField("item_id", f.getItemId());
                    g.writeStringField("type", f.getType().name());
                    if (f.getValue() != null) {
                        g.writeNumberField("value", f.getValue());
                    }
                    g.writeNumberField("timestamp", f.getTimestamp());
                    if (f.getRequestKey() != null) {
                        g.writeStringField("request_key", f.getRequestKey());
                    }
                });
    }

    public static byte[] driftAlert(DriftAlert a) {
        return write(
                g -> {
                    g.writeStringField("alert_id", a.getAlertId());
                    g.writeStringField("signal", a.getSignal());
                    g.writeStringField("state", a.getState().name());
                    g.writeNumberField("value", a.getValue());
                    g.writeNumberField("enter_threshold", a.getEnterThreshold());
                    g.writeNumberField("exit_threshold", a.getExitThreshold());
                    g.writeNumberField("window_start", a.getWindowStart());
                    g.writeNumberField("window_end", a.getWindowEnd());
                    g.writeStringField("model_version", a.getModelVersion());
                    g.writeNumberField("consecutive_windows", a.getConsecutiveWindows());
                    g.writeStringField("summary", a.getSummary());
                });
    }

    /** A window's signal value; thresholds are written only when the signal alerts. */
    public static byte[] signalValue(SignalValue v) {
        return write(
                g -> {
                    g.writeStringField("signal", v.getSignal());
                    g.writeStringField("model_version", v.getModelVersion());
                    g.writeStringField("strategy", v.getStrategy());
                    g.writeNumberField("value", v.getValue());
                    g.writeNumberField("samples", v.getSamples());
                    g.writeNumberField("window_start", v.getWindowStart());
                    g.writeNumberField("window_end", v.getWindowEnd());
                    if (!Double.isNaN(v.getEnterThreshold())) {
                        g.writeNumberField("enter_threshold", v.getEnterThreshold());
                        g.writeNumberField("exit_threshold", v.getExitThreshold());
                    }
                });
    }

    public static SignalValue readSignalValue(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return new SignalValue(
                    n.get("signal").asText(),
                    n.get("model_version").asText(),
                    n.get("strategy").asText(),
                    n.get("value").asDouble(),
                    n.get("samples").asLong(),
                    n.get("window_start").asLong(),
                    n.get("window_end").asLong(),
                    n.has("enter_threshold") ? n.get("enter_threshold").asDouble() : Double.NaN,
                    n.has("exit_threshold") ? n.get("exit_threshold").asDouble() : Double.NaN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DriftAlert readDriftAlert(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return new DriftAlert(
                    n.get("alert_id").asText(),
                    n.get("signal").asText(),
                    AlertState.valueOf(n.get("state").asText()),
                    n.get("value").asDouble(),
                    n.get("enter_threshold").asDouble(),
                    n.get("exit_threshold").asDouble(),
                    n.get("window_start").asLong(),
                    n.get("window_end").asLong(),
                    n.get("model_version").asText(),
                    n.get("consecutive_windows").asInt(),
                    n.get("summary").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] item(CatalogueItem item) {
        return write(
                g -> {
                    g.writeStringField("item_id", item.getItemId());
                    g.writeArrayFieldStart("categories");
                    for (String c : item.getCategories()) {
                        g.writeString(c);
                    }
                    g.writeEndArray();
                    g.writeBooleanField("available", item.isAvailable());
                    g.writeNumberField("created_at", item.getCreatedAt());
                });
    }

    public static byte[] recommendation(Recommendation r) {
        return write(
                g -> {
                    g.writeStringField("request_key", r.getRequestKey());
                    g.writeStringField("user_id", r.getUserId());
                    g.writeArrayFieldStart("items");
                    for (int i = 0; i < r.getItemIds().length; i++) {
                        g.writeStartObject();
                        g.writeStringField("item_id", r.getItemIds()[i]);
                        g.writeNumberField("score", r.getScores()[i]);
                        // only where it is not the strategy's own kind: most slots say nothing
                        if (r.slotKind(i) != r.defaultSlotKind()) {
                            g.writeStringField("slot", r.slotKind(i).name());
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeStringField("strategy", r.getStrategy().name());
                    g.writeStringField("model_version", r.getModelVersion());
                    g.writeNumberField("event_time", r.getEventTime());
                    g.writeNumberField("emit_time", r.getEmitTime());
                });
    }

    public static Recommendation readRecommendation(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            JsonNode items = n.get("items");
            String[] ids = new String[items.size()];
            float[] scores = new float[items.size()];
            String[] slots = new String[items.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = items.get(i).get("item_id").asText();
                scores[i] = (float) items.get(i).get("score").asDouble();
                JsonNode slot = items.get(i).get("slot");
                slots[i] = slot != null && slot.isTextual() ? slot.asText() : null;
            }
            Recommendation r =
                    new Recommendation(
                            n.get("request_key").asText(),
                            n.get("user_id").asText(),
                            ids,
                            scores,
                            Strategy.valueOf(n.get("strategy").asText()),
                            n.get("model_version").asText(),
                            n.get("event_time").asLong(),
                            n.get("emit_time").asLong());
            return withSlots(r, slots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recommendation with the slots its record named; unnamed ones take the default kind. */
    static Recommendation withSlots(Recommendation r, String[] slots) {
        SlotKind[] kinds = new SlotKind[slots.length];
        for (int i = 0; i < slots.length; i++) {
            kinds[i] = slots[i] == null ? r.defaultSlotKind() : SlotKind.valueOf(slots[i]);
        }
        return r.withSlots(kinds);
    }

    public static byte[] deadLetter(DeadLetter d) {
        return write(
                g -> {
                    g.writeStringField("reason", d.getReason().name());
                    g.writeStringField("detail", d.getDetail());
                    g.writeStringField("source_topic", d.getSourceTopic());
                    g.writeNumberField("source_partition", d.getSourcePartition());
                    g.writeNumberField("source_offset", d.getSourceOffset());
                    g.writeNumberField("source_timestamp", d.getSourceTimestamp());
                    g.writeStringField(
                            "raw_base64", Base64.getEncoder().encodeToString(d.getRaw()));
                    g.writeNumberField("raw_size", d.getRawSize());
                    g.writeBooleanField("truncated", d.isTruncated());
                });
    }

    public static DeadLetter readDeadLetter(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return new DeadLetter(
                    DeadLetterReason.valueOf(n.get("reason").asText()),
                    n.get("detail").asText(),
                    n.get("source_topic").asText(),
                    n.get("source_partition").asInt(),
                    n.get("source_offset").asLong(),
                    n.get("source_timestamp").asLong(),
                    Base64.getDecoder().decode(n.get("raw_base64").asText()),
                    n.get("raw_size").asInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
