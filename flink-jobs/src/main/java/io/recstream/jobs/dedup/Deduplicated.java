package io.recstream.jobs.dedup;

import io.recstream.jobs.config.DedupSettings;
import java.time.Duration;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * Wires {@link Deduplicate} into a job: keyed by user, ahead of everything that counts or keeps the
 * records, and hands the result on still partitioned by user, so the next keyed step needs no
 * second shuffle.
 */
public final class Deduplicated {
    private Deduplicated() {}

    /**
     * {@code records} keyed by user with re-sent copies dropped; with deduplication off ({@code
     * --dedup.enabled false}) the records pass unchanged and unkeyed.
     */
    public static <T> DataStream<T> byUser(
            DataStream<T> records,
            KeySelector<T, String> user,
            String kind,
            Deduplicate.Identity<T> identity,
            DedupSettings settings,
            Duration stateTtl,
            String uid,
            String name) {
        if (!settings.enabled()) {
            return records;
        }
        return records.keyBy(user)
                .process(
                        new Deduplicate<>(
                                kind, identity, settings.window(), settings.maxIds(), stateTtl))
                .returns(records.getType())
                .uid(uid)
                .name(name);
    }

    /**
     * A stream that came out of {@link #byUser} (through forward, per-record steps only) keyed by
     * user again without a shuffle: it is still partitioned by user. With deduplication off it is
     * keyed the ordinary way.
     */
    public static <T> KeyedStream<T, String> keyedByUser(
            DataStream<T> records, KeySelector<T, String> user, DedupSettings settings) {
        if (!settings.enabled()) {
            return records.keyBy(user);
        }
        return DataStreamUtils.reinterpretAsKeyedStream(records, user);
    }
}
