package io.recstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
    void onlyTheMeasuredWindowIsSampledAndTheThreadThatBurnedItsCpuIsNamed(@TempDir Path dir)
            throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SectionProfiler profiler = linuxProfiler(dir, log);
        long result =
                SectionProfiler.run(
                        profiler,
                        "spin",
                        window -> {
                            // before the window: start-up work that must not show in the profile
                            spin("before-window-worker", 400);
                            window.open();
                            long sum = spin("profiled-busy-worker", 600);
                            window.close();
                            // after the window: reading results back, also left out
                            spin("after-window-worker", 400);
                            return sum;
                        });
        assertThat(result).isPositive();
        Path collapsed = dir.resolve("spin.collapsed");
        assertThat(collapsed).exists();
        Map<String, Long> byThread = SectionProfiler.byThread(Files.readAllLines(collapsed));
        long total = byThread.values().stream().mapToLong(Long::longValue).sum();
        assertThat(byThread.getOrDefault("profiled-busy-worker", 0L))
                .as("the spinning thread holds most samples: %s", byThread)
                .isGreaterThan(total / 2);
        assertThat(byThread)
                .as("threads that ran outside the window")
                .doesNotContainKeys("before-window-worker", "after-window-worker");
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("profile of spin")
                .contains("profiled-busy-worker");
    }

    @Test
    void aRunThatNeverReachesItsMeasuredPartSaysSoAndWritesNoProfile(@TempDir Path dir)
            throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SectionProfiler profiler = linuxProfiler(dir, log);
        assertThatThrownBy(
                        () ->
                                SectionProfiler.run(
                                        profiler,
                                        "stalled",
                                        window -> {
                                            throw new IllegalStateException("job stalled");
                                        }))
                .hasMessage("job stalled");
        assertThat(dir.resolve("stalled.collapsed")).doesNotExist();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("profile of stalled: the run ended before its measured part");
    }

    /** A CPU profiler writing into {@code dir} and logging into {@code log}; Linux only. */
    private static SectionProfiler linuxProfiler(Path dir, ByteArrayOutputStream log)
            throws Exception {
        assumeTrue(
                System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
                "async-profiler runs on Linux only");
        return SectionProfiler.into(dir, new PrintStream(log, true, StandardCharsets.UTF_8.name()));
    }

    /** Spins a new thread named {@code name} for {@code millis} of wall-clock time. */
    private static long spin(String name, long millis) throws InterruptedException {
        long[] sum = new long[1];
        Thread busy =
                new Thread(
                        () -> {
                            long end = System.nanoTime() + millis * 1_000_000L;
                            long s = 0;
                            while (System.nanoTime() < end) {
                                s += Long.numberOfTrailingZeros(s + 1) + 1;
                            }
                            sum[0] = s;
                        },
                        name);
        busy.start();
        busy.join();
        return sum[0];
    }
}
