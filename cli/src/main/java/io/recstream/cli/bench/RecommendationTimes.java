package io.recstream.cli.bench;

import java.nio.charset.StandardCharsets;

/**
 * The event time and emit time of a recommendation record, read by one pass over its bytes that
 * allocates nothing but the result. The latency runs read every recommendation in the JVM whose
 * latency they measure: a Jackson parser per record made the bench's consumer allocate about as
 * much as the whole pipeline (measured with JFR), and the garbage collector's pauses stop every
 * thread of the job too.
 */
final class RecommendationTimes {

    private static final byte[] EVENT_TIME = "event_time".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMIT_TIME = "emit_time".getBytes(StandardCharsets.US_ASCII);

    private RecommendationTimes() {}

    /**
     * {@code {event_time, emit_time}} of a recommendation's JSON: the top-level fields of those
     * names, whose values must be integers.
     *
     * @throws IllegalArgumentException when either field is missing or not an integer, or the
     *     record is not a JSON object
     */
    static long[] read(byte[] json) {
        int i = skipSpace(json, 0);
        if (i >= json.length || json[i] != '{') {
            throw new IllegalArgumentException("a recommendation is a JSON object");
        }
        long eventTime = Long.MIN_VALUE;
        long emitTime = Long.MIN_VALUE;
        int depth = 0;
        boolean expectKey = false;
        while (i < json.length) {
            byte b = json[i];
            if (b == '"') {
                int end = stringEnd(json, i);
                if (depth == 1 && expectKey) {
                    int colon = skipSpace(json, end + 1);
                    int value = skipSpace(json, colon + 1);
                    if (is(json, i + 1, end, EVENT_TIME)) {
                        eventTime = integerAt(json, value);
                    } else if (is(json, i + 1, end, EMIT_TIME)) {
                        emitTime = integerAt(json, value);
                    }
                    i = value;
                    expectKey = false;
                    continue;
                }
                i = end + 1;
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
                expectKey = b == '{' && depth == 1;
            } else if (b == '}' || b == ']') {
                depth--;
            } else if (b == ',') {
                expectKey = depth == 1;
            }
            i++;
        }
        if (eventTime == Long.MIN_VALUE || emitTime == Long.MIN_VALUE) {
            throw new IllegalArgumentException(
                    "a recommendation without an integer "
                            + (eventTime == Long.MIN_VALUE ? "event_time" : "emit_time"));
        }
        return new long[] {eventTime, emitTime};
    }

    private static int skipSpace(byte[] json, int i) {
        while (i < json.length
                && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The index of the quote that closes the string opened at {@code open}. */
    private static int stringEnd(byte[] json, int open) {
        for (int i = open + 1; i < json.length; i++) {
            if (json[i] == '\\') {
                i++;
            } else if (json[i] == '"') {
                return i;
            }
        }
        throw new IllegalArgumentException("a recommendation with an unterminated string");
    }

    private static boolean is(byte[] json, int from, int to, byte[] name) {
        if (to - from != name.length) {
            return false;
        }
        for (int k = 0; k < name.length; k++) {
            if (json[from + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    /** The integer starting at {@code i}, or {@link Long#MIN_VALUE} when there is none. */
    private static long integerAt(byte[] json, int i) {
        boolean negative = i < json.length && json[i] == '-';
        int k = negative ? i + 1 : i;
        long v = 0;
        int digits = 0;
        while (k < json.length && json[k] >= '0' && json[k] <= '9' && digits < 19) {
            v = v * 10 + (json[k] - '0');
            k++;
            digits++;
        }
        boolean endsHere =
                k >= json.length
                        || json[k] == ','
                        || json[k] == '}'
                        || json[k] == ' '
                        || json[k] == '\n'
                        || json[k] == '\r'
                        || json[k] == '\t';
        if (digits == 0 || !endsHere) {
            return Long.MIN_VALUE;
        }
        return negative ? -v : v;
    }
}
