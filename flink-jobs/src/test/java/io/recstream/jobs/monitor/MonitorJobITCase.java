package io.recstream.jobs.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recstream.jobs.config.JobSetup;
import io.recstream.jobs.config.MonitorJobConfig;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.recommend.RecommendJob;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestJobs;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.testing.KafkaBroker;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.Trainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor job end to end on a real in-JVM broker and a MiniCluster: a scripted feedback stream
 * gives exactly the expected online metrics and late-feedback count; with the recommend job in
 * front, a stream without drift raises no alert, a planted category shift fires and resolves, and a
 * surge of new users fires the cold-user-rate alert. Everything is read back read_committed.
 */
class MonitorJobITCase {

    private static final long MINUTE = 60_000;
    private static final int USERS = 100;
    private static final int WINDOWS = 11;
    private static final int EVENTS_PER_WINDOW = 400;
    private static final int DRIFT_FROM = 4;
    private static final int DRIFT_UNTIL = 7;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = TestJobs.miniCluster(4);

    @TempDir static Path tmp;

    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
    private static Path model;
    private static String version;

    @BeforeAll
    static void startBrokerAndTrainModel() throws Exception {
        SyntheticWorld world = world();
        long now = System.currentTimeMillis();
        model =
                TestModels.train(
                        tmp.resolve("model"),
                        world,
                        USERS,
                        40_000,
                        now - 6 * 3_600_000L,
                        now - 3 * 3_600_000L,
                        Trainer.Options.defaults()
                                .withDimensions(16)
                                .withVersion("monitor-it", false));
        version = ModelBundle.load(model).version();
    }

    /** The same world (same seed) for training and for live traffic. */
    private static SyntheticWorld world() {
        return new SyntheticWorld(400, 8, 1.0, 0.85, 11L);
    }

    private static long minuteAligned(long t) {
        return Math.floorDiv(t, MINUTE) * MINUTE;
    }

    private static List<String> monitorOptions(String name, String startingOffsets) {
        return new ArrayList<>(
                List.of(
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--model",
                        model.toString(),
                        "--recommendations-topic",
                        "recommendations-" + name,
                        "--feedback-topic",
                        "feedback-" + name,
                        "--interactions-topic",
                        "interactions-" + name,
                        "--dead-letters-topic",
                        "dead-letters-" + name,
                        "--alerts-topic",
                        "alerts-" + name,
                        "--signals-topic",
                        "signals-" + name,
                        "--group-id",
                        "monitor-it-" + name,
                        "--transactional-id-prefix",
                        "monitor-it-" + name,
                        "--starting-offsets",
                        startingOffsets,
                        "--window",
                        "1m",
                        "--slide",
                        "1m",
                        "--horizon",
                        "10s",
                        "--allowed-lateness",
                        "2s",
                        "--watermark.out-of-orderness",
                        "1s",
                        "--watermark.idleness",
                        "1s",
                        "--alert.min-samples",
                        "50",
                        "--checkpoint-interval",
                        "1s",
                        "--transaction-timeout",
                        "2m",
                        "--parallelism",
                        "2",
                        "--restart-delay",
                        "200ms"));
    }

    private static JobClient startMonitor(List<String> options) throws Exception {
        MonitorJobConfig config = MonitorJobConfig.fromArgs(options.toArray(String[]::new));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobSetup.configure(env, config);
        MonitorJob.forKafka(config).build(env);
        return env.executeAsync("monitor-it");
    }

    private static void createTopics(String name) throws Exception {
        KafkaTestUtils.createTopics(
                kafka.bootstrapServers(),
                2,
                "interactions-" + name,
                "recommendations-" + name,
                "feedback-" + name,
                "dead-letters-" + name,
                "alerts-" + name,
                "signals-" + name);
    }

