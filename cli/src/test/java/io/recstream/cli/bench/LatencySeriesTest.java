package io.recstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencySeriesTest {

    @Test
    void bucketsByEventTimeWithMedianAndMaxima(@TempDir Path dir) throws Exception {
        LatencySeries s = new LatencySeries();
        long from = 1_000_000L;
        // bucket [from, from + 100): three events, median 20, max 90
        s.add(from + 5, 90, 95);
        s.add(from + 50, 10, 2_010);
        s.add(from + 99, 20, 40);
        // a quiet bucket in between has no line; [from + 300, from + 400): growing past the
        // initial capacity of a bucket
        for (int i = 1; i <= 200; i++) {
            s.add(from + 300 + i % 100, i, i + 1);
        }
        Path file = dir.resolve("run.csv");
        s.write(file, from);

        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "event_time_s,events,p50_ms,max_ms,visible_max_ms",
                        "0.0,3,20,90,2010",
                        "0.3,200,100,200,201");
    }
}
