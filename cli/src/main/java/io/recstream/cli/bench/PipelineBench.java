package io.recstream.cli.bench;

import io.micrometer.core.instrument.Counter;
import io.recstream.cli.EmbeddedFlink;
import io.recstream.cli.bench.SectionProfiler.Window;
import io.recstream.jobs.config.JobSetup;
import io.recstream.jobs.config.MonitorJobConfig;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.jobs.recommend.RecommendJob;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.jobs.serde.RecordFormat;
import io.recstream.jobs.serde.ValidatingDeserializer;
import io.recstream.kafka.embedded.EmbeddedKafka;
import io.recstream.model.ModelBundle;
import io.recstream.topics.TopicApplier;
import io.recstream.topics.TopicCatalog;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.Trainer;
import io.recstream.training.TrainingEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The whole-pipeline measurements of {@code recstream bench}, on the embedded default (Kafka broker
 * and Flink MiniCluster in this JVM, RocksDB, parallelism 2): sustained recommend-job throughput
 * from a pre-loaded topic, the same with batch size 1, raw Kafka consumption of that topic, latency
 * at half load with at-least-once and exactly-once output, the monitor job's throughput, and state
 * bytes per user in a completed checkpoint.
 */
final class PipelineBench implements AutoCloseable {

    static final int PARALLELISM = 2;
    static final String CHECKPOINT_INTERVAL = "2s";

    /**
     * Event time of the pre-loaded events advances as live traffic at 20,000 events/s would (50 µs
     * an event), so time-based work (popularity panes, windows) costs what it costs live.
     */
    static final double STEP_MS = 0.05;

    private final Path work;
    private final PrintStream log;
    private final EmbeddedKafka kafka;
    private final EmbeddedFlink flink;
    private final SyntheticWorld world;
    private final Path model;
    private final io.recstream.model.Vocabulary vocabulary;
    private long preloadedEvents;
    private final List<String[]> recommended = new ArrayList<>(); // user, first item, request key
    private long firstEventTime;
    private Path latencySeries;

    PipelineBench(Path work, int items, int trainEvents, PrintStream log) throws Exception {
        this.work = Files.createDirectories(work);
        this.log = log;
        // A flatter popularity than the demo's, so every one of the N items is in the model.
        this.world = new SyntheticWorld(items, 20, 0.6, 0.85, 5L);
        this.model = bundle(items, trainEvents);
        this.vocabulary = ModelBundle.load(model).vocabulary();
        this.kafka = EmbeddedKafka.start();
        try (Admin admin = admin()) {
            new TopicApplier(admin, Duration.ofSeconds(60)).apply(TopicCatalog.bundled(), false);
        }
        this.flink = EmbeddedFlink.start(2 * PARALLELISM);
    }

    /** Each latency run also writes its latency over time to {@code dir}/{@code <run>.csv}. */
    void writeLatencySeriesTo(Path dir) throws IOException {
        latencySeries = Files.createDirectories(dir);
    }

    int modelItems() {
        return vocabulary.size();
    }

    /** Trains (once; kept in the work folder) a D = 64 model over the synthetic catalog. */
    private Path bundle(int items, int trainEvents) throws IOException {
        // "-masked": the graph that masks consumed items; a bundle from before it is not reused
        Path dir = work.resolve("model-" + items + "-" + trainEvents + "-masked");
        if (Files.exists(dir.resolve(ModelBundle.CARD_FILE))) {
            return dir;
        }
        log.printf("training a D=64 model over %,d items (kept in %s)...%n", items, dir);
        long now = System.currentTimeMillis();
        List<TrainingEvent> history =
                world.history(
                        Math.max(2_000, trainEvents / 40),
                        trainEvents,
                        now - Duration.ofDays(2).toMillis(),
                        now - Duration.ofHours(1).toMillis());
        Trainer.train(
                history,
                world.itemCategories(),
                dir,
                Trainer.Options.defaults().withDimensions(64).withVersion("bench-v1", true),
                new PrintStream(OutputStream.nullOutputStream()));
        return dir;
    }

