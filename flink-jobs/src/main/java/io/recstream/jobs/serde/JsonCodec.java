package io.recstream.jobs.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * JSON for the records the jobs write: recommendations and dead letters (field names as in
 * kafka-topics/schemas), and reading them back (for the CLI and tests).
 */
public final class JsonCodec {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonCodec() {}

    public static byte[] recommendation(Recommendation r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("request_key", r.getRequestKey());
            g.writeStringField("user_id", r.getUserId());
            g.writeArrayFieldStart("items");
            for (int i = 0; i < r.getItemIds().length; i++) {
                g.writeStartObject();
                g.writeStringField("item_id", r.getItemIds()[i]);
                g.writeNumberField("score", r.getScores()[i]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("strategy", r.getStrategy().name());
            g.writeStringField("model_version", r.getModelVersion());
            g.writeNumberField("event_time", r.getEventTime());
            g.writeNumberField("emit_time", r.getEmitTime());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static Recommendation readRecommendation(byte[] json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            JsonNode items = n.get("items");
            String[] ids = new String[items.size()];
            float[] scores = new float[items.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = items.get(i).get("item_id").asText();
                scores[i] = (float) items.get(i).get("score").asDouble();
            }
            return new Recommendation(
                    n.get("request_key").asText(),
                    n.get("user_id").asText(),
                    ids,
                    scores,
                    Strategy.valueOf(n.get("strategy").asText()),
                    n.get("model_version").asText(),
                    n.get("event_time").asLong(),
                    n.get("emit_time").asLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] deadLetter(DeadLetter d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("reason", d.getReason().name());
            g.writeStringField("detail", d.getDetail());
            g.writeStringField("source_topic", d.getSourceTopic());
            g.writeNumberField("source_partition", d.getSourcePartition());
            g.writeNumberField("source_offset", d.getSourceOffset());
            g.writeNumberField("source_timestamp", d.getSourceTimestamp());
            g.writeStringField("raw_base64", Base64.getEncoder().encodeToString(d.getRaw()));
            g.writeNumberField("raw_size", d.getRawSize());
            g.writeBooleanField("truncated", d.isTruncated());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
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
