package io.recstream.cli.bench;

import io.recstream.cli.InputPath;
import io.recstream.cli.bench.SectionProfiler.Window;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recstream bench}: measures, in one run and side by side with their limits, scoring alone
 * against a matrix-multiply peak, the recommend job end to end against scoring and against raw
 * Kafka consumption, micro-batching against batch size 1, latency at half load, the monitor job,
 * and state bytes per user; prints a table and writes JSON.
 */
@Command(
        name = "bench",
        description =
                "Measure scoring (JMH) against a matrix-multiply peak, the recommend job end to end"
                        + " against scoring and raw Kafka consumption, micro-batching, latency at"
                        + " half load, the monitor job and state per user, on the embedded"
                        + " default. Prints a table; --json writes the figures.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "a reduced run (under two minutes)")
    boolean quick;

    @Option(names = "--json", description = "write the figures to this JSON file")
    Path json;

    @Option(
            names = "--work-dir",
            description =
                    "models, checkpoints and broker data (default: a folder under the temp dir)")
    Path workDir;

    @Option(
            names = "--events",
            description =
                    "pre-loaded interactions for the throughput runs (default: 300000, quick 30000)")
    Long events;

    @Option(
            names = "--state-users",
            description = "users for the state measurement (default: 1000000, quick 20000)")
    Long stateUsers;

    @Option(
            names = "--batch-size",
            defaultValue = "32",
            description =
                    "the recommend job's micro-batch size, and the scoring figure it is compared"
                            + " with (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "SECTION",
            description =
                    "run only these sections: scoring, kafka, e2e, batch1, latency, monitor, state,"
                            + " soak"
                            + " (batch1, latency and monitor also run e2e, which they build on;"
                            + " default: all)")
    List<String> only;

    @Option(
            names = "--flink-conf",
            paramLabel = "KEY=VALUE;...",
            description =
                    "more Flink configuration for every job the bench runs (the jobs'"
                            + " --flink-conf), e.g. state.backend.rocksdb.timer-service.factory=HEAP")
    String flinkConf;

    @InputPath
    @Option(
            names = {"--command-config", "--kafka-properties"},
            paramLabel = "FILE",
            description =
                    "Kafka client settings for every job the bench runs (the jobs'"
                            + " --command-config), e.g. fetch.min.bytes=32768;"
                            + " --kafka-properties is the old name, still accepted")
    Path kafkaProperties;

    /** What {@link #kafkaProperties} sets, for the figures' conditions. */
    private String kafkaSettings;

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description =
                    "profile the measured runs (e2e, batch1, latency, monitor) with async-profiler:"
                            + " CPU samples of every thread, one <section>.collapsed file each in"
                            + " DIR, and a summary by thread")
    Path profileDir;

    @Option(
            names = "--profile-wall",
            description =
                    "with --profile: sample every thread every 2 ms of wall-clock time, running or"
                            + " waiting (where a task blocks), instead of CPU time")
    boolean profileWall;

    private SectionProfiler profiler;

    @Option(
            names = "--latency-series",
            paramLabel = "DIR",
            description =
                    "write each latency run's latency over time to DIR/<run>.csv: per 100 ms of"
                            + " event time, events, p50 and max processing latency, max visible"
                            + " latency (where the tail comes from)")
    Path latencySeriesDir;

    /**
     * The unmeasured paced run before the latency runs: the first paced run after the throughput
     * runs otherwise still compiles the code that paced traffic exercises (per-request rather than
     * per-record work) while it is measured.
     */
    static final Duration LATENCY_WARM_UP = Duration.ofSeconds(20);

    static final List<String> SECTIONS =
            List.of("scoring", "kafka", "e2e", "batch1", "latency", "monitor", "state", "soak");

    /** The soak runs for minutes: only when asked for with {@code --only soak}. */
    private java.util.Set<String> sections =
            new java.util.HashSet<>(SECTIONS.subList(0, SECTIONS.size() - 1));

    @Option(
            names = "--soak-duration",
            defaultValue = "10m",
            description = "how long the soak runs (default: ${DEFAULT-VALUE})")
    String soakDuration;

    private Duration soakFor;

    @Option(
            names = "--soak-rate",
            description =
                    "events/s for the soak (default: half the sustained rate of the e2e section)")
    Double soakRate;

    @Option(
            names = "--latency-rate",
            description =
                    "events/s for the latency runs (default: half the sustained rate of the e2e"
                            + " section); a fixed rate compares settings at the same load")
    Double latencyRate;

    @Option(
            names = "--warm-up",
            paramLabel = "DURATION",
            description =
                    "how long the recommend job runs unmeasured passes over the first third of the"
                            + " topic before its measured run, so that the JIT compiler has"
                            + " finished with the pipeline's code (at least one pass; default:"
                            + " 60s, quick: one pass)")
    String warmUpFor;

    private Duration warmUp;

    private boolean want(String section) {
        return sections.contains(section);
    }

    /**
     * About a million events through a freshly started JVM before the recommend job stops getting
     * faster on this 2-core machine: the broker, Kafka clients, Flink runtime, RocksDB JNI and
     * Jackson are a lot of code for the one C2 compiler thread.
     */
    static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(60);

    private static final int ITEMS = 10_000;
    private static final int HISTORY = ScoringBenchmark.HISTORY;

    @Override
    public Integer call() throws Exception {
        long e2eEvents = events != null ? events : quick ? 30_000 : 300_000;
        long users = stateUsers != null ? stateUsers : quick ? 20_000 : 1_000_000;
        if (e2eEvents < 1_000) {
            throw new IllegalArgumentException("--events must be at least 1000");
        }
        if (users < 100) {
            throw new IllegalArgumentException("--state-users must be at least 100");
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("--batch-size must be in [1, 4096]");
        }
        io.recstream.jobs.config.KafkaJobConfig.parseFlinkConf(flinkConf); // fails fast
        kafkaSettings = kafkaProperties == null ? null : describe(kafkaProperties);
        soakFor = io.recstream.cli.Durations.parse(soakDuration, "--soak-duration");
        warmUp =
                warmUpFor != null
                        ? io.recstream.cli.Durations.parse(warmUpFor, "--warm-up")
                        : quick ? Duration.ZERO : DEFAULT_WARM_UP;
        if (latencyRate != null && !(latencyRate >= 100)) {
            throw new IllegalArgumentException(
                    "--latency-rate must be at least 100, got " + latencyRate);
        }
        if (soakRate != null && !(soakRate >= 1)) {
            throw new IllegalArgumentException("--soak-rate must be at least 1, got " + soakRate);
        }
        if (only != null && !only.isEmpty()) {
            sections = new java.util.HashSet<>();
            for (String o : only) {
                String name = o.trim().toLowerCase(Locale.ROOT);
                if (!SECTIONS.contains(name)) {
                    throw new IllegalArgumentException(
                            "--only: unknown section '" + o + "'; known: " + SECTIONS);
                }
                sections.add(name);
            }
            if (want("batch1")
                    || want("latency")
                    || want("monitor")
                    || (want("soak") && soakRate == null)) {
                sections.add("e2e");
            }
        }
        Path work =
                workDir != null
                        ? workDir
                        : Path.of(System.getProperty("java.io.tmpdir"), "recstream-bench");
        Files.createDirectories(work);
        System.setProperty("recstream.bench.cache", work.resolve("onnx").toString());
        PrintStream log = System.err;
        if (profileWall && profileDir == null) {
            throw new IllegalArgumentException("--profile-wall needs --profile DIR");
        }
        profiler = SectionProfiler.into(profileDir, profileWall, log);
        long started = System.nanoTime();
        Figures f = new Figures();
        f.context("mode", quick ? "quick" : "full");
        if (flinkConf != null) {
            f.context("flink_conf", flinkConf);
        }
        if (kafkaSettings != null) {
            f.context("kafka_properties", kafkaSettings);
        }
        f.context("date", Instant.now().toString());
        f.context("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        f.context("cpu", cpuModel());
        f.context("java", System.getProperty("java.vm.name") + " " + Runtime.version());

        if (want("scoring")) {
            scoring(f, log);
        }
        if (sections.stream().anyMatch(x -> !x.equals("scoring"))) {
            pipeline(f, work, e2eEvents, users, log);
        }
        f.put("rss_mb", rssMb("VmRSS"), "MiB", "resident memory of this JVM at the end of the run");
        f.put("rss_peak_mb", rssMb("VmHWM"), "MiB", "peak resident memory of this JVM");

        System.out.println();
        f.print(System.out);
        System.out.println();
        printTargets(f, latencyRate == null, System.out);
        if (json != null) {
            f.writeJson(json);
            System.out.println("wrote " + json);
        }
        System.out.printf("bench took %.0f s%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    private void scoring(Figures f, PrintStream log) {
        MicroBenchmarks jmh = new MicroBenchmarks(quick);
        int[] catalogs = quick ? new int[] {ITEMS} : new int[] {ITEMS, 100_000};
        int[] batches = {1, 8, 32, 128};
        if (java.util.stream.IntStream.of(batches).noneMatch(b -> b == batchSize)) {
            batches = java.util.Arrays.copyOf(batches, 5);
            batches[4] = batchSize;
        }
        int[] threadCounts = quick ? new int[] {1} : new int[] {1, 2};
        for (int n : catalogs) {
            for (int t : threadCounts) {
                for (int b : batches) {
                    log.printf("JMH: scoring N=%,d batch %d, %d thread(s)...%n", n, b, t);
                    double batchesPerSecond =
                            jmh.opsPerSecond(
                                    ScoringBenchmark.class,
                                    "items",
                                    Integer.toString(n),
                                    "batch",
                                    Integer.toString(b),
                                    "threads",
                                    Integer.toString(t));
                    double usersPerSecond = batchesPerSecond * b;
                    String cond =
                            String.format(
                                    Locale.ROOT,
                                    "JMH, ONNX Runtime, N=%d D=%d L=%d K=%d, batch %d, %d intra-op thread(s)",
                                    n,
                                    ScoringBenchmark.DIMS,
                                    HISTORY,
                                    ScoringBenchmark.K,
                                    b,
                                    t);
                    String key = "scoring_n" + n + "_b" + b + "_t" + t;
                    f.put(key + "_users_per_s", usersPerSecond, "users/s", cond);
                    f.put(key + "_gflops", gflops(usersPerSecond, n), "GFLOP/s", cond);
                    if (n == ITEMS && b == batchSize && t == 1) {
                        f.put("scoring_users_per_s", usersPerSecond, "users/s", cond);
                        f.put(
                                "scoring_gflops",
                                gflops(usersPerSecond, n),
                                "GFLOP/s",
                                cond + "; 2·N·D per user");
                    }
                }
            }
        }
        // Consumed items are masked inside the model: the cost per user should stay flat.
        for (int excluded : new int[] {0, 100, 1_000}) {
            log.printf(
                    "JMH: scoring N=%,d batch %d with %,d consumed items per user...%n",
                    ITEMS, batchSize, excluded);
            double usersPerSecond =
                    batchSize
                            * jmh.opsPerSecond(
                                    ScoringBenchmark.class,
                                    "items",
                                    Integer.toString(ITEMS),
                                    "batch",
                                    Integer.toString(batchSize),
                                    "threads",
                                    "1",
                                    "excluded",
                                    Integer.toString(excluded));
            f.put(
                    "scoring_excluded_" + excluded + "_users_per_s",
                    usersPerSecond,
                    "users/s",
                    String.format(
                            Locale.ROOT,
                            "JMH, ONNX Runtime, N=%d D=%d L=%d K=%d, batch %d, 1 intra-op thread,"
                                    + " %d consumed items per user masked before TopK",
                            ITEMS,
                            ScoringBenchmark.DIMS,
                            HISTORY,
                            ScoringBenchmark.K,
                            batchSize,
                            excluded));
        }
        int size = quick ? 1024 : 2048;
        for (int t : new int[] {1, 2}) {
            log.printf("JMH: %d³ matrix multiply, %d thread(s)...%n", size, t);
            double ops =
                    jmh.opsPerSecond(
                            MatMulBenchmark.class,
                            "size",
                            Integer.toString(size),
                            "threads",
                            Integer.toString(t));
            double g = ops * 2.0 * size * size * size / 1e9;
            String cond =
                    String.format(
                            Locale.ROOT,
                            "JMH, ONNX Runtime MatMul %d×%d×%d fp32, %d intra-op thread(s)",
                            size,
                            size,
                            size,
                            t);
            f.put(t == 1 ? "gemm_peak_gflops" : "gemm_peak_gflops_2t", g, "GFLOP/s", cond);
        }
        f.put(
                "scoring_to_peak_ratio",
                f.get("scoring_gflops") / f.get("gemm_peak_gflops"),
                "ratio",
                "scoring_gflops / gemm_peak_gflops, both with one intra-op thread");
        log.println("JMH: KL divergence...");
        double kl = jmh.opsPerSecond(DivergenceBenchmark.class, "bins", "21");
        f.put(
                "kl_per_s",
                kl,
                "ops/s",
                "JMH, smoothed KL of a 21-bin histogram against its reference");
    }

    private void pipeline(Figures f, Path work, long e2eEvents, long users, PrintStream log)
            throws Exception {
        int trainEvents = quick ? 100_000 : 400_000;
        try (PipelineBench p = new PipelineBench(work, ITEMS, trainEvents, log)) {
            if (latencySeriesDir != null) {
                p.writeLatencySeriesTo(latencySeriesDir);
            }
            String common =
                    String.format(
                                    Locale.ROOT,
                                    "embedded Kafka + Flink MiniCluster in one JVM, parallelism %d, RocksDB,"
                                            + " checkpoints every %s, N=%d D=64",
                                    PipelineBench.PARALLELISM,
                                    PipelineBench.CHECKPOINT_INTERVAL,
                                    p.modelItems())
                            + (flinkConf == null ? "" : ", --flink-conf '" + flinkConf + "'")
                            + (kafkaSettings == null
                                    ? ""
                                    : ", --command-config '" + kafkaSettings + "'");
            p.flinkConf(flinkConf);
            p.kafkaProperties(kafkaProperties);
            if (want("kafka") || want("e2e")) {
                p.preload(e2eEvents);
            }
            if (want("kafka")) {
                kafka(f, p, e2eEvents, log);
            }
            if (want("e2e")) {
                recommend(f, p, common, e2eEvents, log);
            }
            if (want("soak")) {
                soak(f, p, common, soakFor, log);
            }
            if (want("state")) {
                state(f, p, users, log);
            }
        }
    }

    private void kafka(Figures f, PipelineBench p, long e2eEvents, PrintStream log) {
        log.println("raw Kafka consumption...");
        double consume = p.rawConsume();
        f.put(
                "kafka_consume_per_s",
                consume,
                "records/s",
                "plain read_committed KafkaConsumer over the "
                        + e2eEvents
                        + " pre-loaded interactions (4 partitions), bytes only");
    }

    private void recommend(
            Figures f, PipelineBench p, String common, long e2eEvents, PrintStream log)
            throws Exception {
        // Steady state, as JMH measures scoring: unmeasured passes over the first third of the
        // topic until the warm-up time is spent, so that the measured run does not share the cores
        // with the JIT compiler still working through the pipeline's code.
        long passEvents = Math.max(1_000, e2eEvents / 3);
        log.printf(
                "recommend job, warm-up passes over %,d events for %s (not measured)...%n",
                passEvents, warmUp.isZero() ? "one pass" : warmUp.toSeconds() + " s");
        long warmUpStart = System.nanoTime();
        int passes = 0;
        do {
            PipelineBench.Throughput pass = p.warmUpPass(passes, batchSize, passEvents);
            passes++;
            log.printf(
                    "  warm-up pass %d: %,.0f events/s (%.0f s of %.0f s)%n",
                    passes,
                    pass.eventsPerSecond(),
                    (System.nanoTime() - warmUpStart) / 1e9,
                    warmUp.toMillis() / 1e3);
        } while (System.nanoTime() - warmUpStart < warmUp.toNanos());
        String warmedUp =
                String.format(
                        Locale.ROOT,
                        "%d unmeasured warm-up run%s over %d events each (%.0f s)",
                        passes,
                        passes == 1 ? "" : "s",
                        passEvents,
                        (System.nanoTime() - warmUpStart) / 1e9);
        log.printf("recommend job, exactly once, batch size %d...%n", batchSize);
        PipelineBench.Throughput e2e =
                SectionProfiler.run(
                        profiler,
                        "e2e",
                        w ->
                                p.recommendThroughput(
                                        "bench-b" + batchSize, batchSize, e2eEvents, true, w));
        f.put(
                "e2e_events_per_s",
                e2e.eventsPerSecond(),
                "events/s",
                common
                        + ", exactly once, max batch "
                        + batchSize
                        + String.format(Locale.ROOT, " (mean %.1f)", e2e.meanBatch())
                        + ", sustained rate from 10% to 90% of "
                        + e2eEvents
                        + " events after "
                        + warmedUp
                        + "; "
                        + e2e.verified()
                        + " recommendations verified read_committed, no duplicates");
        f.put(
                "e2e_to_scoring_ratio",
                e2e.eventsPerSecond() / f.get("scoring_users_per_s"),
                "ratio",
                "e2e_events_per_s / scoring_users_per_s at batch " + batchSize);
        f.put(
                "e2e_to_kafka_ratio",
                e2e.eventsPerSecond() / f.get("kafka_consume_per_s"),
                "ratio",
                "e2e_events_per_s / kafka_consume_per_s");

        if (want("batch1")) {
            long b1Events = Math.max(1_000, e2eEvents / 4);
            log.println("recommend job, batch size 1...");
            PipelineBench.Throughput one =
                    SectionProfiler.run(
                            profiler,
                            "batch1",
                            w -> p.recommendThroughput("bench-b1", 1, b1Events, false, w));
            f.put(
                    "e2e_batch1_events_per_s",
                    one.eventsPerSecond(),
                    "events/s",
                    common + ", exactly once, batch size 1, over " + b1Events + " events");
            f.put(
                    "microbatch_speedup",
                    e2e.eventsPerSecond() / one.eventsPerSecond(),
                    "ratio",
                    "e2e_events_per_s / e2e_batch1_events_per_s");
        }

        if (want("latency")) {
            double rate =
                    latencyRate != null ? latencyRate : Math.max(100, e2e.eventsPerSecond() / 2);
            Duration duration = Duration.ofSeconds(quick ? 8 : 30);
            String latencyCond =
                    String.format(
                            Locale.ROOT,
                            "%s, paced at %.0f events/s (%s) for %d s by a"
                                    + " producer with linger.ms %d, first quarter left out%s",
                            common,
                            rate,
                            latencyRate == null
                                    ? "half the sustained rate"
                                    : "--latency-rate, not half load",
                            duration.toSeconds(),
                            PipelineBench.LATENCY_LINGER_MS,
                            quick
                                    ? ""
                                    : ", after an unmeasured "
                                            + LATENCY_WARM_UP.toSeconds()
                                            + " s paced run");
            if (!quick) {
                log.printf(
                        "latency warm-up: %d s at %.0f events/s, at-least-once (not measured)...%n",
                        LATENCY_WARM_UP.toSeconds(), rate);
                log.printf("  p99 %.0f ms%n", p.latencyWarmUp(rate, LATENCY_WARM_UP));
            }
            log.printf("latency at %.0f events/s, at-least-once...%n", rate);
            PipelineBench.LatencyRun alo =
                    SectionProfiler.run(
                            profiler,
                            "latency-alo",
                            w -> p.latency("bench-alo", false, rate, duration, w));
            f.put(
                    "latency_ms_p50_alo",
                    alo.processing().p50(),
                    "ms",
                    latencyCond
                            + ", at-least-once, event time to emit, "
                            + alo.processing().samples()
                            + " samples");
            f.put(
                    "latency_ms_p99_alo",
                    alo.processing().p99(),
                    "ms",
                    latencyCond + ", at-least-once, event time to emit");
            f.put(
                    "latency_ms_p999_alo",
                    alo.processing().p999(),
                    "ms",
                    latencyCond + ", at-least-once, event time to emit");
            log.printf("latency at %.0f events/s, exactly once...%n", rate);
            PipelineBench.LatencyRun eo =
                    SectionProfiler.run(
                            profiler,
                            "latency-eo",
                            w -> p.latency("bench-eo", true, rate, duration, w));
            f.put(
                    "latency_ms_p99_eo",
                    eo.visible().p99(),
                    "ms",
                    latencyCond
                            + ", exactly once, event time to seen by a read_committed consumer"
                            + " (bounded below by the checkpoint interval), "
                            + eo.visible().samples()
                            + " samples");
            f.put(
                    "latency_ms_p50_eo",
                    eo.visible().p50(),
                    "ms",
                    latencyCond + ", exactly once, visible");
            f.put(
                    "latency_ms_p99_eo_processing",
                    eo.processing().p99(),
                    "ms",
                    latencyCond + ", exactly once, event time to emit");
        }

        if (want("monitor")) {
            String recommendations = "recommendations-bench-b" + batchSize;
            // as for the recommend job: an unmeasured run first, so that the measured one runs
            // compiled code rather than sharing the cores with the JIT compiler
            log.println("monitor job, warm-up over a third of its input (not measured)...");
            p.monitorThroughput("bench-monitor-warm-up", recommendations, 1.0 / 3, Window.NONE);
            log.println("monitor job...");
            double monitor =
                    SectionProfiler.run(
                            profiler,
                            "monitor",
                            w -> p.monitorThroughput("bench-monitor", recommendations, 1.0, w));
            f.put(
                    "monitor_records_per_s",
                    monitor,
                    "records/s",
                    common
                            + ", recommendations + feedback (one per three recommendations) read"
                            + " per second, sustained from 10% to 90% of them, after an unmeasured"
                            + " warm-up run over a third; 5-minute windows");
        }
    }

    /**
     * The soak: the recommend job at a steady rate for minutes, sampled. Lag is events sent minus
     * recommendations emitted; memory figures compare the first and last third of the samples;
     * checkpoint durations compare the first and second half of the checkpoints.
     */
    private void soak(Figures f, PipelineBench p, String common, Duration duration, PrintStream log)
            throws Exception {
        double rate = soakRate != null ? soakRate : Math.max(100, f.get("e2e_events_per_s") / 2);
        Duration every = Duration.ofSeconds(Math.max(2, Math.min(30, duration.toSeconds() / 20)));
        log.printf(
                Locale.ROOT,
                "soak at %.0f events/s for %d s, a sample every %d s...%n",
                rate,
                duration.toSeconds(),
                every.toSeconds());
        PipelineBench.Soak soak = p.soak(rate, duration, every);
        List<PipelineBench.SoakSample> all = soak.samples();
        List<PipelineBench.SoakSample> running =
                all.stream().filter(x -> x.seconds() <= duration.toSeconds() + 1).toList();
        PipelineBench.SoakSample last = all.get(all.size() - 1);
        int third = Math.max(1, running.size() / 3);
        List<PipelineBench.SoakSample> first = running.subList(0, third);
        List<PipelineBench.SoakSample> end =
                running.subList(running.size() - third, running.size());
        String cond =
                String.format(
                        Locale.ROOT,
                        "%s, exactly once, paced at %.0f events/s (%s) for %d s, sampled every %d"
                                + " s (%d samples)",
                        common,
                        rate,
                        soakRate == null ? "half the sustained rate" : "--soak-rate",
                        duration.toSeconds(),
                        every.toSeconds(),
                        running.size());
        long maxLag = running.stream().mapToLong(PipelineBench.SoakSample::lag).max().orElse(0);
        f.put("soak_events_per_s", rate, "events/s", cond);
        f.put("soak_lag_max_events", maxLag, "events", cond + "; lag = sent − recommended");
        f.put("soak_lag_max_s", maxLag / rate, "s", "soak_lag_max_events / soak_events_per_s");
        f.put(
                "soak_lag_end_events",
                last.lag(),
                "events",
                "after the producer stopped and the job caught up (waits at most 30 s)");
        putThirds(
                f,
                "soak_heap_mb",
                PipelineBench.SoakSample::liveHeapMb,
                "live heap (after a full GC)",
                first,
                end);
        putThirds(
                f,
                "soak_rss_mb",
                PipelineBench.SoakSample::rssMb,
                "resident memory of this JVM",
                first,
                end);
        List<Long> durations = new java.util.ArrayList<>(soak.checkpointMs().values());
        int half = durations.size() / 2;
        f.put(
                "soak_checkpoint_ms_p50_first_half",
                median(durations.subList(0, half)),
                "ms",
                "end-to-end checkpoint duration, median over the first half of the checkpoints");
        f.put(
                "soak_checkpoint_ms_p50_second_half",
                median(durations.subList(half, durations.size())),
                "ms",
                "end-to-end checkpoint duration, median over the second half of the checkpoints");
        f.put(
                "soak_checkpoint_ms_max",
                durations.stream().mapToLong(Long::longValue).max().orElse(0),
                "ms",
                "longest checkpoint of the soak");
        f.put(
                "soak_checkpoints_completed",
                last.checkpointsCompleted(),
                "checkpoints",
                "completed during the soak (" + durations.size() + " with durations kept)");
        long failedAtStart = all.get(0).checkpointsFailed();
        f.put(
                "soak_checkpoints_failed",
                last.checkpointsFailed() - failedAtStart,
                "checkpoints",
                "failed during the soak, after the first sample");
        f.put(
                "soak_checkpoints_failed_at_start",
                failedAtStart,
                "checkpoints",
                "failed before the first sample: triggered while the job's tasks were starting");
    }

    /** {@code name}_first_third and {@code name}_last_third: the mean of one sampled value. */
    private static void putThirds(
            Figures f,
            String name,
            java.util.function.ToDoubleFunction<PipelineBench.SoakSample> value,
            String what,
            List<PipelineBench.SoakSample> first,
            List<PipelineBench.SoakSample> last) {
        f.put(
                name + "_first_third",
                mean(first, value),
                "MiB",
                what + ", mean over the first third of the samples");
        f.put(
                name + "_last_third",
                mean(last, value),
                "MiB",
                what + ", mean over the last third of the samples");
    }

    private static double mean(
            List<PipelineBench.SoakSample> samples,
            java.util.function.ToDoubleFunction<PipelineBench.SoakSample> value) {
        return samples.stream().mapToDouble(value).average().orElse(Double.NaN);
    }

    private static double median(List<Long> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private void state(Figures f, PipelineBench p, long users, PrintStream log) throws Exception {
        log.printf("state: %,d users × %d items...%n", users, HISTORY);
        PipelineBench.StateSize state = p.stateSize(users, HISTORY);
        StateReadBack.Contents read = state.read();
        boolean complete = read.users() == state.users() && read.fullUsers() == state.users();
        f.put(
                "state_bytes_per_user",
                (double) state.checkpointBytes() / Math.max(1, read.users()),
                "bytes",
                String.format(
                        Locale.ROOT,
                        "full (non-incremental) RocksDB checkpoint of the recommend job's graph"
                                + " (parallelism 1) after %,d users × %d distinct items: %,d bytes;"
                                + " read back with the State Processor API: %,d users, %,d items,"
                                + " %,d users with all %d%s",
                        state.users(),
                        state.itemsPerUser(),
                        state.checkpointBytes(),
                        read.users(),
                        read.items(),
                        read.fullUsers(),
                        state.itemsPerUser(),
                        complete ? "" : " — INCOMPLETE: the checkpoint misses users or items"));
        f.put(
                "state_users_read_back",
                read.users(),
                "users",
                "users whose history the measured checkpoint holds (expected "
                        + state.users()
                        + ")");
        if (!complete) {
            log.printf(
                    "warning: the measured checkpoint holds %,d of %,d users (%,d complete)%n",
                    read.users(), state.users(), read.fullUsers());
        }

        // Real users are not alike: most have a few dozen items, a tail thousands.
        int tailUsers = (int) Math.max(100, users / 10);
        int[] counts = heavyTailed(tailUsers, Math.min(ITEMS, 5_000), 42L);
        long[] sorted = java.util.Arrays.stream(counts).asLongStream().sorted().toArray();
        double meanItems = java.util.Arrays.stream(counts).average().orElse(0);
        log.printf(
                "state: %,d users with heavy-tailed histories (mean %.0f items, p99 %d, max %d)...%n",
                tailUsers, meanItems, quantile(sorted, 0.99), sorted[sorted.length - 1]);
        PipelineBench.StateSize tail = p.stateSize(counts);
        StateReadBack.Contents t = tail.read();
        String how =
                String.format(
                        Locale.ROOT,
                        "%,d users, items per user log-normal (median 40, sigma 1.4, at most"
                                + " 5,000): mean %.0f, p99 %d, max %d; %,d users read back",
                        tailUsers,
                        meanItems,
                        quantile(sorted, 0.99),
                        sorted[sorted.length - 1],
                        t.users());
        f.put(
                "state_heavy_tailed_bytes_per_user_mean",
                (double) tail.checkpointBytes() / Math.max(1, t.users()),
                "bytes",
                "full RocksDB checkpoint / users; " + how);
        f.put(
                "state_heavy_tailed_value_bytes_p50",
                t.valueBytesQuantile(0.5),
                "bytes",
                "a user's history value as Flink serializes it (recent items, event ids,"
                        + " consumed items), median; "
                        + how);
        f.put(
                "state_heavy_tailed_value_bytes_p99",
                t.valueBytesQuantile(0.99),
                "bytes",
                "the same, 99th percentile");
        f.put(
                "state_heavy_tailed_value_bytes_max",
                t.valueBytesQuantile(1.0),
                "bytes",
                "the same, largest");
    }

    /** Items per user: log-normal with median 40 and sigma 1.4, at least 1, at most {@code cap}. */
    static int[] heavyTailed(int users, int cap, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int[] counts = new int[users];
        for (int u = 0; u < users; u++) {
            double n = Math.exp(Math.log(40) + 1.4 * random.nextGaussian());
            counts[u] = (int) Math.max(1, Math.min(cap, Math.round(n)));
        }
        return counts;
    }

    private static long quantile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double gflops(double usersPerSecond, int items) {
        return usersPerSecond * 2.0 * items * ScoringBenchmark.DIMS / 1e9;
    }

    /**
     * The targets of this 2-core machine, side by side with what was measured; the latency targets
     * only when the latency was measured at half load.
     */
    static void printTargets(Figures f, boolean latencyAtHalfLoad, PrintStream out) {
        record Target(String what, double measured, String op, double target) {
            boolean met() {
                return op.equals(">=") ? measured >= target : measured <= target;
            }
        }
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("scoring / matmul peak", f.get("scoring_to_peak_ratio"), ">=", 0.5));
        targets.add(
                new Target("e2e events/s (N=10k, EO)", f.get("e2e_events_per_s"), ">=", 20_000));
        targets.add(new Target("e2e / scoring", f.get("e2e_to_scoring_ratio"), ">=", 0.5));
        targets.add(new Target("micro-batching speed-up", f.get("microbatch_speedup"), ">=", 3));
        double noFigure = Double.NaN;
        targets.add(
                new Target(
                        "p99 latency ALO (ms)",
                        latencyAtHalfLoad ? f.get("latency_ms_p99_alo") : noFigure,
                        "<=",
                        100));
        targets.add(
                new Target(
                        "p99 visible latency EO (ms)",
                        latencyAtHalfLoad ? f.get("latency_ms_p99_eo") : noFigure,
                        "<=",
                        Duration.parse(
                                                "PT"
                                                        + PipelineBench.CHECKPOINT_INTERVAL
                                                                .toUpperCase(Locale.ROOT))
                                        .toMillis()
                                + 500));
        targets.add(new Target("monitor records/s", f.get("monitor_records_per_s"), ">=", 100_000));
        targets.add(new Target("state bytes per user", f.get("state_bytes_per_user"), "<=", 1024));
        if (f.has("state_heavy_tailed_bytes_per_user_mean")) {
            targets.add(
                    new Target(
                            "state bytes per user, heavy-tailed histories (mean)",
                            f.get("state_heavy_tailed_bytes_per_user_mean"),
                            "<=",
                            1024));
        }
        out.printf("%-30s %14s %16s  %s%n", "target", "measured", "target", "");
        for (Target t : targets) {
            out.printf(
                    "%-30s %14s %3s %12s  %s%n",
                    t.what(),
                    Figures.format(t.measured()),
                    t.op(),
                    Figures.format(t.target()),
                    Double.isNaN(t.measured()) ? "not measured" : t.met() ? "met" : "MISSED");
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double rssMb(String field) {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith(field + ":"))
                    .map(l -> l.replaceAll("[^0-9]", ""))
                    .mapToDouble(kb -> Long.parseLong(kb) / 1024.0)
                    .findFirst()
                    .orElse(Double.NaN);
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /**
     * The settings of a {@code --command-config} file as {@code key=value, ...} for the figures'
     * conditions, with the values of secrets left out; fails naming the option when the file cannot
     * be read.
     */
    public static String describe(Path file) {
        java.util.Properties props =
                io.recstream.jobs.config.KafkaJobConfig.loadProperties(file.toString());
        return new java.util.TreeSet<>(props.stringPropertyNames())
                .stream()
                        .map(
                                k ->
                                        k
                                                + "="
                                                + (k.matches("(?i).*(password|jaas|secret).*")
                                                        ? "(hidden)"
                                                        : props.getProperty(k)))
                        .collect(java.util.stream.Collectors.joining(", "));
    }
}