    private static List<SignalValue> signals(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> JsonCodec.readSignalValue(r.value())).toList();
    }

    /** A signal over all strategies for the window starting at {@code windowStart}. */
    private static Predicate<SignalValue> overall(String signal, long windowStart) {
        return v ->
                v.getSignal().equals(signal)
                        && v.getStrategy().equals("ALL")
                        && v.getWindowStart() == windowStart;
    }

    private static Predicate<List<ConsumerRecord<byte[], byte[]>>> hasSignal(
            Predicate<SignalValue> wanted) {
        return records -> signals(records).stream().anyMatch(wanted);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void scriptedFeedbackGivesTheExpectedMetricsAndCountsLateFeedback() throws Exception {
        String name = "scripted";
        createTopics(name);
        long t0 = minuteAligned(System.currentTimeMillis() - 2 * 3_600_000L);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.addAll(scriptedRecommendations(name, t0));
        records.addAll(scriptedFeedback(name, t0));
        records.addAll(advance(name, t0));
        records.add(
                record(
                        "feedback-" + name,
                        "u1",
                        "{\"user_id\":\"u1\",".getBytes(StandardCharsets.UTF_8)));
        records.add(
                record("interactions-" + name, "u1", "not json".getBytes(StandardCharsets.UTF_8)));
        KafkaTestUtils.produce(kafka.bootstrapServers(), records);

        double lateBefore = counter("recstream.monitor.late.feedback");
        JobClient monitor = startMonitor(monitorOptions(name, "earliest"));
        try {
            List<SignalValue> firstWindow =
                    signals(
                            KafkaTestUtils.readCommittedUntil(
                                    kafka.bootstrapServers(),
                                    "signals-" + name,
                                    hasSignal(overall("mrr", t0))
                                            .and(hasSignal(overall("outcomes", t0)))
                                            .and(
                                                    hasSignal(
                                                            v ->
                                                                    v.getSignal()
                                                                                    .equals(
                                                                                            "hit_rate_at_k")
                                                                            && v.getStrategy()
                                                                                    .equals("MODEL")
                                                                            && v.getWindowStart()
                                                                                    == t0))
                                            .and(
                                                    hasSignal(
                                                            v ->
                                                                    v.getSignal()
                                                                                    .equals(
                                                                                            "label_completeness")
                                                                            && v.getWindowStart()
                                                                                    == t0)),
                                    Duration.ofMinutes(2)));
            Map<String, Double> all = new java.util.HashMap<>();
            for (SignalValue v : firstWindow) {
                if (v.getWindowStart() == t0
                        && (v.getStrategy().equals("ALL")
                                || v.getSignal().equals("label_completeness"))) {
                    all.put(v.getSignal(), v.getValue());
                }
            }
            assertThat(all.get("outcomes")).isEqualTo(100.0);
            assertThat(all.get("hit_rate_at_k")).isCloseTo(0.5, within(1e-9));
            assertThat(all.get("ndcg_at_k")).isCloseTo((30 + 20 * 0.5) / 100, within(1e-9));
            assertThat(all.get("mrr")).isCloseTo((30 + 20 / 3.0) / 100, within(1e-9));
            assertThat(all.get("label_completeness")).isCloseTo(1.0, within(1e-9));
            assertThat(firstWindow)
                    .filteredOn(
                            v ->
                                    v.getSignal().equals("hit_rate_at_k")
                                            && v.getStrategy().equals("MODEL")
                                            && v.getWindowStart() == t0)
                    .singleElement()
                    .satisfies(v -> assertThat(v.getModelVersion()).isEqualTo(version));

            // Feedback for the first minute now arrives behind the watermark: late, counted.
            List<ProducerRecord<byte[], byte[]>> late = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                late.add(
                        record(
                                "feedback-" + name,
                                "u1",
                                JsonCodec.feedback(
                                        new Feedback(
                                                "u1",
                                                "item-1-0",
                                                FeedbackType.CLICK,
                                                null,
                                                t0 + 2_000 + i,
                                                null))));
            }
            KafkaTestUtils.produce(kafka.bootstrapServers(), late);
            List<SignalValue> after =
                    signals(
                            KafkaTestUtils.readCommittedUntil(
                                    kafka.bootstrapServers(),
                                    "signals-" + name,
                                    hasSignal(
                                            v ->
                                                    v.getSignal().equals("late_feedback")
                                                            && v.getValue() >= 3),
                                    Duration.ofMinutes(1)));
            assertThat(after)
                    .filteredOn(v -> v.getSignal().equals("late_feedback"))
                    .extracting(SignalValue::getValue)
                    .contains(3.0)
                    .allMatch(v -> v <= 3.0);
            assertThat(counter("recstream.monitor.late.feedback") - lateBefore)
                    .as("late feedback metric")
                    .isEqualTo(3);
            // Bad feedback is dead-lettered once; bad interactions are left to the recommend job.
            List<ConsumerRecord<byte[], byte[]>> dead =
                    KafkaTestUtils.readCommitted(
                            kafka.bootstrapServers(),
                            "dead-letters-" + name,
                            1,
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(2));
            assertThat(dead)
                    .singleElement()
                    .satisfies(
                            r -> {
                                var d = JsonCodec.readDeadLetter(r.value());
                                assertThat(d.getSourceTopic()).isEqualTo("feedback-" + name);
                                assertThat(d.getReason())
                                        .isEqualTo(
                                                io.recstream.jobs.events.DeadLetterReason
                                                        .MALFORMED_JSON);
                            });
            // the late feedback did not change the closed window's metrics
            assertThat(after)
                    .filteredOn(
                            v ->
                                    v.getSignal().equals("hit_rate_at_k")
                                            && v.getStrategy().equals("ALL")
                                            && v.getWindowStart() == t0)
                    .singleElement()
                    .extracting(SignalValue::getValue)
                    .isEqualTo(0.5);
        } finally {
            monitor.cancel().get();
        }
    }

    @Test
    void pendingGroundTruthJoinsCompleteAfterARestoreFromASavepoint(
            @org.junit.jupiter.api.io.TempDir Path savepoints) throws Exception {
        String name = "savepoint";
        createTopics(name);
        long t0 = minuteAligned(System.currentTimeMillis() - 2 * 3_600_000L);
        // First the recommendations only: they wait in the join for their feedback.
        double validBefore = validRecommendations();
        JobClient first = startMonitor(monitorOptions(name, "earliest"));
        String savepoint;
        try {
            KafkaTestUtils.produce(kafka.bootstrapServers(), scriptedRecommendations(name, t0));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (validRecommendations() - validBefore < 100 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(validRecommendations() - validBefore)
                    .as("all recommendations read before the savepoint")
                    .isGreaterThanOrEqualTo(100);
        } finally {
            savepoint = stopWithSavepoint(first, savepoints);
        }
        // A new job from the savepoint: its sources resume after the recommendations, so the
        // feedback can only be joined to the recommendations restored in the join's state.
        List<ProducerRecord<byte[], byte[]>> rest = new ArrayList<>(scriptedFeedback(name, t0));
        rest.addAll(advance(name, t0));
        KafkaTestUtils.produce(kafka.bootstrapServers(), rest);
        // "latest": without the restored source state the new job would read nothing at all.
        List<String> options = monitorOptions(name, "latest");
        options.addAll(List.of("--flink-conf", "execution.state-recovery.path=" + savepoint));
        JobClient second = startMonitor(options);
        try {
            Map<String, Double> all = new java.util.HashMap<>();
            for (SignalValue v :
                    signals(
                            KafkaTestUtils.readCommittedUntil(
                                    kafka.bootstrapServers(),
                                    "signals-" + name,
                                    // Each signal is written by the alert subtask of its
                                    // key, whose transaction can become visible after the
                                    // others': wait for every signal asserted below.
                                    hasSignal(overall("mrr", t0))
                                            .and(hasSignal(overall("outcomes", t0)))
                                            .and(hasSignal(overall("hit_rate_at_k", t0))),
                                    Duration.ofMinutes(2)))) {
                if (v.getWindowStart() == t0 && v.getStrategy().equals("ALL")) {
                    all.put(v.getSignal(), v.getValue());
                }
            }
            assertThat(all.get("outcomes")).as("every restored recommendation").isEqualTo(100.0);
            assertThat(all.get("hit_rate_at_k")).isCloseTo(0.5, within(1e-9));
            assertThat(all.get("mrr")).isCloseTo((30 + 20 / 3.0) / 100, within(1e-9));
        } finally {
            second.cancel().get();
        }
    }

    /** Stops the job with a savepoint, once all its tasks run (records can be read before). */
    private static String stopWithSavepoint(JobClient job, Path directory) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try {
                return job.stopWithSavepoint(
                                false,
                                directory.toUri().toString(),
                                org.apache.flink.core.execution.SavepointFormatType.CANONICAL)
                        .get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > deadline
                        || !String.valueOf(e.getMessage()).contains("Not all required tasks")) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static double validRecommendations() {
        return io.recstream.jobs.metrics.Metrics.registry()
                .find("recstream.records.valid")
                .tag("kind", "recommendation")
                .counters()
                .stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    /**
     * 100 recommendations of ten items each, one every 100 ms from {@code t0} + 1 s, for users
     * u0..u9 (request keys r0..r99).
     */
    private static List<ProducerRecord<byte[], byte[]>> scriptedRecommendations(
            String name, long t0) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            long t = t0 + 1_000 + i * 100L;
            records.add(
                    record(
                            "recommendations-" + name,
                            "r" + i,
                            JsonCodec.recommendation(
                                    new Recommendation(
                                            "r" + i,
                                            "u" + (i % 10),
                                            scriptedItems(i),
                                            scriptedScores(),
                                            Strategy.MODEL,
                                            version,
                                            t,
                                            t + 5))));
        }
        return records;
    }

    private static String[] scriptedItems(int i) {
        String[] items = new String[10];
        for (int j = 0; j < 10; j++) {
            items[j] = "item-" + i + "-" + j;
        }
        return items;
    }

    private static float[] scriptedScores() {
        float[] scores = new float[10];
        for (int j = 0; j < 10; j++) {
            scores[j] = 1f / (j + 1);
        }
        return scores;
    }

    /**
     * Feedback on the scripted recommendations: r0..r29 hit at rank 0 (by request key), r30..r49 at
     * rank 2 (by user and item), r50..r59 name another request, r60..r64 come after the 10 s
     * horizon. Hit rate 0.5, MRR (30 + 20/3) / 100, NDCG (30 + 20 · 0.5) / 100.
     */
    private static List<ProducerRecord<byte[], byte[]>> scriptedFeedback(String name, long t0) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            long t = t0 + 1_000 + i * 100L;
            String user = "u" + (i % 10);
            String[] items = scriptedItems(i);
            Feedback f;
            if (i < 30) {
                f = new Feedback(user, items[0], FeedbackType.CLICK, null, t + 5_000, "r" + i);
            } else if (i < 50) {
                f = new Feedback(user, items[2], FeedbackType.PURCHASE, 10.0, t + 3_000, null);
            } else if (i < 60) {
                f =
                        new Feedback(
                                user,
                                items[0],
                                FeedbackType.CLICK,
                                null,
                                t + 1_000,
                                "someone-else");
            } else {
                f = new Feedback(user, items[0], FeedbackType.CLICK, null, t + 20_000, null);
            }
            records.add(record("feedback-" + name, user, JsonCodec.feedback(f)));
        }
        return records;
    }

    /** A recommendation and a feedback record 5 minutes on: the first minute's windows close. */
    private static List<ProducerRecord<byte[], byte[]>> advance(String name, long t0) {
        long later = t0 + 5 * MINUTE;
        return List.of(
                record(
                        "recommendations-" + name,
                        "advance",
                        JsonCodec.recommendation(
                                new Recommendation(
                                        "advance",
                                        "z",
                                        new String[] {"x"},
                                        new float[] {1f},
                                        Strategy.MODEL,
                                        version,
                                        later,
                                        later))),
                record(
                        "feedback-" + name,
                        "z",
                        JsonCodec.feedback(
                                new Feedback("z", "x", FeedbackType.CLICK, null, later, null))));
    }

    private static double counter(String name) {
        return io.recstream.jobs.metrics.Metrics.registry().find(name).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    enum Drift {
        NONE,
        CATEGORY_SHIFT,
        NEW_USERS
    }

    /** What a drift scenario produced. */
    record Scenario(long t0, List<DriftAlert> alerts, List<SignalValue> signals) {
        List<DriftAlert> of(String signal) {
            return alerts.stream().filter(a -> a.getSignal().equals(signal)).toList();
        }
    }

    /**
     * Primes user state through the recommend job, then starts the monitor at that moment (starting
     * offsets by timestamp) and feeds {@link #WINDOWS} one-minute windows of traffic, with the
     * drift planted in windows [{@link #DRIFT_FROM}, {@link #DRIFT_UNTIL}).
     */
    private Scenario runScenario(String name, Drift drift) throws Exception {
        createTopics(name);
        SyntheticWorld world = world();
        while (world.users() < USERS) {
            world.newUser();
        }
        String bootstrap = kafka.bootstrapServers();
        RecommendJobConfig recConfig =
                RecommendJobConfig.fromArgs(
                        "--bootstrap-servers",
                        bootstrap,
                        "--model",
                        model.toString(),
                        "--interactions-topic",
                        "interactions-" + name,
                        "--recommendations-topic",
                        "recommendations-" + name,
                        "--dead-letters-topic",
                        "dead-letters-" + name,
                        "--group-id",
                        "recommend-it-" + name,
                        "--transactional-id-prefix",
                        "recommend-it-" + name,
                        "--checkpoint-interval",
                        "1s",
                        "--transaction-timeout",
                        "2m",
                        "--parallelism",
                        "2",
                        "--watermark.idleness",
                        "1s");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobSetup.configure(env, recConfig);
        RecommendJob.forKafka(recConfig).build(env);
        JobClient recommend = env.executeAsync("recommend-it-" + name);
        JobClient monitor = null;
        try {
            long t0 = minuteAligned(System.currentTimeMillis() - 3_600_000L);
            int n = 0;
            List<ProducerRecord<byte[], byte[]>> priming = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                for (int j = 0; j < 20; j++) {
                    priming.add(
                            interaction(
                                    name,
                                    "prime-" + n++,
                                    u,
                                    world.pick(u),
                                    t0 - 20 * MINUTE + u * 100L + j * 10L));
                }
            }
            KafkaTestUtils.produce(bootstrap, priming);
            assertThat(
                            KafkaTestUtils.readCommitted(
                                    bootstrap,
                                    "recommendations-" + name,
                                    priming.size(),
                                    Duration.ofMinutes(2),
                                    Duration.ZERO))
                    .hasSize(priming.size());
            long measureFrom = System.currentTimeMillis();
            Thread.sleep(5);

            // The recommend job's two subtasks write a burst of 11 event-time minutes in a few
            // seconds, so recommendations reach the monitor minutes apart in event time: the
            // bound covers the whole burst, and the tail below closes the windows.
            List<String> options = monitorOptions(name, "timestamp:" + measureFrom);
            options.addAll(List.of("--watermark.out-of-orderness", "15m"));
            monitor = startMonitor(options);
            List<ProducerRecord<byte[], byte[]>> traffic = new ArrayList<>();
            for (int w = 0; w < WINDOWS; w++) {
                boolean drifting = w >= DRIFT_FROM && w < DRIFT_UNTIL;
                for (int e = 0; e < EVENTS_PER_WINDOW; e++) {
                    long t = t0 + w * MINUTE + e * (MINUTE / EVENTS_PER_WINDOW);
                    int user;
                    int item;
                    if (drifting && drift == Drift.NEW_USERS && world.nextDouble() < 0.7) {
                        user = world.newUser();
                        item = world.pick(user);
                    } else {
                        user = (int) (world.nextDouble() * USERS);
                        item =
                                drifting && drift == Drift.CATEGORY_SHIFT
                                        ? world.pickFrom(0)
                                        : world.pick(user);
                    }
                    traffic.add(interaction(name, name + "-" + w + "-" + e, user, item, t));
                }
            }
            // A few events later in event time close the last windows.
            for (int e = 0; e < 5; e++) {
                traffic.add(
                        interaction(
                                name,
                                name + "-tail-" + e,
                                e,
                                world.pick(e),
                                t0 + (WINDOWS + 20) * MINUTE + e));
            }
            KafkaTestUtils.produce(bootstrap, traffic);
            long lastWindow = t0 + (WINDOWS - 1) * MINUTE;
            List<SignalValue> signals =
                    signals(
                            KafkaTestUtils.readCommittedUntil(
                                    bootstrap,
                                    "signals-" + name,
                                    hasSignal(
                                                    v ->
                                                            v.getSignal()
                                                                            .equals(
                                                                                    "input_category_kl")
                                                                    && v.getWindowStart()
                                                                            == lastWindow)
                                            .and(
                                                    hasSignal(
                                                            v ->
                                                                    v.getSignal()
                                                                                    .equals(
                                                                                            "recommended_category_kl")
                                                                            && v.getWindowStart()
                                                                                    == lastWindow)),
                                    Duration.ofMinutes(3)));
            assertThat(signals)
                    .as("signals up to the last window")
                    .anyMatch(v -> v.getWindowStart() == lastWindow);
            Thread.sleep(1_500); // alerts are committed by the same checkpoints
            List<DriftAlert> alerts =
                    KafkaTestUtils.readCommittedUntil(
                                    bootstrap, "alerts-" + name, r -> false, Duration.ofSeconds(2))
                            .stream()
                            .map(r -> JsonCodec.readDriftAlert(r.value()))
                            .toList();
            signals.stream()
                    .filter(
                            v ->
                                    v.getStrategy().equals("ALL")
                                            && !Double.isNaN(v.getEnterThreshold()))
                    .forEach(
                            v ->
                                    System.out.printf(
                                            "%s %-26s window %2d value %.4f (n=%d)%n",
                                            name,
                                            v.getSignal(),
                                            (v.getWindowStart() - t0) / MINUTE,
                                            v.getValue(),
                                            v.getSamples()));
            alerts.forEach(a -> System.out.println(name + " ALERT " + a.getSummary()));
            return new Scenario(t0, alerts, signals);
        } finally {
            if (monitor != null) {
                monitor.cancel().get();
            }
            recommend.cancel().get();
        }
    }

    private static ProducerRecord<byte[], byte[]> interaction(
            String name, String eventId, int user, int item, long t) {
        String userId = SyntheticWorld.userId(user);
        return record(
                "interactions-" + name,
                userId,
                JsonCodec.interaction(
                        new Interaction(
                                eventId,
                                userId,
                                SyntheticWorld.itemId(item),
                                InteractionType.VIEW,
                                null,
                                t)));
    }

    private static long windowEnd(Scenario s, int window) {
        return s.t0() + (window + 1) * MINUTE;
    }

    private static double maxValue(Scenario s, String signal, int fromWindow, int untilWindow) {
        return s.signals().stream()
                .filter(v -> v.getSignal().equals(signal))
                .filter(
                        v ->
                                v.getWindowStart() >= s.t0() + fromWindow * MINUTE
                                        && v.getWindowStart() < s.t0() + untilWindow * MINUTE)
                .mapToDouble(SignalValue::getValue)
                .max()
                .orElseThrow();
    }

    @Test
    void streamWithoutDriftRaisesNoAlert() throws Exception {
        Scenario s = runScenario("control", Drift.NONE);
        assertThat(s.alerts()).isEmpty();
    }

    @Test
    void plantedCategoryShiftFiresWithinTwoWindowsAndResolvesAfterItEnds() throws Exception {
        Scenario s = runScenario("shift", Drift.CATEGORY_SHIFT);
        List<DriftAlert> alerts = s.of("input_category_kl");
        assertThat(alerts).isNotEmpty();
        DriftAlert firing = alerts.get(0);
        assertThat(firing.getState()).isEqualTo(AlertState.FIRING);
        assertThat(firing.getWindowEnd())
                .as("fires within two windows of the shift")
                .isGreaterThan(windowEnd(s, DRIFT_FROM - 1))
                .isLessThanOrEqualTo(windowEnd(s, DRIFT_FROM + 1));
        assertThat(firing.getValue()).isGreaterThan(firing.getEnterThreshold());
        assertThat(firing.getSummary()).contains("input_category_kl").contains("above");
        // What the model recommends follows as users' recent items fill with the new category.
        double before = maxValue(s, "recommended_category_kl", 0, DRIFT_FROM);
        double during = maxValue(s, "recommended_category_kl", DRIFT_FROM, WINDOWS);
        assertThat(during).isGreaterThan(3 * before);
        List<DriftAlert> input = s.of("input_category_kl");
        assertThat(input)
                .extracting(DriftAlert::getState)
                .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
        assertThat(input.get(1).getWindowEnd()).isGreaterThan(windowEnd(s, DRIFT_UNTIL - 1));
        assertThat(s.alerts()).extracting(DriftAlert::getAlertId).doesNotHaveDuplicates();
    }

    @Test
    void newUserSurgeFiresTheColdUserRateAlert() throws Exception {
        Scenario s = runScenario("new-users", Drift.NEW_USERS);
        List<DriftAlert> cold = s.of("cold_user_rate");
        assertThat(cold).isNotEmpty();
        assertThat(cold.get(0).getState()).isEqualTo(AlertState.FIRING);
        assertThat(cold.get(0).getWindowEnd())
                .isGreaterThan(windowEnd(s, DRIFT_FROM - 1))
                .isLessThanOrEqualTo(windowEnd(s, DRIFT_FROM + 1));
        assertThat(cold)
                .extracting(DriftAlert::getState)
                .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
        assertThat(
                        Collections.frequency(
                                s.alerts().stream().map(DriftAlert::getAlertId).toList(),
                                cold.get(0).getAlertId()))
                .isEqualTo(1);
    }
}
