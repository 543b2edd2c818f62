package io.recstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recstream.jobs.config.MonitorJobConfig;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.kafka.embedded.EmbeddedKafka;
import io.recstream.model.ModelBundle;
import io.recstream.topics.TopicApplier;
import io.recstream.topics.TopicCatalog;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.Trainer;
import io.recstream.training.TrainingEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recstream demo}: the embedded default. A Kafka broker and a Flink MiniCluster in this JVM,
 * a model trained on generated history, the recommend and monitor jobs, and a generator of
 * realistic traffic and delayed feedback, optionally with planted drift; progress while it runs and
 * a summary at the end.
 */
@Command(
        name = "demo",
        description =
                "Run the recommend and monitor jobs on the embedded default: Kafka (KRaft) and Flink"
                        + " (RocksDB) in this JVM, fed by a traffic and feedback generator.")
public final class DemoCommand implements Callable<Integer> {

    private static final String PRIME_PREFIX = "prime-";

    @Option(
            names = "--duration",
            defaultValue = "60s",
            description =
                    "how long to generate traffic (default: ${DEFAULT-VALUE}); Ctrl-C stops early")
    String duration;

    @Option(
            names = "--rate",
            defaultValue = "200",
            description = "events per second (default: ${DEFAULT-VALUE})")
    int rate;

    @InputPath(InputPath.Kind.DIRECTORY)
    @Option(
            names = "--model",
            description = "model bundle to serve (default: train one on generated history)")
    Path model;

    @Option(
            names = "--bootstrap-servers",
            description = "use this Kafka cluster instead of the embedded broker")
    String bootstrapServers;

    @InputPath
    @Option(
            names = "--command-config",
            description = "client properties file for --bootstrap-servers (security settings)")
    Path commandConfig;

    @Option(names = "--summary", description = "write the summary as JSON to this file")
    Path summary;

    @Option(
            names = "--malformed-share",
            defaultValue = "0.01",
            description = "share of malformed events (default: ${DEFAULT-VALUE})")
    double malformedShare;

    @Option(
            names = "--new-user-share",
            defaultValue = "0.02",
            description = "share of events from brand-new users (default: ${DEFAULT-VALUE})")
    double newUserShare;

    @Option(names = "--drift-at", description = "plant drift this long after the start, e.g. 60s")
    String driftAt;

    @Option(
            names = "--drift-end",
            description = "stop the drift this long after the start (default: never)")
    String driftEnd;

    @Option(
            names = "--drift-kind",
            defaultValue = "category-shift",
            description = "category-shift | new-users | new-items (default: ${DEFAULT-VALUE})")
    String driftKind;

    @Option(
            names = "--monitor-window",
            defaultValue = "20s",
            description = "monitor window size (default: ${DEFAULT-VALUE})")
    String monitorWindow;

    @Option(
            names = "--monitor-slide",
            defaultValue = "10s",
            description = "monitor window slide (default: ${DEFAULT-VALUE})")
    String monitorSlide;

