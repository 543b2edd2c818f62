package io.recstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's {@code --profile}: what it samples and how it sums the samples up. */
class SectionProfilerTest {

    @Test
    void samplesOfOneKindOfThreadAreSummedUnderOneName() {
        Map<String, Long> byThread =
                SectionProfiler.byThread(
                        List.of(
                                "[Join delayed feedback (1/2)#0 tid=101];a;b 30",
                                "[Join delayed feedback (2/2)#0 tid=102];a;c 12",
                                "[data-plane-kafka-request-handler-0 tid=7];x 5",
                                "[data-plane-kafka-request-handler-6 tid=9];x 4",
                                "[C2 CompilerThre tid=3];y 8",
                                "no thread frame 99"));
        assertThat(byThread)
                .containsOnly(
                        Map.entry("Join delayed feedback", 42L),
                        Map.entry("data-plane-kafka-request-handler", 9L),
                        Map.entry("C2 CompilerThre", 8L));
    }

    @Test
    void aProfiledSectionWritesItsStacksAndNamesTheThreadThatBurnedTheCpu(@TempDir Path dir)
            throws Exception {
        assumeTrue(
                System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
                "async-profiler runs on Linux only");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SectionProfiler profiler =
                SectionProfiler.into(
                        dir, new PrintStream(log, true, StandardCharsets.UTF_8.name()));
        long result =
                SectionProfiler.run(
                        profiler,
                        "spin",
                        () -> {
                            long[] sum = new long[1];
                            Thread busy =
                                    new Thread(
                                            () -> {
                                                long end = System.nanoTime() + 600_000_000L;
                                                long s = 0;
                                                while (System.nanoTime() < end) {
                                                    s += Long.numberOfTrailingZeros(s + 1) + 1;
                                                }
                                                sum[0] = s;
                                            },
                                            "profiled-busy-worker");
                            busy.start();
                            busy.join();
                            return sum[0];
                        });
        assertThat(result).isPositive();
        Path collapsed = dir.resolve("spin.collapsed");
        assertThat(collapsed).exists();
        Map<String, Long> byThread = SectionProfiler.byThread(Files.readAllLines(collapsed));
        long total = byThread.values().stream().mapToLong(Long::longValue).sum();
        assertThat(byThread.getOrDefault("profiled-busy-worker", 0L))
                .as("the spinning thread holds most samples: %s", byThread)
                .isGreaterThan(total / 2);
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("profile of spin")
                .contains("profiled-busy-worker");
    }
}
