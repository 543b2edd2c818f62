package io.recstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.kafka.embedded.EmbeddedKafka;
import io.recstream.model.ModelBundle;
import io.recstream.topics.TopicApplier;
import io.recstream.topics.TopicCatalog;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.Trainer;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recstream demo}: the embedded default. A Kafka broker and a Flink MiniCluster in this JVM,
 * a model trained on generated history, the recommend job, and a generator of realistic traffic;
 * progress while it runs and a summary at the end.
 */
@Command(
        name = "demo",
        description =
                "Run the recommend job on the embedded default: Kafka (KRaft) and Flink (RocksDB)"
                        + " in this JVM, fed by a traffic generator.")
public final class DemoCommand implements Callable<Integer> {

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

    @Option(
            names = "--model",
            description = "model bundle to serve (default: train one on generated history)")
    Path model;

    @Option(
            names = "--bootstrap-servers",
            description = "use this Kafka cluster instead of the embedded broker")
    String bootstrapServers;

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
            defaultValue = "0.05",
            description = "share of events from brand-new users (default: ${DEFAULT-VALUE})")
    double newUserShare;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "job parallelism (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "1s",
            description =
                    "checkpoint interval; recommendations become visible on each checkpoint (default: ${DEFAULT-VALUE})")
    String checkpointInterval;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "random seed of the generated world (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--work-dir",
            description =
                    "where the trained model and checkpoints go (default: a temporary directory)")
    Path workDir;

    @Override
    public Integer call() throws Exception {
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
        PrintStream out = System.out;
        Path work = workDir != null ? workDir : Files.createTempDirectory("recstream-demo-");
        Files.createDirectories(work);
        SyntheticWorld world = SyntheticWorld.demo(seed);
        Path bundleDir = model;
        if (bundleDir == null) {
            bundleDir = work.resolve("model");
            long now = System.currentTimeMillis();
            out.printf("training a model on generated history (2,000 items, 3,000 users)...%n");
            Trainer.Report report =
                    Trainer.train(
                            world.history(
                                    3_000,
                                    120_000,
                                    now - Duration.ofDays(14).toMillis(),
                                    now - 60_000),
                            world.itemCategories(),
                            bundleDir,
                            Trainer.Options.defaults().withVersion(null, true),
                            out);
            TrainCommand.printReport(report, out);
        } else {
            // Users of the served model's world still need to exist in the generator.
            while (world.users() < 3_000) {
                world.newUser();
            }
        }
        ModelBundle bundle = ModelBundle.load(bundleDir);

        EmbeddedKafka kafka = null;
        String bootstrap = bootstrapServers;
        if (bootstrap == null) {
            out.println("starting Kafka (KRaft) in this JVM...");
            kafka = EmbeddedKafka.start();
            bootstrap = kafka.bootstrapServers();
        }
        Properties client = KafkaClients.properties(bootstrap, commandConfig);
        try {
            try (Admin admin = Admin.create(client)) {
                new TopicApplier(admin, Duration.ofSeconds(60))
                        .apply(TopicCatalog.bundled(), false)
                        .forEach(c -> out.println("  topic " + c));
            }
            return run(out, world, bundle, bootstrap, client, work, runFor);
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private int run(
            PrintStream out,
            SyntheticWorld world,
            ModelBundle bundle,
            String bootstrap,
            Properties client,
            Path work,
            Duration runFor)
            throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                bootstrap,
                                "--model",
                                bundle.directory().toString(),
                                "--checkpoint-interval",
                                checkpointInterval,
                                "--transaction-timeout",
                                "5m",
                                "--parallelism",
                                Integer.toString(parallelism),
                                "--popularity.window",
                                "10m",
                                "--popularity.slide",
                                "30s",
                                "--checkpoint-storage",
                                work.resolve("checkpoints").toUri().toString(),
                                "--transactional-id-prefix",
                                "recstream-demo-" + System.currentTimeMillis()));
        if (commandConfig != null) {
            args.addAll(List.of("--kafka-properties", commandConfig.toString()));
        }
        RecommendJobConfig config = RecommendJobConfig.fromArgs(args.toArray(String[]::new));

        LatencyRecorder latency = new LatencyRecorder();
        Map<Strategy, AtomicLong> strategies = new LinkedHashMap<>();
        for (Strategy s : Strategy.values()) {
            strategies.put(s, new AtomicLong());
        }
        AtomicLong eventsIn = new AtomicLong();
        AtomicLong eventsValid = new AtomicLong();
        AtomicLong sendErrors = new AtomicLong();
        AtomicReference<Exception> firstSendError = new AtomicReference<>();

        out.printf(
                "starting the recommend job on a Flink MiniCluster (parallelism %d, RocksDB, checkpoints every %s)...%n",
                parallelism, checkpointInterval);
        JobClient job = EmbeddedJob.start(config, parallelism);
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
        long started = System.currentTimeMillis();
        try (CommittedReader recs =
                        new CommittedReader(
                                client,
                                config.recommendationsTopic,
                                r -> {
                                    Recommendation rec = JsonCodec.readRecommendation(r.value());
                                    latency.record(rec.getEmitTime() - rec.getEventTime());
                                    strategies.get(rec.getStrategy()).incrementAndGet();
                                });
                CommittedReader dead =
                        new CommittedReader(client, config.deadLettersTopic, r -> {});
                KafkaProducer<byte[], byte[]> producer = producer(client)) {
            Generator generator = new Generator(world, newUserShare, malformedShare, seed);
            long end = started + runFor.toMillis();
            long nextProgress = started + 2_000;
            long sent = 0;
            out.printf("generating %d events/s for %s (Ctrl-C to stop early)%n", rate, runFor);
            while (!stop.get() && System.currentTimeMillis() < end) {
                long now = System.currentTimeMillis();
                long due = (now - started) * rate / 1000;
                while (sent < due) {
                    Generator.Event e = generator.next(now);
                    producer.send(
                            new ProducerRecord<>(config.interactionsTopic, e.key(), e.value()),
                            (md, ex) -> {
                                if (ex != null) {
                                    sendErrors.incrementAndGet();
                                    firstSendError.compareAndSet(null, ex);
                                }
                            });
                    eventsIn.incrementAndGet();
                    if (e.valid()) {
                        eventsValid.incrementAndGet();
                    }
                    sent++;
                }
                if (now >= nextProgress) {
                    progress(
                            out,
                            now - started,
                            eventsIn.get(),
                            eventsValid.get(),
                            recs.count(),
                            strategies,
                            dead.count(),
                            latency);
                    nextProgress += 2_000;
                }
                Thread.sleep(5);
            }
            producer.flush();
            if (sendErrors.get() > 0) {
                throw new IllegalStateException(
                        sendErrors.get() + " events could not be sent", firstSendError.get());
            }
            out.printf(
                    "generator stopped; waiting for the last recommendations (next checkpoint)...%n");
            boolean drained =
                    recs.awaitCount(eventsValid.get(), Duration.ofSeconds(90))
                            & dead.awaitCount(
                                    eventsIn.get() - eventsValid.get(), Duration.ofSeconds(30));
            Thread.sleep(1_000); // a moment to see duplicates, were there any
            long elapsed = System.currentTimeMillis() - started;
            progress(
                    out,
                    elapsed,
                    eventsIn.get(),
                    eventsValid.get(),
                    recs.count(),
                    strategies,
                    dead.count(),
                    latency);
            job.cancel().get();

            Map<String, Object> s = new LinkedHashMap<>();
            s.put("events_in", eventsIn.get());
            s.put("events_valid", eventsValid.get());
            s.put("dead_letters", dead.count());
            s.put("recommendations_out", recs.count());
            s.put("cold_start_recommendations", strategies.get(Strategy.POPULAR).get());
            s.put("model_recommendations", strategies.get(Strategy.MODEL).get());
            s.put("deadline_fallbacks", strategies.get(Strategy.DEADLINE_FALLBACK).get());
            s.put("latency_ms_p50", latency.percentile(0.50));
            s.put("latency_ms_p99", latency.percentile(0.99));
            s.put(
                    "latency_note",
                    "event time to emit time; with exactly-once, records become visible on the next checkpoint");
            s.put("model_version", bundle.version());
            s.put("duration_s", elapsed / 1000.0);
            s.put("complete", drained && recs.count() == eventsValid.get());
            out.println();
            out.println("summary:");
            s.forEach((k, v) -> out.printf("  %-28s %s%n", k, v));
            if (summary != null) {
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(summary.toFile(), s);
                out.println("summary written to " + summary);
            }
            if (recs.count() != eventsValid.get()) {
                System.err.printf(
                        "error: %d valid events but %d recommendations%n",
                        eventsValid.get(), recs.count());
                return 1;
            }
            return 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for us
            }
        }
    }

    private static void progress(
            PrintStream out,
            long elapsedMs,
            long in,
            long valid,
            long recs,
            Map<Strategy, AtomicLong> strategies,
            long dead,
            LatencyRecorder latency) {
        double cold = recs == 0 ? 0 : 100.0 * strategies.get(Strategy.POPULAR).get() / recs;
        out.printf(
                "[%4ds] events in %,d (valid %,d) | recommendations %,d | cold-start %.1f%% | dead letters %,d | latency p50 %d ms p99 %d ms%n",
                elapsedMs / 1000,
                in,
                valid,
                recs,
                cold,
                dead,
                latency.percentile(0.5),
                latency.percentile(0.99));
    }

    private static KafkaProducer<byte[], byte[]> producer(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Live traffic from the synthetic world, with a share of malformed records. */
    static final class Generator {
        record Event(byte[] key, byte[] value, boolean valid) {}

        private final SyntheticWorld world;
        private final double newUserShare;
        private final double malformedShare;
        private final String runId;
        private long n;

        Generator(SyntheticWorld world, double newUserShare, double malformedShare, long seed) {
            this.world = world;
            this.newUserShare = newUserShare;
            this.malformedShare = malformedShare;
            this.runId = Long.toString(System.currentTimeMillis(), 36) + "-" + seed;
        }

        Event next(long now) {
            n++;
            if (world.nextDouble() < malformedShare) {
                return new Event(null, malformed(now), false);
            }
            int user = world.nextDouble() < newUserShare ? world.newUser() : world.randomUser();
            String userId = SyntheticWorld.userId(user);
            InteractionType type =
                    world.nextDouble() < 0.9 ? InteractionType.VIEW : InteractionType.PURCHASE;
            byte[] json =
                    JsonCodec.interaction(
                            new Interaction(
                                    runId + "-" + n,
                                    userId,
                                    SyntheticWorld.itemId(world.pick(user)),
                                    type,
                                    null,
                                    now));
            return new Event(userId.getBytes(StandardCharsets.UTF_8), json, true);
        }

        private byte[] malformed(long now) {
            String json =
                    switch ((int) (n % 5)) {
                        case 0 -> "{\"event_id\":\"bad-" + n + "\",\"user_id\":";
                        case 1 ->
                                "{\"event_id\":\"bad-"
                                        + n
                                        + "\",\"item_id\":\"item-1\",\"type\":\"VIEW\",\"timestamp\":"
                                        + now
                                        + "}";
                        case 2 ->
                                "{\"event_id\":\"bad-"
                                        + n
                                        + "\",\"user_id\":\"u\",\"item_id\":\"item-1\",\"type\":\"TELEPORT\",\"timestamp\":"
                                        + now
                                        + "}";
                        case 3 ->
                                "{\"event_id\":\"bad-"
                                        + n
                                        + "\",\"user_id\":\"u\",\"item_id\":\"item-1\",\"type\":\"VIEW\",\"timestamp\":-1}";
                        default ->
                                "{\"event_id\":\"bad-"
                                        + n
                                        + "\",\"user_id\":7,\"item_id\":\"item-1\",\"type\":\"VIEW\",\"timestamp\":"
                                        + now
                                        + "}";
                    };
            return json.getBytes(StandardCharsets.UTF_8);
        }
    }
}