    // ---------------------------------------------------------------- producing and reading

    private Properties producerProps() {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return io.recstream.cli.KafkaClients.producerProperties(client, 20, 262_144);
    }

    /**
     * A producer with Kafka's default batching (linger.ms 5): what an application's producer does,
     * and at most 5 ms of the measured latency.
     */
    private Properties latencyProducerProps() {
        Properties p = producerProps();
        p.put("linger.ms", Integer.toString(LATENCY_LINGER_MS));
        p.put("batch.size", "16384");
        return p;
    }

    static final int LATENCY_LINGER_MS = 5;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Interaction nextInteraction(long n, long timestamp) {
        int user = n % 20 == 0 ? world.newUser() : world.randomUser();
        return new Interaction(
                "e-" + n,
                SyntheticWorld.userId(user),
                SyntheticWorld.itemId(world.pick(user)),
                InteractionType.CLICK,
                null,
                timestamp);
    }

    /** Writes {@code events} interactions to the interactions topic before any job reads it. */
    void preload(long events) throws Exception {
        log.printf("pre-loading %,d interactions...%n", events);
        firstEventTime = System.currentTimeMillis() - (long) (events * STEP_MS) - 60_000;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            for (long n = 0; n < events; n++) {
                Interaction i = nextInteraction(n, firstEventTime + (long) (n * STEP_MS));
                pending.add(
                        producer.send(
                                new ProducerRecord<>(
                                        TopicCatalog.INTERACTIONS,
                                        utf8(i.getUserId()),
                                        JsonCodec.interaction(i))));
                if (pending.size() >= 10_000) {
                    for (Future<RecordMetadata> f : pending) {
                        f.get();
                    }
                    pending.clear();
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : pending) {
                f.get();
            }
        }
        preloadedEvents = events;
    }

