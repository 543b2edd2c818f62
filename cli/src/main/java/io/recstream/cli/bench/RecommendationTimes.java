package io.recstream.cli.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The event time and emit time of a recommendation record, read in one streaming pass that skips
 * everything else. The latency runs read every recommendation on the same two cores as the job they
 * measure; parsing each one in full cost the bench's consumer as much CPU as a task.
 */
final class RecommendationTimes {

    private static final JsonFactory JSON = new JsonFactory();

    private RecommendationTimes() {}

    /**
     * {@code {event_time, emit_time}} of a recommendation's JSON.
     *
     * @throws IllegalArgumentException when either field is missing or not an integer
     */
    static long[] read(byte[] json) {
        long eventTime = Long.MIN_VALUE;
        long emitTime = Long.MIN_VALUE;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a recommendation is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("event_time".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    eventTime = p.getLongValue();
                } else if ("emit_time".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    emitTime = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (eventTime == Long.MIN_VALUE || emitTime == Long.MIN_VALUE) {
            throw new IllegalArgumentException(
                    "a recommendation without an integer "
                            + (eventTime == Long.MIN_VALUE ? "event_time" : "emit_time"));
        }
        return new long[] {eventTime, emitTime};
    }
}
