package io.recstream.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A latency run's latencies over time, in 100 ms buckets of event time: how many events, their
 * median and maximum processing latency, and their maximum visible latency. It shows whether a tail
 * comes in bursts (once per checkpoint, say) or is spread over the run.
 */
final class LatencySeries {
    static final long BUCKET_MS = 100;

    /** Per bucket: processing latencies (growing array) and the largest visible latency. */
    private static final class Bucket {
        long[] processing = new long[64];
        int n;
        long visibleMax = Long.MIN_VALUE;

        void add(long p, long v) {
            if (n == processing.length) {
                processing = Arrays.copyOf(processing, n * 2);
            }
            processing[n++] = p;
            visibleMax = Math.max(visibleMax, v);
        }
    }

    private final Map<Long, Bucket> buckets = new TreeMap<>();
    // Records arrive mostly in event-time order: the last bucket serves most of them without a
    // map lookup.
    private long lastKey = Long.MIN_VALUE;
    private Bucket last;

    /** Records one event: its event time and its processing and visible latency, in ms. */
    void add(long eventTime, long processingMs, long visibleMs) {
        long key = Math.floorDiv(eventTime, BUCKET_MS);
        if (last == null || key != lastKey) {
            last = buckets.computeIfAbsent(key, k -> new Bucket());
            lastKey = key;
        }
        last.add(processingMs, visibleMs);
    }

    /**
     * Writes one CSV line per bucket: its start in seconds after {@code from} (epoch ms), events,
     * p50 and max processing latency, max visible latency (ms).
     */
    void write(Path file, long from) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("event_time_s,events,p50_ms,max_ms,visible_max_ms");
            for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
                Bucket b = e.getValue();
                long[] sorted = Arrays.copyOf(b.processing, b.n);
                Arrays.sort(sorted);
                out.printf(
                        Locale.ROOT,
                        "%.1f,%d,%d,%d,%d%n",
                        (e.getKey() * BUCKET_MS - from) / 1000.0,
                        b.n,
                        sorted[(b.n - 1) / 2],
                        sorted[b.n - 1],
                        b.visibleMax);
            }
        }
    }
}