    private Properties consumerProps(boolean readCommitted) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "5000");
        p.put("fetch.max.bytes", Integer.toString(64 << 20));
        p.put("max.partition.fetch.bytes", Integer.toString(8 << 20));
        if (readCommitted) {
            p.put("isolation.level", "read_committed");
        }
        return p;
    }

    private KafkaConsumer<byte[], byte[]> consumerFromStart(String topic, boolean readCommitted) {
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        consumerProps(readCommitted),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
        List<TopicPartition> partitions =
                c.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }

    /** Records/s of a plain consumer reading the pre-loaded topic from the start. */
    double rawConsume() {
        try (KafkaConsumer<byte[], byte[]> c = consumerFromStart(TopicCatalog.INTERACTIONS, true)) {
            c.poll(Duration.ZERO); // metadata and positions before the clock starts
            long read = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + Duration.ofMinutes(5).toNanos();
            while (read < preloadedEvents && System.nanoTime() < deadline) {
                read += c.poll(Duration.ofMillis(200)).count();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (read < preloadedEvents) {
                throw new IllegalStateException(
                        "read only " + read + " of " + preloadedEvents + " pre-loaded records");
            }
            return read / secs;
        }
    }

    // ---------------------------------------------------------------- jobs

    private static double counterTotal(String name, String tag, String value) {
        return Metrics.registry().find(name).counters().stream()
                .filter(c -> tag == null || value.equals(c.getId().getTag(tag)))
                .mapToDouble(Counter::count)
                .sum();
    }

    /**
     * Options of a bench job (recommend or monitor): its own group and transactional ids, from the
     * start of the topics, {@code output} as the recommendations topic, plus {@code extra} and the
     * bench's {@code --flink-conf}.
     */
    private String[] jobArgs(String run, String output, String... extra) {
        List<String> args =
                new ArrayList<>(
                        Arrays.asList(
                                EmbeddedFlink.jobArgs(
                                        kafka.bootstrapServers(),
                                        null,
                                        model.toString(),
                                        CHECKPOINT_INTERVAL,
                                        PARALLELISM,
                                        "--group-id",
                                        run,
                                        "--transactional-id-prefix",
                                        run,
                                        "--starting-offsets",
                                        "earliest",
                                        "--recommendations-topic",
                                        output,
                                        "--checkpoint-storage",
                                        work.resolve("checkpoints").toUri().toString())));
        args.addAll(List.of(extra));
        return withJobOptions(args);
    }

    /** {@code --flink-conf} for every job this bench runs (null: none). */
    private String flinkConf;

    void flinkConf(String pairs) {
        this.flinkConf = pairs;
    }

    /** {@code --command-config} for every job this bench runs (null: none). */
    private Path kafkaProperties;

    void kafkaProperties(Path file) {
        this.kafkaProperties = file;
    }

    /** {@code args} plus the options every job of this bench gets: Kafka settings, Flink conf. */
    private String[] withJobOptions(List<String> args) {
        List<String> all = new ArrayList<>(args);
        if (kafkaProperties != null) {
            all.add("--command-config");
            all.add(kafkaProperties.toAbsolutePath().toString());
        }
        if (flinkConf != null) {
            all.add("--flink-conf");
            all.add(flinkConf);
        }
        return all.toArray(String[]::new);
    }

    private void createTopics(String... topics) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(Stream.of(topics).map(t -> new NewTopic(t, 4, (short) 1)).toList())
                    .all()
                    .get();
            new TopicApplier(admin, Duration.ofSeconds(60)).awaitLeaders(List.of(topics));
        }
    }

    /**
     * Sustained rate: the slope of {@code count} between 10% and 90% of {@code target}, the part
     * {@code window} is open for.
     */
    private double sustainedRate(
            DoubleSupplier count, double base, double target, String what, Window window)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        double lowMark = base + 0.1 * target;
        double highMark = base + 0.9 * target;
        long lowAt = 0;
        double lowCount = 0;
        double last = base;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            double c = count.getAsDouble();
            long now = System.nanoTime();
            if (c != last) {
                last = c;
                lastChange = now;
            } else if (now - lastChange > Duration.ofMinutes(2).toNanos()) {
                throw new IllegalStateException(
                        what + " stalled at " + (long) (c - base) + " of " + (long) target);
            }
            if (lowAt == 0 && c >= lowMark) {
                lowAt = now;
                lowCount = c;
                window.open();
            }
            if (lowAt != 0 && c >= highMark) {
                window.close();
                return (c - lowCount) / ((now - lowAt) / 1e9);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(what + " did not finish within 15 minutes");
    }

    /** Result of one throughput run of the recommend job. */
    record Throughput(double eventsPerSecond, double meanBatch, long verified) {}

    /**
     * Runs the recommend job over the pre-loaded topic with micro-batches of up to {@code batch}
     * and measures its sustained rate over {@code events} events (all of them when {@code verify},
     * which then also counts the output read_committed), {@code window} open over the measured
     * part.
     */
    Throughput recommendThroughput(
            String run, int batch, long events, boolean verify, Window window) throws Exception {
        String output = outputTopic(run);
        createTopics(output);
        RecommendJobConfig config =
                RecommendJobConfig.fromArgs(
                        jobArgs(
                                run,
                                output,
                                "--inference.batch-size",
                                Integer.toString(batch),
                                "--inference.capacity",
                                Integer.toString(Math.max(512, 4 * batch))));
        double base = counterTotal("recstream.recommendations", null, null);
        var summary = Metrics.registry().find("recstream.inference.batch.size").summary();
        double batchesBefore = summary == null ? 0 : summary.count();
        double requestsBefore = summary == null ? 0 : summary.totalAmount();
        JobID job = flink.submitRecommend(config);
        double rate;
        try {
            rate =
                    sustainedRate(
                            () -> counterTotal("recstream.recommendations", null, null),
                            base,
                            events,
                            "recommend job (" + run + ")",
                            window);
        } finally {
            if (!verify) {
                flink.cancel(job);
            }
        }
        summary = Metrics.registry().find("recstream.inference.batch.size").summary();
        double meanBatch =
                summary == null || summary.count() == batchesBefore
                        ? Double.NaN
                        : (summary.totalAmount() - requestsBefore)
                                / (summary.count() - batchesBefore);
        long verified = -1;
        if (verify) {
            verified = readCommittedRecommendations(output, events);
            flink.cancel(job);
        }
        return new Throughput(rate, meanBatch, verified);
    }

    /**
     * One unmeasured pass of the recommend job over the first {@code events} of the topic; its
     * output topic is deleted afterwards, so that many passes do not fill the broker's disk.
     */
    Throughput warmUpPass(int pass, int batch, long events) throws Exception {
        String run = "bench-warm-up-" + pass;
        Throughput t = recommendThroughput(run, batch, events, false, Window.NONE);
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(outputTopic(run))).all().get();
        }
        return t;
    }

    /** The topic a latency run's producer writes its interactions to. */
    private static String inputTopic(String run) {
        return "interactions-" + run;
    }

    /** The topic a run of the recommend job writes its recommendations to. */
    private static String outputTopic(String run) {
        return "recommendations-" + run;
    }

    private Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    /** Reads the output read_committed until {@code expected} distinct request keys arrived. */
    private long readCommittedRecommendations(String topic, long expected) {
        Set<String> keys = new HashSet<>();
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> c = consumerFromStart(topic, true)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    records++;
                    Recommendation rec = JsonCodec.readRecommendation(r.value());
                    if (keys.add(rec.getRequestKey()) && rec.getItemIds().length > 0) {
                        recommended.add(
                                new String[] {
                                    rec.getUserId(), rec.getItemIds()[0], rec.getRequestKey()
                                });
                    }
                }
                if (keys.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
            }
        }
        if (records != expected || keys.size() != expected) {
            throw new IllegalStateException(
                    "exactly-once check failed: "
                            + records
                            + " records, "
                            + keys.size()
                            + " distinct request keys, "
                            + expected
                            + " events");
        }
        return records;
    }

    /** Latency percentiles of one paced run, in ms. */
    record Latency(double p50, double p99, double p999, long samples) {}

    /** Processing (emit − event time) and visible (read − event time) latency of one run. */
    record LatencyRun(Latency processing, Latency visible) {}

    /**
     * Feeds a fresh topic at {@code rate} events/s for {@code duration} (event time = send time)
     * through the recommend job with {@code exactlyOnce} or at-least-once output, and measures
     * latency from event time to emit (processing) and to the moment a consumer sees the record
     * (visible; read_committed for exactly-once). The first quarter of the run is left out; {@code
     * window} is open from then until the producer stops.
     */
    LatencyRun latency(
            String run, boolean exactlyOnce, double rate, Duration duration, Window window)
            throws Exception {
        String input = inputTopic(run);
        String output = outputTopic(run);
        createTopics(input, output);
        RecommendJobConfig config =
                RecommendJobConfig.fromArgs(
                        jobArgs(
                                run,
                                output,
                                "--interactions-topic",
                                input,
                                "--delivery-guarantee",
                                exactlyOnce ? "exactly-once" : "at-least-once"));
        JobID job = flink.submitRecommend(config);
        LatencySamples processing = new LatencySamples();
        LatencySamples visible = new LatencySamples();
        // only when asked for: this consumer runs in the JVM whose latency it measures
        LatencySeries series = latencySeries != null ? new LatencySeries() : null;
        AtomicBoolean producing = new AtomicBoolean(true);
        long start = System.currentTimeMillis() + 3_000; // give the job time to start reading
        long measureFrom = start + duration.toMillis() / 4;
        long end = start + duration.toMillis();
        Thread producer = pacedProducer(input, rate, start, end, new AtomicLong(), producing);
        try (KafkaConsumer<byte[], byte[]> c = consumerFromStart(output, exactlyOnce)) {
            long stopAt = Long.MAX_VALUE;
            while (System.currentTimeMillis() < stopAt) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    long seen = System.currentTimeMillis();
                    long[] times = RecommendationTimes.read(r.value());
                    if (times[0] >= measureFrom) {
                        processing.add(times[1] - times[0]);
                        visible.add(seen - times[0]);
                        if (series != null) {
                            series.add(times[0], times[1] - times[0], seen - times[0]);
                        }
                    }
                }
                if (System.currentTimeMillis() >= measureFrom) {
                    window.open();
                }
                if (!producing.get() && stopAt == Long.MAX_VALUE) {
                    window.close();
                    // what was sent last becomes visible within a checkpoint or two
                    stopAt = System.currentTimeMillis() + 3 * 2_000 + 2_000;
                }
            }
        } finally {
            producer.join();
            flink.cancel(job);
        }
        if (series != null) {
            Path file = latencySeries.resolve(run + ".csv");
            series.write(file, measureFrom);
            log.printf(
                    "latency over time: %s (event_time_s 0 is %s)%n",
                    file, java.time.Instant.ofEpochMilli(measureFrom));
        }
        return new LatencyRun(processing.percentiles(), visible.percentiles());
    }

    /**
     * An unmeasured at-least-once latency run of {@code duration} at {@code rate}, whose topics are
     * deleted afterwards: the paced runs' own code paths (small fetches and produce requests,
     * network buffers sent on their timeout) compiled before the measured runs. Returns its
     * processing-latency p99 for the log.
     */
    double latencyWarmUp(double rate, Duration duration) throws Exception {
        String run = "bench-latency-warm-up";
        LatencyRun warm = latency(run, false, rate, duration, SectionProfiler.Window.NONE);
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(inputTopic(run), outputTopic(run))).all().get();
        }
        return warm.processing().p99();
    }

    /**
     * A started thread that sends interactions to {@code topic} at {@code rate} events/s from
     * {@code start} until {@code end} (epoch ms; event time = send time), counting them in {@code
     * sent} and clearing {@code producing} when done.
     */
    private Thread pacedProducer(
            String topic,
            double rate,
            long start,
            long end,
            AtomicLong sent,
            AtomicBoolean producing) {
        Thread producer =
                new Thread(
                        () -> {
                            try (KafkaProducer<byte[], byte[]> p =
                                    new KafkaProducer<>(
                                            latencyProducerProps(),
                                            new ByteArraySerializer(),
                                            new ByteArraySerializer())) {
                                long n = 0;
                                while (System.currentTimeMillis() < start) {
                                    Thread.sleep(10);
                                }
                                long t0 = System.nanoTime();
                                while (System.currentTimeMillis() < end) {
                                    long due = t0 + (long) (n * 1e9 / rate);
                                    long wait = due - System.nanoTime();
                                    if (wait > 0) {
                                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                    }
                                    Interaction i = nextInteraction(n, System.currentTimeMillis());
                                    p.send(
                                            new ProducerRecord<>(
                                                    topic,
                                                    utf8(i.getUserId()),
                                                    JsonCodec.interaction(i)));
                                    n++;
                                    sent.incrementAndGet();
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                producing.set(false);
                            }
                        },
                        "bench-producer");
        producer.start();
        return producer;
    }

    /** One soak sample: events sent and recommended so far, live heap, resident memory. */
    record SoakSample(
            double seconds,
            long sent,
            long recommended,
            double liveHeapMb,
            double rssMb,
            long checkpointsCompleted,
            long checkpointsFailed) {
        long lag() {
            return sent - recommended;
        }
    }

    /** A soak run's samples and every completed checkpoint's duration (ms) by id. */
    record Soak(List<SoakSample> samples, java.util.SortedMap<Long, Long> checkpointMs) {}

    /**
     * Runs the recommend job (exactly once) on a fresh topic fed at {@code rate} events/s for
     * {@code duration}, sampling every {@code every}: events sent, recommendations emitted (the
     * job's counter), live heap (after a full GC), resident memory, checkpoints. Prints each sample
     * as it is taken. After the producer stops, waits up to 30 s for the job to catch up and takes
     * a last sample.
     */
    Soak soak(double rate, Duration duration, Duration every) throws Exception {
        String input = "interactions-soak";
        String output = "recommendations-soak";
        createTopics(input, output);
        RecommendJobConfig config =
                RecommendJobConfig.fromArgs(jobArgs("soak", output, "--interactions-topic", input));
        double recommendedBefore = recommendedTotal();
        JobID job = flink.submitRecommend(config);
        AtomicLong sent = new AtomicLong();
        AtomicBoolean producing = new AtomicBoolean(true);
        long start = System.currentTimeMillis() + 3_000;
        long end = start + duration.toMillis();
        Thread producer = pacedProducer(input, rate, start, end, sent, producing);
        List<SoakSample> samples = new ArrayList<>();
        java.util.SortedMap<Long, Long> checkpointMs = new java.util.TreeMap<>();
        java.util.Map<Long, String> failures = new java.util.HashMap<>();
        java.lang.management.MemoryMXBean memory =
                java.lang.management.ManagementFactory.getMemoryMXBean();
        log.printf(
                "%8s %12s %10s %10s %10s %12s%n",
                "t (s)", "sent", "lag", "heap MiB", "RSS MiB", "checkpoints");
        try {
            long next = start + every.toMillis();
            long drainUntil = Long.MAX_VALUE;
            while (true) {
                Thread.sleep(Math.max(0, Math.min(next, drainUntil) - System.currentTimeMillis()));
                System.gc();
                EmbeddedFlink.Checkpoints cp = flink.checkpoints(job);
                checkpointMs.putAll(cp.durationMsById());
                cp.failureById()
                        .forEach(
                                (id, why) -> {
                                    if (failures.put(id, why) == null) {
                                        log.printf("checkpoint %d failed: %s%n", id, why);
                                    }
                                });
                SoakSample s =
                        new SoakSample(
                                (System.currentTimeMillis() - start) / 1000.0,
                                sent.get(),
                                (long) (recommendedTotal() - recommendedBefore),
                                memory.getHeapMemoryUsage().getUsed() / 1048576.0,
                                BenchCommand.rssMb("VmRSS"),
                                cp.completed(),
                                cp.failed());
                samples.add(s);
                log.printf(
                        "%8.0f %,12d %,10d %10.0f %10.0f %,7d (%d failed)%n",
                        s.seconds(),
                        s.sent(),
                        s.lag(),
                        s.liveHeapMb(),
                        s.rssMb(),
                        s.checkpointsCompleted(),
                        s.checkpointsFailed());
                if (!producing.get()) {
                    if (drainUntil == Long.MAX_VALUE) {
                        drainUntil = System.currentTimeMillis() + 30_000;
                    }
                    if (s.lag() <= 0 || System.currentTimeMillis() >= drainUntil) {
                        break;
                    }
                    next = System.currentTimeMillis() + 1_000;
                } else {
                    next += every.toMillis();
                }
            }
        } finally {
            producer.interrupt();
            producer.join();
            flink.cancel(job);
        }
        return new Soak(samples, checkpointMs);
    }

    private static double recommendedTotal() {
        return Metrics.registry().find("recstream.recommendations").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    /**
     * Sends feedback for one in three of the verified recommendations, once: the monitor runs read
     * it with the recommendations. Returns how many records a monitor run reads (recommendations +
     * feedback).
     */
    private long monitorInput() throws Exception {
        if (monitorRecords > 0) {
            return monitorRecords;
        }
        long feedback = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            long n = 0;
            for (String[] r : recommended) {
                if (n++ % 3 == 0) {
                    long t =
                            firstEventTime
                                    + (long) (Long.parseLong(r[2].substring(2)) * STEP_MS)
                                    + 500;
                    producer.send(
                            new ProducerRecord<>(
                                    TopicCatalog.FEEDBACK,
                                    utf8(r[0]),
                                    JsonCodec.feedback(
                                            new Feedback(
                                                    r[0],
                                                    r[1],
                                                    FeedbackType.CLICK,
                                                    null,
                                                    t,
                                                    null))));
                    feedback++;
                }
            }
            producer.flush();
        }
        monitorRecords = recommended.size() + feedback;
        return monitorRecords;
    }

    private long monitorRecords;

    /**
     * Runs the monitor job over the recommendations, the feedback for one in three of them and the
     * interactions, from the start of the topics, until it has read {@code share} of the
     * recommendations + feedback (all of them for the measured run); returns its sustained rate in
     * recommendations + feedback records per second. Each run has its own consumer group.
     */
    double monitorThroughput(String run, String recommendationsTopic, double share, Window window)
            throws Exception {
        long records = monitorInput();
        MonitorJobConfig config =
                MonitorJobConfig.fromArgs(
                        jobArgs(
                                run,
                                recommendationsTopic,
                                "--window",
                                "5m",
                                "--slide",
                                "5m",
                                "--horizon",
                                "1m",
                                "--allowed-lateness",
                                "10s",
                                "--watermark.out-of-orderness",
                                "10s"));
        DoubleSupplier read =
                () ->
                        counterTotal("recstream.records.in", "kind", "recommendation")
                                + counterTotal("recstream.records.in", "kind", "feedback");
        double base = read.getAsDouble();
        JobID job = flink.submitMonitor(config);
        try {
            return sustainedRate(read, base, Math.max(1, (long) (records * share)), run, window);
        } finally {
            flink.cancel(job);
        }
    }

    /** Result of the state measurement. */
    record StateSize(
            long checkpointBytes, long users, int itemsPerUser, StateReadBack.Contents read) {}

    /**
     * Runs the recommend job's real graph over a generated stream that gives each of {@code users}
     * users {@code itemsPerUser} distinct items (every user cold, so nothing waits for scoring),
     * then measures the first full, non-incremental checkpoint taken after all of it was processed.
     */
    StateSize stateSize(long users, int itemsPerUser) throws Exception {
        return stateSize(users, itemsPerUser, null);
    }

    /**
     * As {@link #stateSize(long, int)}, but user {@code u} gets {@code counts[u]} distinct items (a
     * heavy-tailed history), each user's events in a row, a second apart.
     */
    StateSize stateSize(int[] counts) throws Exception {
        return stateSize(counts.length, 0, counts);
    }

    private StateSize stateSize(long users, int itemsPerUser, int[] counts) throws Exception {
        long[] starts = null;
        long events = users * itemsPerUser;
        if (counts != null) {
            starts = new long[counts.length + 1];
            for (int u = 0; u < counts.length; u++) {
                starts[u + 1] = starts[u] + counts[u];
            }
            events = starts[counts.length];
        }
        final long[] firstEventOf = starts;
        final long totalEvents = events;
        Path storage = work.resolve("state-checkpoints-" + System.currentTimeMillis());
        String[] args =
                jobArgs(
                        "bench-state",
                        "unused",
                        "--cold.min-items",
                        "10000",
                        "--checkpoint-storage",
                        storage.toUri().toString());
        RecommendJobConfig config = RecommendJobConfig.fromArgs(args);
        StreamExecutionEnvironment env = EmbeddedFlink.environment();
        JobSetup.configure(env, config);
        Configuration full = new Configuration();
        full.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, false);
        // Kept after the job is cancelled, so the measured checkpoint can be read back.
        full.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        env.configure(full, getClass().getClassLoader());
        // One generator split, so the measured events all come before the tail: with two, the
        // second split would start in the tail and the count would include it.
        env.setParallelism(1);
        long t0 = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
        int items = vocabulary.size();
        // Ids from the model's own vocabulary: a synthetic id the (quick) training never saw
        // would be an unknown item and never reach a user's history.
        String[] ids = new String[items];
        for (int i = 0; i < items; i++) {
            ids[i] = vocabulary.itemId(i);
        }
        DataGeneratorSource<Either<DeadLetter, Interaction>> source =
                new DataGeneratorSource<>(
                        n -> {
                            if (n >= totalEvents) {
                                // after the measured stream, one user over and over, so the job
                                // keeps running (and checkpointing) without growing its state
                                return Either.Right(
                                        new Interaction(
                                                "tail",
                                                "bench-tail",
                                                ids[0],
                                                InteractionType.CLICK,
                                                null,
                                                t0 + totalEvents));
                            }
                            long user;
                            long round;
                            if (firstEventOf != null) {
                                int u = java.util.Arrays.binarySearch(firstEventOf, n);
                                user = u >= 0 ? u : -u - 2;
                                while (user + 1 < firstEventOf.length
                                        && firstEventOf[(int) user + 1] == n) {
                                    user++; // users without events share a start
                                }
                                round = n - firstEventOf[(int) user];
                            } else {
                                user = n % users;
                                round = n / users;
                            }
                            int item = (int) ((user * 7919 + round * 104729) % items);
                            return Either.Right(
                                    new Interaction(
                                            "s-" + n,
                                            "user-" + user,
                                            ids[item],
                                            InteractionType.CLICK,
                                            null,
                                            t0 + round * 1_000 + user % 1_000));
                        },
                        Long.MAX_VALUE,
                        RateLimiterStrategy.noOp(),
                        ValidatingDeserializer.typeOf(RecordFormat.INTERACTION));
        new RecommendJob(config, source, new DiscardingSink<>(), new DiscardingSink<>()).build(env);
        double base = counterTotal("recstream.recommendations", null, null);
        JobID job = flink.submit(env, "bench-state");
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            Progress progress = new Progress(events);
            while (counterTotal("recstream.recommendations", null, null) - base < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("state build-up did not finish in 30 minutes");
                }
                progress.show(counterTotal("recstream.recommendations", null, null) - base);
                Thread.sleep(500);
            }
            progress.done();
            long after = latestCheckpoint(storage);
            // A checkpoint that started after the last measured event was processed.
            while (latestCheckpoint(storage) < after + 2) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no checkpoint completed after the build-up");
                }
                Thread.sleep(500);
            }
        } finally {
            flink.cancel(job);
        }
        // The job is gone and its last checkpoint retained: nothing deletes it while it is
        // measured and read back.
        Path complete = checkpointDir(storage, latestCheckpoint(storage));
        long bytes = size(complete);
        log.println("state: reading the checkpoint back...");
        long readStart = System.nanoTime();
        StateReadBack.Contents contents =
                StateReadBack.read(
                        flink,
                        complete,
                        config.stateTtl,
                        counts == null ? itemsPerUser : Integer.MAX_VALUE,
                        "user-");
        log.printf(
                "state: read %,d users back in %.0f s%n",
                contents.users(), (System.nanoTime() - readStart) / 1e9);
        return new StateSize(bytes, users, itemsPerUser, contents);
    }

    /** The highest checkpoint id with its metadata written, or 0. */
    private static long latestCheckpoint(Path storage) throws IOException {
        if (!Files.isDirectory(storage)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(storage, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(p -> p.getParent().getFileName().toString())
                    .filter(n -> n.startsWith("chk-"))
                    .mapToLong(n -> Long.parseLong(n.substring(4)))
                    .max()
                    .orElse(0);
        }
    }

    private static Path checkpointDir(Path storage, long id) throws IOException {
        try (Stream<Path> files = Files.walk(storage, 2)) {
            return files.filter(p -> p.getFileName().toString().equals("chk-" + id))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(
                            p -> {
                                try {
                                    return Files.size(p);
                                } catch (IOException e) {
                                    return 0;
                                }
                            })
                    .sum();
        }
    }

    /** A one-line progress display for the long state build-up. */
    private final class Progress {
        private final long total;
        private final long started = System.nanoTime();

        Progress(long total) {
            this.total = total;
        }

        void show(double done) {
            double secs = (System.nanoTime() - started) / 1e9;
            System.err.printf(
                    "\r  state build-up: %,d / %,d events (%,.0f/s)   ",
                    (long) done, total, secs > 0 ? done / secs : 0);
        }

        void done() {
            System.err.println();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            flink.close();
        } finally {
            kafka.close();
        }
    }
}