    @Option(
            names = "--horizon",
            defaultValue = "15s",
            description =
                    "how long a recommendation waits for feedback (default: ${DEFAULT-VALUE})")
    String horizon;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "parallelism of each job (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "1s",
            description =
                    "checkpoint interval; output becomes visible on each checkpoint (default: ${DEFAULT-VALUE})")
    String checkpointInterval;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "random seed of the generated world (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--metrics-port",
            description = "serve Prometheus metrics of both jobs on this port while the demo runs")
    Integer metricsPort;

    @Option(
            names = "--flink-metrics-port",
            description =
                    "serve Flink's own metrics (checkpoints, backpressure) for Prometheus on this port")
    Integer flinkMetricsPort;

    @Option(
            names = "--metrics-bind",
            defaultValue = "127.0.0.1",
            description = "address of the metrics endpoint (default: ${DEFAULT-VALUE})")
    String metricsBind;

    @Option(
            names = "--work-dir",
            description =
                    "where the trained model and checkpoints go (default: a temporary directory)")
    Path workDir;

    private record Plan(Duration runFor, long driftAtMs, long driftEndMs) {}

    @Override
    public Integer call() throws Exception {
        Plan plan = validate();
        if (bootstrapServers != null) {
            // before training: an unreachable cluster fails in seconds, not after the model
            KafkaReachability.require(
                    KafkaClients.properties(bootstrapServers, commandConfig), "--command-config");
        }
        PrintStream out = System.out;
        Path work = workDir != null ? workDir : Files.createTempDirectory("recstream-demo-");
        Files.createDirectories(work);
        SyntheticWorld world = SyntheticWorld.demo(seed);
        Path bundleDir = model;
        List<TrainingEvent> history = List.of();
        long now = System.currentTimeMillis();
        if (bundleDir == null) {
            bundleDir = work.resolve("model");
            out.printf("training a model on generated history (2,000 items, 3,000 users)...%n");
            history =
                    world.history(
                            3_000, 120_000, now - Duration.ofHours(6).toMillis(), now - 60_000);
            Trainer.Report report =
                    Trainer.train(
                            history,
                            world.itemCategories(),
                            bundleDir,
                            Trainer.Options.defaults().withVersion(null, true),
                            out);
            TrainCommand.printReport(report, out);
        } else {
            while (world.users() < 3_000) {
                world.newUser(); // users of the served model's world
            }
        }
        ModelBundle bundle = ModelBundle.load(bundleDir);

        EmbeddedKafka kafka = null;
        String bootstrap = bootstrapServers;
        if (bootstrap == null) {
            out.println("starting Kafka (KRaft) in this JVM...");
            kafka = EmbeddedKafka.start();
            bootstrap = kafka.bootstrapServers();
            out.printf(
                    "Kafka is at %s while the demo runs: point your own clients at it, e.g."
                            + " kcat -C -b %s -t recommendations -q%n",
                    bootstrap, bootstrap);
        }
        Properties client = KafkaClients.properties(bootstrap, commandConfig);
        if (metricsPort != null) {
            int port = Metrics.serve(metricsBind, metricsPort);
            out.printf("metrics at http://%s:%d/metrics%n", metricsBind, port);
        }
        try (EmbeddedFlink flink = EmbeddedFlink.start(2 * parallelism, flinkMetricsPort)) {
            try (Admin admin = Admin.create(client)) {
                new TopicApplier(admin, Duration.ofSeconds(60))
                        .apply(TopicCatalog.bundled(), false)
                        .forEach(c -> out.println("  topic " + c));
            }
            List<TrainingEvent> priming =
                    history.subList(Math.max(0, history.size() - 60_000), history.size());
            return run(out, plan, world, bundle, bootstrap, client, work, flink, priming);
        } finally {
            Metrics.stop();
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private Plan validate() {
        Duration runFor = Durations.parse(duration, "--duration");
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be >= 1, got " + rate);
        }
        if (malformedShare < 0 || malformedShare >= 1) {
            throw new IllegalArgumentException(
                    "--malformed-share must be in [0, 1), got " + malformedShare);
        }
        if (newUserShare < 0 || newUserShare > 1) {
            throw new IllegalArgumentException(
                    "--new-user-share must be in [0, 1], got " + newUserShare);
        }
        if (!List.of("category-shift", "new-users", "new-items").contains(driftKind)) {
            throw new IllegalArgumentException(
                    "--drift-kind must be category-shift, new-users or new-items, got '"
                            + driftKind
                            + "'");
        }
        long at =
                driftAt == null
                        ? Long.MAX_VALUE
                        : Durations.parse(driftAt, "--drift-at").toMillis();
        long end =
                driftEnd == null
                        ? Long.MAX_VALUE
                        : Durations.parse(driftEnd, "--drift-end").toMillis();
        if (driftEnd != null && (driftAt == null || end <= at)) {
            throw new IllegalArgumentException("--drift-end must come after --drift-at");
        }
        return new Plan(runFor, at, end);
    }

    /** Live counters, shared by the generator, the readers and the progress line. */
    /** p50, p90 and max seconds from a new item's catalogue record to its first showing. */
    private static Map<String, Object> firstShownSeconds(Stats stats) {
        List<Double> secs = new ArrayList<>();
        stats.freshShown.forEach(
                (id, shown) -> secs.add((shown - stats.freshAdded.get(id)) / 1000.0));
        java.util.Collections.sort(secs);
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        if (secs.isEmpty()) {
            return m;
        }
        m.put("p50", secs.get((secs.size() - 1) / 2));
        m.put("p90", secs.get((int) Math.ceil(0.9 * secs.size()) - 1));
        m.put("max", secs.get(secs.size() - 1));
        return m;
    }

    /** Count, mean and max of the job's fold-in delay timer, in seconds. */
    private static Map<String, Object> foldInDelaySeconds() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        io.micrometer.core.instrument.Timer t =
                io.recstream.jobs.metrics.Metrics.registry()
                        .find("recstream.catalogue.fresh.fold_in.delay")
                        .timer();
        long n = t == null ? 0 : t.count();
        m.put("items", n);
        if (n > 0) {
            m.put("mean", t.mean(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0);
            m.put("max", t.max(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0);
        }
        return m;
    }

    private static final class Stats {
        final AtomicLong eventsIn = new AtomicLong();
        final AtomicLong eventsValid = new AtomicLong();
        final AtomicLong recommendations = new AtomicLong();
        final AtomicLong primed = new AtomicLong();
        final AtomicLong foreign = new AtomicLong();
        final AtomicLong feedbackSent = new AtomicLong();
        final Map<Strategy, AtomicLong> strategies = new ConcurrentHashMap<>();
        final LatencyRecorder latency = new LatencyRecorder();
        final List<DriftAlert> alerts = new CopyOnWriteArrayList<>();
        final Map<String, SignalValue> signals = new ConcurrentHashMap<>();
        final AtomicLong lateFeedback = new AtomicLong();

        /** Per user, each item's first consumption in send order; per request, its place. */
        final Map<String, Map<String, Long>> firstConsumed = new ConcurrentHashMap<>();

        final Map<String, Long> requestPlace = new ConcurrentHashMap<>();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong consumedSlots = new AtomicLong();

        /**
         * New items added to the catalogue (when sent), shown in any slot (when the first
         * recommendation holding it was read, read_committed), and given feedback.
         */
        final Map<String, Long> freshAdded = new ConcurrentHashMap<>();

        final Map<String, Long> freshShown = new ConcurrentHashMap<>();
        final java.util.Set<String> freshClicked = ConcurrentHashMap.newKeySet();
        final Map<String, AtomicLong> slotKinds = new ConcurrentHashMap<>();

        /** Records a valid event as it is sent (request key null: not one of ours to judge). */
        void consumed(String requestKey, String user, String item) {
            long place = sent.incrementAndGet();
            firstConsumed
                    .computeIfAbsent(user, u -> new ConcurrentHashMap<>())
                    .putIfAbsent(item, place);
            if (requestKey != null) {
                requestPlace.put(requestKey, place);
            }
        }

        /** Counts the slots of {@code rec} holding an item its user had consumed by the request. */
        void judge(Recommendation rec) {
            for (int i = 0; i < rec.getItemIds().length; i++) {
                slotKinds
                        .computeIfAbsent(rec.slotKind(i).name(), k -> new AtomicLong())
                        .incrementAndGet();
                if (freshAdded.containsKey(rec.getItemIds()[i])) {
                    freshShown.putIfAbsent(rec.getItemIds()[i], System.currentTimeMillis());
                }
            }
            Long place = requestPlace.remove(rec.getRequestKey());
            Map<String, Long> had = firstConsumed.get(rec.getUserId());
            if (place == null || had == null) {
                return;
            }
            for (String item : rec.getItemIds()) {
                Long first = had.get(item);
                if (first != null && first <= place) {
                    consumedSlots.incrementAndGet();
                }
            }
        }

        long strategy(Strategy s) {
            AtomicLong n = strategies.get(s);
            return n == null ? 0 : n.get();
        }
    }

    private int run(
            PrintStream out,
            Plan plan,
            SyntheticWorld world,
            ModelBundle bundle,
            String bootstrap,
            Properties client,
            Path work,
            EmbeddedFlink flink,
            List<TrainingEvent> priming)
            throws Exception {
        String run = "demo-" + Long.toString(System.currentTimeMillis(), 36);
        String model = bundle.directory().toString();
        RecommendJobConfig recConfig =
                RecommendJobConfig.fromArgs(
                        EmbeddedFlink.jobArgs(
                                bootstrap,
                                commandConfig,
                                model,
                                checkpointInterval,
                                parallelism,
                                "--watermark.idleness",
                                "5s",
                                "--popularity.window",
                                "10m",
                                "--popularity.slide",
                                "30s",
                                "--checkpoint-storage",
                                work.resolve("checkpoints/recommend").toUri().toString(),
                                "--transactional-id-prefix",
                                run + "-recommend",
                                "--group-id",
                                run + "-recommend"));

        Stats stats = new Stats();
        DelayQueue<DueFeedback> feedback = new DelayQueue<>();
        FeedbackModel feedbackModel =
                new FeedbackModel(world, seed, Durations.parse(horizon, "--horizon").toMillis());

        out.printf(
                "starting the recommend job on a Flink MiniCluster (parallelism %d, RocksDB, checkpoints every %s)...%n",
                parallelism, checkpointInterval);
        JobID recommend = flink.submitRecommend(recConfig);
        JobID monitor = null;

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            stop.set(true);
                            try {
                                finished.await();
                            } catch (InterruptedException ignored) {
                                Thread.currentThread().interrupt();
                            }
                        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (CommittedReader recs =
                        new CommittedReader(
                                client,
                                recConfig.recommendationsTopic,
                                r -> {
                                    String key = new String(r.key(), StandardCharsets.UTF_8);
                                    if (key.startsWith(PRIME_PREFIX)) {
                                        stats.primed.incrementAndGet();
                                        return;
                                    }
                                    if (!key.startsWith(run + "-")) {
                                        // another producer's event on a shared cluster: not
                                        // the demo's to count
                                        stats.foreign.incrementAndGet();
                                        return;
                                    }
                                    Recommendation rec = JsonCodec.readRecommendation(r.value());
                                    stats.recommendations.incrementAndGet();
                                    stats.latency.record(rec.getEmitTime() - rec.getEventTime());
                                    stats.strategies
                                            .computeIfAbsent(
                                                    rec.getStrategy(), s -> new AtomicLong())
                                            .incrementAndGet();
                                    stats.judge(rec);
                                    feedbackModel.respond(rec, feedback);
                                });
                CommittedReader dead =
                        new CommittedReader(client, recConfig.deadLettersTopic, r -> {});
                CommittedReader alerts =
                        new CommittedReader(
                                client,
                                TopicCatalog.DRIFT_ALERTS,
                                r -> stats.alerts.add(JsonCodec.readDriftAlert(r.value())));
                CommittedReader signals =
                        new CommittedReader(
                                client,
                                TopicCatalog.MONITOR_SIGNALS,
                                r -> {
                                    SignalValue v = JsonCodec.readSignalValue(r.value());
                                    stats.signals.put(
                                            v.getSignal()
                                                    + "|"
                                                    + v.getStrategy()
                                                    + "|"
                                                    + v.getWindowStart(),
                                            v);
                                    if (v.getSignal().equals("late_feedback")) {
                                        stats.lateFeedback.accumulateAndGet(
                                                (long) v.getValue(), Math::max);
                                    }
                                });
                KafkaProducer<byte[], byte[]> producer = producer(client)) {
            AtomicLong sendErrors = new AtomicLong();
            AtomicReference<Exception> firstSendError = new AtomicReference<>();
            // the demo's catalogue: the world's items, as a producer of the catalogue writes them
            Map<String, List<String>> catalogue = world.itemCategories();
            long catalogued = System.currentTimeMillis();
            catalogue.forEach(
                    (id, categories) ->
                            send(
                                    producer,
                                    TopicCatalog.ITEMS,
                                    id,
                                    JsonCodec.item(
                                            new CatalogueItem(
                                                    id,
                                                    categories.toArray(String[]::new),
                                                    true,
                                                    catalogued)),
                                    sendErrors,
                                    firstSendError));
            out.printf(
                    "wrote the catalogue of %,d items to the %s topic%n",
                    catalogue.size(), TopicCatalog.ITEMS);
            if (!priming.isEmpty()) {
                out.printf(
                        "warming up user state with the last %,d events of the history...%n",
                        priming.size());
                int n = 0;
                for (TrainingEvent e : priming) {
                    stats.consumed(null, e.userId(), e.itemId());
                    send(
                            producer,
                            recConfig.interactionsTopic,
                            e.userId(),
                            JsonCodec.interaction(
                                    new Interaction(
                                            PRIME_PREFIX + n++,
                                            e.userId(),
                                            e.itemId(),
                                            InteractionType.VIEW,
                                            null,
                                            e.time())),
                            sendErrors,
                            firstSendError);
                }
                producer.flush();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (stats.primed.get() < priming.size()
                        && System.nanoTime() < deadline
                        && !stop.get()) {
                    Thread.sleep(100);
                }
            }
            long measureFrom = System.currentTimeMillis();
            monitor =
                    flink.submitMonitor(
                            MonitorJobConfig.fromArgs(
                                    EmbeddedFlink.jobArgs(
                                            bootstrap,
                                            commandConfig,
                                            model,
                                            checkpointInterval,
                                            parallelism,
                                            "--watermark.idleness",
                                            "5s",
                                            // the generator writes in time order; feedback
                                            // reported late is meant to be late
                                            "--watermark.out-of-orderness",
                                            "2s",
                                            "--window",
                                            monitorWindow,
                                            "--slide",
                                            monitorSlide,
                                            "--horizon",
                                            horizon,
                                            "--allowed-lateness",
                                            "5s",
                                            "--alert.min-samples",
                                            "50",
                                            "--starting-offsets",
                                            "timestamp:" + measureFrom,
                                            "--checkpoint-storage",
                                            work.resolve("checkpoints/monitor").toUri().toString(),
                                            "--transactional-id-prefix",
                                            run + "-monitor",
                                            "--group-id",
                                            run + "-monitor")));
            out.printf(
                    "starting the monitor job (windows of %s every %s, feedback horizon %s)...%n",
                    monitorWindow, monitorSlide, horizon);

            Generator generator = new Generator(world, newUserShare, malformedShare, run);
            long started = System.currentTimeMillis();
            long end = started + plan.runFor().toMillis();
            long nextProgress = started + 2_000;
            long sent = 0;
            out.printf(
                    "generating %d events/s for %s%s (Ctrl-C to stop early)%n",
                    rate,
                    plan.runFor(),
                    driftAt == null
                            ? ""
                            : ", "
                                    + driftKind
                                    + " drift from "
                                    + driftAt
                                    + (driftEnd == null ? "" : " to " + driftEnd));
            boolean announced = false;
            while (!stop.get() && System.currentTimeMillis() < end) {
                long now = System.currentTimeMillis();
                long elapsed = now - started;
                boolean drifting = elapsed >= plan.driftAtMs() && elapsed < plan.driftEndMs();
                if (drifting && !announced) {
                    out.printf("[%4ds] planting drift: %s%n", elapsed / 1000, driftKind);
                    announced = true;
                    if ("new-items".equals(driftKind)) {
                        // new items enter the catalogue before users find them
                        Map<String, List<String>> worldCategories = world.itemCategories();
                        for (int i = 0; i < Generator.NEW_ITEMS; i++) {
                            String id = Generator.newItemId(i);
                            stats.freshAdded.put(id, System.currentTimeMillis());
                            send(
                                    producer,
                                    TopicCatalog.ITEMS,
                                    id,
                                    JsonCodec.item(
                                            new CatalogueItem(
                                                    id,
                                                    Generator.newItemCategories(worldCategories, i),
                                                    true,
                                                    now)),
                                    sendErrors,
                                    firstSendError);
                        }
                        producer.flush();
                        out.printf(
                                "[%4ds] added %d new items to the %s topic%n",
                                elapsed / 1000, Generator.NEW_ITEMS, TopicCatalog.ITEMS);
                    }
                }
                long due = elapsed * rate / 1000;
                while (sent < due) {
                    Generator.Event e = generator.next(now, drifting ? driftKind : null);
                    if (e.valid()) {
                        stats.consumed(e.requestKey(), e.key(), e.itemId());
                    }
                    send(
                            producer,
                            recConfig.interactionsTopic,
                            e.key(),
                            e.value(),
                            sendErrors,
                            firstSendError);
                    stats.eventsIn.incrementAndGet();
                    if (e.valid()) {
                        stats.eventsValid.incrementAndGet();
                    }
                    sent++;
                }
                for (DueFeedback f = feedback.poll(); f != null; f = feedback.poll()) {
                    send(
                            producer,
                            TopicCatalog.FEEDBACK,
                            f.feedback().getUserId(),
                            JsonCodec.feedback(f.feedback()),
                            sendErrors,
                            firstSendError);
                    stats.feedbackSent.incrementAndGet();
                    if (stats.freshAdded.containsKey(f.feedback().getItemId())) {
                        stats.freshClicked.add(f.feedback().getItemId());
                    }
                }
                if (now >= nextProgress) {
                    progress(out, elapsed, stats, dead.count());
                    nextProgress += 2_000;
                }
                Thread.sleep(5);
            }
            producer.flush();
            if (sendErrors.get() > 0) {
                throw new IllegalStateException(
                        sendErrors.get() + " records could not be sent", firstSendError.get());
            }
            out.printf(
                    "generator stopped; waiting for the last recommendations (next checkpoint)...%n");
            long expected = stats.eventsValid.get();
            long drainDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (stats.recommendations.get() < expected && System.nanoTime() < drainDeadline) {
                Thread.sleep(100);
            }
            boolean drained =
                    stats.recommendations.get() >= expected
                            & dead.awaitCount(
                                    stats.eventsIn.get() - stats.eventsValid.get(),
                                    Duration.ofSeconds(30));
            Thread.sleep(1_500); // a moment to see duplicates, were there any, and the last signals
            long elapsed = System.currentTimeMillis() - started;
            progress(out, elapsed, stats, dead.count());

            Map<String, Object> s = summaryOf(stats, dead.count(), bundle, elapsed, drained);
            out.println();
            out.println("summary:");
            s.forEach(
                    (k, v) -> {
                        if (!(v instanceof List<?>)) {
                            out.printf("  %-28s %s%n", k, v);
                        }
                    });
            out.printf("  %-28s %d%n", "alerts", stats.alerts.size());
            for (DriftAlert a : stats.alerts) {
                out.printf("    %-8s %s%n", a.getState(), a.getSummary());
            }
            if (summary != null) {
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(summary.toFile(), s);
                out.println("summary written to " + summary);
            }
            if (stats.recommendations.get() != stats.eventsValid.get()) {
                System.err.printf(
                        "error: %d valid events but %d recommendations%n",
                        stats.eventsValid.get(), stats.recommendations.get());
                return 1;
            }
            return 0;
        } finally {
            if (monitor != null) {
                flink.cancel(monitor);
            }
            flink.cancel(recommend);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for us
            }
        }
    }

    private Map<String, Object> summaryOf(
            Stats stats, long deadLetters, ModelBundle bundle, long elapsed, boolean drained) {
        long windowMs = Durations.parse(monitorWindow, "--monitor-window").toMillis();
        long outcomes = 0;
        double hits = 0;
        double gain = 0;
        for (SignalValue v : stats.signals.values()) {
            // windows that start on a multiple of their size do not overlap
            if (!v.getStrategy().equals("ALL") || v.getWindowStart() % windowMs != 0) {
                continue;
            }
            switch (v.getSignal()) {
                case "outcomes" -> outcomes += (long) v.getValue();
                case "hit_rate_at_k" -> hits += v.getValue() * v.getSamples();
                case "ndcg_at_k" -> gain += v.getValue() * v.getSamples();
                default -> {}
            }
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("events_in", stats.eventsIn.get());
        s.put("events_valid", stats.eventsValid.get());
        s.put("dead_letters", deadLetters);
        // re-sent events (an event_id the user already had) that the job answered once
        s.put(
                "duplicates_dropped",
                (long) io.recstream.jobs.dedup.Deduplicate.counter("interaction").count());
        s.put("recommendations_out", stats.recommendations.get());
        // on a shared cluster: recommendations for other producers' events on the same topics
        s.put("recommendations_not_ours", stats.foreign.get());
        s.put("cold_start_recommendations", stats.strategy(Strategy.POPULAR));
        s.put("model_recommendations", stats.strategy(Strategy.MODEL));
        // items the user had consumed by the request (never served within --seen.retention)
        s.put("served_slots_already_consumed", stats.consumedSlots.get());
        Map<String, Long> kinds = new java.util.TreeMap<>();
        stats.slotKinds.forEach((k, v) -> kinds.put(k, v.get()));
        s.put("served_slots_by_kind", kinds);
        s.put("new_items_added", stats.freshAdded.size());
        s.put("new_items_shown", stats.freshShown.size());
        // from a new item's catalogue record to the first recommendation holding it, as an app
        // reading read_committed sees it (so it includes the checkpoint that commits it)
        s.put("new_items_first_shown_s", firstShownSeconds(stats));
        // from a new item's k-th interaction to its being scored by fold-in (the job's timer)
        s.put("fold_in_delay_s", foldInDelaySeconds());
        s.put("new_items_with_feedback", stats.freshClicked.size());
        s.put("deadline_fallbacks", stats.strategy(Strategy.DEADLINE_FALLBACK));
        s.put("latency_ms_p50", stats.latency.percentile(0.50));
        s.put("latency_ms_p99", stats.latency.percentile(0.99));
        s.put(
                "latency_note",
                "event time to emit time; with exactly-once, records become visible on the next checkpoint");
        s.put("model_version", bundle.version());
        s.put("feedback_sent", stats.feedbackSent.get());
        s.put("outcomes", outcomes);
        s.put("hit_rate_at_k", outcomes == 0 ? null : hits / outcomes);
        s.put("ndcg_at_k", outcomes == 0 ? null : gain / outcomes);
        s.put("late_feedback", stats.lateFeedback.get());
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (DriftAlert a : stats.alerts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("signal", a.getSignal());
            m.put("state", a.getState().name());
            m.put("value", a.getValue());
            m.put("window_end", a.getWindowEnd());
            alerts.add(m);
        }
        s.put("alerts", alerts);
        s.put("duration_s", elapsed / 1000.0);
        s.put("complete", drained && stats.recommendations.get() == stats.eventsValid.get());
        return s;
    }

    private static void progress(PrintStream out, long elapsedMs, Stats s, long dead) {
        long recs = s.recommendations.get();
        double cold = recs == 0 ? 0 : 100.0 * s.strategy(Strategy.POPULAR) / recs;
        SignalValue latestHit = null;
        for (SignalValue v : s.signals.values()) {
            if (v.getSignal().equals("hit_rate_at_k")
                    && v.getStrategy().equals("ALL")
                    && (latestHit == null || v.getWindowEnd() > latestHit.getWindowEnd())) {
                latestHit = v;
            }
        }
        out.printf(
                "[%4ds] events %,d (valid %,d) | recs %,d | cold %.1f%% | dead letters %,d | latency p50 %d ms p99 %d ms"
                        + " | feedback %,d | hit-rate@k %s | alerts %d%n",
                elapsedMs / 1000,
                s.eventsIn.get(),
                s.eventsValid.get(),
                recs,
                cold,
                dead,
                s.latency.percentile(0.5),
                s.latency.percentile(0.99),
                s.feedbackSent.get(),
                latestHit == null ? "-" : String.format("%.3f", latestHit.getValue()),
                s.alerts.size());
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            String key,
            byte[] value,
            AtomicLong errors,
            AtomicReference<Exception> first) {
        producer.send(
                new ProducerRecord<>(
                        topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value),
                (md, ex) -> {
                    if (ex != null) {
                        errors.incrementAndGet();
                        first.compareAndSet(null, ex);
                    }
                });
    }

    private static KafkaProducer<byte[], byte[]> producer(Properties client) {
        return KafkaClients.producer(client, 5, 0);
    }
}
