package io.recstream.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import one.profiler.AsyncProfiler;

/**
 * Profiles the measured part of a bench section with async-profiler (the library that ships with
 * Flink's dependencies), CPU samples of every thread of this JVM: the Kafka broker, the Flink
 * tasks, the JIT compiler. The section opens and closes its {@link Window} around the part its
 * figure comes from (for a throughput run, from 10% to 90% of the events), so job start-up and
 * reading the output back are left out. Each section writes {@code <dir>/<section>.collapsed} (one
 * line per stack, {@code thread;frame;frame... count}, the input of flame-graph tools) and prints
 * where its CPU went by thread.
 */
final class SectionProfiler {

    /** Sampling interval: 2 ms of CPU per sample, for every thread. */
    private static final String INTERVAL = "2ms";

    private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?");
    private static final Pattern TID = Pattern.compile("\\s*tid=\\d+");
    private static final Pattern NUMBERED = Pattern.compile("[-#]?\\d+$");

    private final Path dir;
    private final PrintStream log;
    private final AsyncProfiler profiler;
    private final String event;

    private SectionProfiler(Path dir, PrintStream log, AsyncProfiler profiler, String event) {
        this.dir = dir;
        this.log = log;
        this.profiler = profiler;
        this.event = event;
    }

    /** A CPU profiler writing into {@code dir}, or none when {@code dir} is null. */
    static SectionProfiler into(Path dir, PrintStream log) throws IOException {
        return into(dir, false, log);
    }

    /**
     * A profiler writing into {@code dir}, or none when {@code dir} is null: CPU samples, or with
     * {@code wall} samples of every thread whether it runs or waits (where a task thread blocks: on
     * a checkpoint, a lock, its input), every 2 ms of wall-clock time.
     */
    static SectionProfiler into(Path dir, boolean wall, PrintStream log) throws IOException {
        if (dir == null) {
            return null;
        }
        Files.createDirectories(dir);
        String arch = System.getProperty("os.arch").equals("aarch64") ? "linux-arm64" : "linux-x64";
        if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new IllegalArgumentException("--profile: async-profiler runs on Linux only");
        }
        Path lib = Files.createTempFile("recstream-async-profiler", ".so");
        lib.toFile().deleteOnExit();
        try (InputStream in =
                AsyncProfiler.class.getResourceAsStream("/" + arch + "/libasyncProfiler.so")) {
            if (in == null) {
                throw new IllegalStateException(
                        "--profile: no " + arch + " async-profiler library on the class path");
            }
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
        }
        AsyncProfiler profiler = AsyncProfiler.getInstance(lib.toString());
        return new SectionProfiler(dir, log, profiler, wall ? "wall" : cpuEvent(profiler, log));
    }

    /**
     * Per-thread CPU-clock samples through perf events where the kernel allows them ({@code
     * kernel.perf_event_paranoid} ≤ 2); otherwise the process-wide interval timer, which loses
     * samples when several threads are busy at once (the shares stay usable, the CPU seconds come
     * out low).
     */
    private static String cpuEvent(AsyncProfiler profiler, PrintStream log) {
        try {
            profiler.execute("start,event=cpu,interval=" + INTERVAL);
            profiler.execute("stop");
            return "cpu";
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            log.println(
                    "--profile: perf events unavailable ("
                            + e.getMessage()
                            + "), sampling with the interval timer");
            return "itimer";
        }
    }

    /**
     * The measured part of a section: samples are taken from {@link #open()} to {@link #close()}.
     * Both may be called more than once; only the first call of each counts.
     */
    interface Window {
        /** A window that profiles nothing, for runs that are not profiled. */
        Window NONE =
                new Window() {
                    @Override
                    public void open() {}

                    @Override
                    public void close() {}
                };

        void open();

        void close();
    }

    /** A bench section that marks its measured part in the window it is given. */
    @FunctionalInterface
    interface Measured<T> {
        T call(Window window) throws Exception;
    }

    /**
     * Runs {@code work}, profiled when {@code p} is not null from the moment it opens its window
     * until it closes it (or returns).
     */
    static <T> T run(SectionProfiler p, String section, Measured<T> work) throws Exception {
        if (p == null) {
            return work.call(Window.NONE);
        }
        SectionWindow window = p.new SectionWindow(section);
        try {
            return work.call(window);
        } finally {
            window.close();
        }
    }

    private final class SectionWindow implements Window {
        private final String section;
        private boolean opened;
        private boolean closed;

        SectionWindow(String section) {
            this.section = section;
        }

        @Override
        public void open() {
            if (opened || closed) {
                return;
            }
            opened = true;
            execute("start,event=" + event + ",interval=" + INTERVAL + ",threads,loglevel=error");
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!opened) {
                log.printf("profile of %s: the run ended before its measured part%n", section);
                return;
            }
            Path out = dir.resolve(section + ".collapsed");
            execute("stop,collapsed,file=" + out);
            try {
                summarize(section, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void execute(String command) {
            try {
                profiler.execute(command);
            } catch (IOException e) {
                throw new UncheckedIOException("async-profiler: " + command, e);
            }
        }
    }

    private void summarize(String section, Path collapsed) throws IOException {
        Map<String, Long> byThread = byThread(Files.readAllLines(collapsed));
        long total = byThread.values().stream().mapToLong(Long::longValue).sum();
        log.printf(
                Locale.ROOT,
                "profile of %s (%s): %.1f s of %s in %s; by thread:%n",
                section,
                event,
                total * 2 / 1000.0,
                event.equals("wall") ? "thread time" : "CPU",
                collapsed);
        byThread.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(12)
                .forEach(
                        e ->
                                log.printf(
                                        Locale.ROOT,
                                        "  %5.1f%%  %s%n",
                                        100.0 * e.getValue() / total,
                                        e.getKey()));
    }

    /**
     * Samples per thread, with the threads of one kind together: the subtasks of one Flink task,
     * the broker's numbered handler threads, the JIT compiler's threads.
     */
    static Map<String, Long> byThread(List<String> collapsedLines) {
        Map<String, Long> samples = new TreeMap<>();
        for (String line : collapsedLines) {
            int space = line.lastIndexOf(' ');
            if (space < 0 || !line.startsWith("[")) {
                continue;
            }
            int end = line.indexOf(']');
            String thread = line.substring(1, end < 0 ? space : end);
            thread = TID.matcher(thread).replaceAll("");
            thread = SUBTASK.matcher(thread).replaceAll("").trim();
            thread = NUMBERED.matcher(thread).replaceAll("").trim();
            samples.merge(thread, Long.parseLong(line.substring(space + 1).trim()), Long::sum);
        }
        return new LinkedHashMap<>(samples);
    }
}
