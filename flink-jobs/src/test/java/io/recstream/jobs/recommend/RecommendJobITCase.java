package io.recstream.jobs.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.DeadLetterReason;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.faults.FaultPoints;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.jobs.testing.FailingSource;
import io.recstream.jobs.testing.InjectedFailure;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestJobs;
import io.recstream.jobs.testing.TestModels;
import io.recstream.jobs.testing.TestRecords;
import io.recstream.model.ModelBundle;
import io.recstream.testing.KafkaBroker;
import io.recstream.topics.TopicApplier;
import io.recstream.training.SyntheticWorld;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The recommend job end to end: a real Kafka broker in this JVM, a Flink MiniCluster with
 * parallelism 2, RocksDB and 1 s checkpoints, a real model trained on synthetic history. Every
 * valid interaction must produce exactly one recommendation visible to read_committed consumers,
 * and every malformed one a dead letter with its reason and offset, also across a failure.
 */
class RecommendJobITCase {

    private static final int PARALLELISM = 2;
    private static final int VALID_EVENTS = 3_000;
    private static final int TRAINED_USERS = 300;
    private static final int FLOOD_VALID = 1_800;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestJobs.miniCluster(PARALLELISM);

    @TempDir static Path tmp;

    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
    private static Path model;
    private static SyntheticWorld world;

    @BeforeAll
    static void startBrokerAndTrainModel() throws Exception {
        world = new SyntheticWorld(400, 8, 1.0, 0.85, 7L);
        model = TestModels.trainRecent(tmp.resolve("model"), world, TRAINED_USERS, "it-model-1");
    }

    private static double meterTotal(String name, String tag, String value) {
        return io.recstream.jobs.metrics.Metrics.registry()
                .find(name)
                .tag(tag, value)
                .counters()
                .stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    @Test
    void everyValidEventGetsExactlyOneRecommendationAndBadOnesAreDeadLettered() throws Exception {
        double recsBefore = meterTotal("recstream.recommendations", "model_version", "it-model-1");
        double deadBefore = meterTotal("recstream.dead.letters", "kind", "interaction");
        Map<Strategy, Integer> strategies = runAndCheck("plain", false);
        assertThat(
                        meterTotal("recstream.recommendations", "model_version", "it-model-1")
                                - recsBefore)
                .as("recommendations metric")
                .isEqualTo(VALID_EVENTS);
        assertThat(meterTotal("recstream.dead.letters", "kind", "interaction") - deadBefore)
                .as("dead letters metric")
                .isEqualTo(TestRecords.badRecords(0).size());
        assertThat(strategies.getOrDefault(Strategy.MODEL, 0))
                .as("most known users are scored by the model")
                .isGreaterThan(VALID_EVENTS / 2);
    }

    @Test
    void exactlyOnceAcrossAFailureAfterACompletedCheckpoint() throws Exception {
        FailingSource.FAILED.set(false);
        Map<Strategy, Integer> strategies = runAndCheck("failure", true);
        assertThat(FailingSource.FAILED.get()).as("the failure was injected").isTrue();
        assertThat(strategies.getOrDefault(Strategy.MODEL, 0)).isGreaterThan(VALID_EVENTS / 2);
    }

    @Tag("reliability")
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "scorer, AFTER_COMPLETED_CHECKPOINT",
        "scorer, DURING_CHECKPOINT",
        "user-state, AFTER_COMPLETED_CHECKPOINT",
        "user-state, DURING_CHECKPOINT"
    })
    void exactlyOnceAcrossAFailureInjectedIntoAnOperator(String point, InjectedFailure.When when)
            throws Exception {
        InjectedFailure fault = runWithFault(point + "-" + when.ordinal(), point, when);
        if (when == InjectedFailure.When.AFTER_COMPLETED_CHECKPOINT) {
            assertThat(fault.failedAfterCheckpoint()).isGreaterThanOrEqualTo(1);
        } else {
            assertThat(fault.failedDuringCheckpoint())
                    .as("a checkpoint after the first completed one was in flight")
                    .isGreaterThanOrEqualTo(2);
        }
    }

    /**
     * Runs the checked pipeline with a failure injected into one operator; the restarted job must
     * still give exactly one recommendation per valid event read_committed.
     */
    private InjectedFailure runWithFault(String name, String point, InjectedFailure.When when)
            throws Exception {
        InjectedFailure fault = new InjectedFailure(point, when, 150);
        FaultPoints.install(fault);
        try {
            Map<Strategy, Integer> strategies = runAndCheck(name, false);
            assertThat(fault.fired()).as("the failure was injected").isTrue();
            assertThat(strategies.getOrDefault(Strategy.MODEL, 0)).isGreaterThan(VALID_EVENTS / 2);
        } finally {
            FaultPoints.clear();
        }
        return fault;
    }

    @Test
    void missedInferenceDeadlineFallsBackInsteadOfStalling() throws Exception {
        // Batches wait up to 300 ms to fill and never fill; the deadline is 1 ms.
        Map<Strategy, Integer> strategies =
                runAndCheck(
                        "deadline",
                        false,
                        "--inference.deadline",
                        "1ms",
                        "--inference.max-wait",
                        "300ms",
                        "--inference.batch-size",
                        "4096");
        int deadline = strategies.getOrDefault(Strategy.DEADLINE_FALLBACK, 0);
        int scored = strategies.getOrDefault(Strategy.MODEL, 0);
        assertThat(deadline).isGreaterThan(VALID_EVENTS / 2);
        // A request that reaches the batcher in the last millisecond of a batch's 300 ms wait is
        // still inside its deadline when the batch closes and may be scored in time; everything
        // that waits for the batch to fill is answered by the fallback.
        assertThat(scored)
                .as("requests scored by the model out of %d answered warm", scored + deadline)
                .isLessThan((scored + deadline) / 20);
    }

    /**
     * A bundle that passes the start-up probe but overflows at run time: one item's embedding is
     * 1e25, so a user with that item in their history gets an infinite score for it. Those users
     * are answered by the fallback, flagged, and no NaN or infinity is ever served.
     */
    @Test
    void nonFiniteScoresAtRunTimeAreAnsweredByTheFallbackNeverServed() throws Exception {
        ModelBundle trained = ModelBundle.load(model);
        Path unstable = tmp.resolve("unstable-model");
        java.nio.file.Files.createDirectories(unstable);
        for (String file :
                List.of(
                        ModelBundle.VOCABULARY_FILE,
                        ModelBundle.PROFILE_FILE,
                        ModelBundle.CARD_FILE)) {
            java.nio.file.Files.copy(model.resolve(file), unstable.resolve(file));
        }
        int n = trained.vocabulary().size();
        int poisoned = 1; // the second most popular item; the probe's histories skip it
        java.util.Random random = new java.util.Random(11);
        // A history holding the poisoned item gives a user vector near 1e25, whose dot products
        // with the (large, but finite) candidate embeddings overflow; the poisoned item itself is
        // masked for those users, so it is the other items' scores that are infinite.
        float[][] query = new float[n][8];
        float[][] candidates = new float[n][8];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 8; d++) {
                query[i][d] = i == poisoned ? 1e25f : (float) random.nextGaussian() * 0.1f;
                candidates[i][d] = (float) random.nextGaussian() * 1e13f;
            }
        }
        io.recstream.training.OnnxModelWriter.write(
                io.recstream.training.OnnxModelWriter.build(
                        query,
                        candidates,
                        io.recstream.model.ServingParameters.fromCard(trained.card()).k()
                                + io.recstream.model.ServingParameters.fromCard(trained.card())
                                        .maxHistory(),
                        trained.version(),
                        Map.of()),
                unstable.resolve(ModelBundle.MODEL_FILE));

        double failuresBefore =
                meterTotal("recstream.inference.failures", "model_version", trained.version());
        // a generous deadline: every fallback here is the model's doing
        Map<Strategy, Integer> strategies =
                runAndCheck("unstable", false, unstable, "--inference.deadline", "30s");
        assertThat(strategies.getOrDefault(Strategy.DEADLINE_FALLBACK, 0))
                .as("users with the overflowing item in their history fell back")
                .isPositive();
        assertThat(strategies.getOrDefault(Strategy.MODEL, 0))
                .as("the other users are still model-scored")
                .isPositive();
        assertThat(
                        meterTotal(
                                        "recstream.inference.failures",
                                        "model_version",
                                        trained.version())
                                - failuresBefore)
                .as("each non-finite answer counted as a failed inference")
                .isEqualTo(strategies.get(Strategy.DEADLINE_FALLBACK).doubleValue());
    }

    @Test
    void aFloodOfBadInputIsDeadLetteredWithoutARestartAndLeavesTheValidOutputAsACleanRun()
            throws Exception {
        long now = System.currentTimeMillis();
        // Valid events: known users, new users, and items the model does not know.
        List<String[]> valid = new ArrayList<>();
        for (int n = 0; n < FLOOD_VALID; n++) {
            int user = n % 10 == 0 ? world.newUser() : (int) (world.nextDouble() * TRAINED_USERS);
            String item =
                    n % 20 == 7 ? "unknown-item-" + n : SyntheticWorld.itemId(world.pick(user));
            valid.add(new String[] {"flood-event-" + n, SyntheticWorld.userId(user), item});
        }
        // One record in ten is bad.
        List<TestRecords.BadRecord> bad =
                TestRecords.flood(now, FLOOD_VALID / 9, new java.util.Random(3));
        String[] options = {
            "--restart-attempts", "0", // any failure would end the job instead of restarting it
            "--validation.min-event-time", Long.toString(now - Duration.ofDays(30).toMillis()),
            "--inference.deadline", "30s" // no deadline fallbacks: the same strategies in both runs
        };
        Map<String, Recommendation> clean = runFlood("flood-clean", valid, List.of(), now, options);
        Map<String, Recommendation> flooded = runFlood("flood-bad", valid, bad, now, options);

        assertThat(clean).hasSize(FLOOD_VALID);
        assertThat(flooded.keySet()).isEqualTo(clean.keySet());
        int compared = 0;
        for (Map.Entry<String, Recommendation> e : clean.entrySet()) {
            Recommendation a = e.getValue();
            Recommendation b = flooded.get(e.getKey());
            assertThat(b.getUserId()).isEqualTo(a.getUserId());
            assertThat(b.getStrategy()).as("strategy of " + e.getKey()).isEqualTo(a.getStrategy());
            assertThat(b.getModelVersion()).isEqualTo(a.getModelVersion());
            assertThat(b.getEventTime()).isEqualTo(a.getEventTime());
            if (a.getStrategy() == Strategy.MODEL) {
                // the popular-items fallback depends on when windows close; model scores do not
                assertThat(b.getItemIds()).as("items of " + e.getKey()).isEqualTo(a.getItemIds());
                for (int r = 0; r < a.getScores().length; r++) {
                    assertThat(b.getScores()[r])
                            .isCloseTo(
                                    a.getScores()[r], org.assertj.core.data.Offset.offset(1e-4f));
                }
                compared++;
            }
        }
        assertThat(compared)
                .as("model-scored recommendations compared")
                .isGreaterThan(FLOOD_VALID / 2);
    }

    /**
     * Runs the job over the valid events with {@code bad} spread among them; checks every bad one
     * is dead-lettered once with its reason and offset, and that the job never failed. Returns the
     * recommendations by request key.
     */
    private Map<String, Recommendation> runFlood(
            String name,
            List<String[]> valid,
            List<TestRecords.BadRecord> bad,
            long now,
            String... options)
            throws Exception {
        String in = "interactions-" + name;
        String out = "recommendations-" + name;
        String dlq = "dead-letters-" + name;
        createTopics(in, out, dlq, Map.of("max.message.bytes", Integer.toString(2 << 20)));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int n = 0; n < valid.size(); n++) {
            String[] v = valid.get(n);
            records.add(
                    new ProducerRecord<>(
                            in,
                            v[1].getBytes(StandardCharsets.UTF_8),
                            TestRecords.interaction(
                                    v[0], v[1], v[2], "VIEW", now - 600_000 + n * 10L)));
        }
        java.util.IdentityHashMap<byte[], DeadLetterReason> reasonOf =
                new java.util.IdentityHashMap<>();
        int total = valid.size() + bad.size();
        for (int b = 0; b < bad.size(); b++) {
            reasonOf.put(bad.get(b).value(), bad.get(b).reason());
            records.add(
                    (int) ((b + 1L) * total / (bad.size() + 1)),
                    new ProducerRecord<>(in, bad.get(b).value()));
        }
        double deadBefore = meterTotal("recstream.dead.letters", "kind", "interaction");
        JobClient job = start(name, model, in, out, dlq, false, options);
        List<ConsumerRecord<byte[], byte[]>> recs;
        List<ConsumerRecord<byte[], byte[]>> dead;
        Map<String, DeadLetterReason> expected = new HashMap<>();
        try {
            List<RecordMetadata> acks =
                    KafkaTestUtils.produce(
                            kafka.bootstrapServers(),
                            records,
                            Map.of("max.request.size", Integer.toString(2 << 20)));
            for (int i = 0; i < records.size(); i++) {
                DeadLetterReason reason = reasonOf.get(records.get(i).value());
                if (reason != null) {
                    expected.put(acks.get(i).partition() + "@" + acks.get(i).offset(), reason);
                }
            }
            recs =
                    KafkaTestUtils.readCommitted(
                            kafka.bootstrapServers(),
                            out,
                            valid.size(),
                            Duration.ofMinutes(3),
                            Duration.ofSeconds(3));
            dead =
                    KafkaTestUtils.readCommitted(
                            kafka.bootstrapServers(),
                            dlq,
                            bad.size(),
                            Duration.ofMinutes(1),
                            Duration.ofSeconds(1));
            assertThat(job.getJobStatus().get())
                    .as("the job never failed (it has no restarts to spend)")
                    .isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
        assertThat(expected).hasSize(bad.size());
        assertDeadLetters(dead, in, expected);
        assertThat(meterTotal("recstream.dead.letters", "kind", "interaction") - deadBefore)
                .as("dead letters counted")
                .isEqualTo(bad.size());
        Map<String, Recommendation> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : recs) {
            Recommendation rec = JsonCodec.readRecommendation(r.value());
            assertThat(byKey.put(rec.getRequestKey(), rec)).as("duplicate recommendation").isNull();
        }
        return byKey;
    }

    private Map<Strategy, Integer> runAndCheck(
            String name, boolean injectFailure, String... extraOptions) throws Exception {
        return runAndCheck(name, injectFailure, model, extraOptions);
    }

    private Map<Strategy, Integer> runAndCheck(
            String name, boolean injectFailure, Path model, String... extraOptions)
            throws Exception {
        String in = "interactions-" + name;
        String out = "recommendations-" + name;
        String dlq = "dead-letters-" + name;
        createTopics(in, out, dlq, Map.of());

        // Valid traffic: known users, and new users whose first event must be served as cold.
        long now = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, String> userOfEvent = new HashMap<>();
        Map<String, String> itemOfEvent = new HashMap<>();
        Map<String, Set<String>> consumedBy = new HashMap<>();
        Map<String, Set<String>> consumedAtEvent = new HashMap<>();
        Set<String> newUserFirstEvents = new HashSet<>();
        Set<String> seenUsers = new HashSet<>();
        for (int n = 0; n < VALID_EVENTS; n++) {
            int user = n % 10 == 0 ? world.newUser() : (int) (world.nextDouble() * TRAINED_USERS);
            String userId = SyntheticWorld.userId(user);
            String eventId = name + "-event-" + n;
            String itemId = SyntheticWorld.itemId(world.pick(user));
            if (user >= TRAINED_USERS && seenUsers.add(userId)) {
                newUserFirstEvents.add(eventId);
            }
            userOfEvent.put(eventId, userId);
            itemOfEvent.put(eventId, itemId);
            Set<String> consumed = consumedBy.computeIfAbsent(userId, u -> new HashSet<>());
            consumed.add(itemId);
            consumedAtEvent.put(eventId, Set.copyOf(consumed));
            records.add(
                    new ProducerRecord<>(
                            in,
                            userId.getBytes(StandardCharsets.UTF_8),
                            TestRecords.interaction(
                                    eventId, userId, itemId, "CLICK", now - 600_000 + n * 10L)));
        }
        List<TestRecords.BadRecord> bad = TestRecords.badRecords(now);
        int firstBad = records.size();
        for (int b = 0; b < bad.size(); b++) {
            // spread the bad records through the stream
            records.add(
                    Math.min(records.size(), (b + 1) * (VALID_EVENTS / (bad.size() + 1))),
                    new ProducerRecord<>(in, bad.get(b).value()));
        }
        Map<String, DeadLetterReason> expectedReasons = new HashMap<>();
        assertThat(firstBad).isEqualTo(VALID_EVENTS);

        JobClient job = start(name, model, in, out, dlq, injectFailure, extraOptions);
        List<ConsumerRecord<byte[], byte[]>> recs;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try {
            // First half, then wait until a checkpoint has committed output, then the rest: the
            // injected failure hits records that follow a completed checkpoint.
            int half = records.size() / 2;
            List<RecordMetadata> acks =
                    new ArrayList<>(
                            KafkaTestUtils.produce(
                                    kafka.bootstrapServers(), records.subList(0, half)));
            assertThat(
                            KafkaTestUtils.readCommitted(
                                    kafka.bootstrapServers(),
                                    out,
                                    1,
                                    Duration.ofMinutes(2),
                                    Duration.ZERO))
                    .as("output committed by a first checkpoint")
                    .isNotEmpty();
            // The rest in ten slices over about two seconds: records keep arriving across the
            // following checkpoints.
            int slice = (records.size() - half + 9) / 10;
            for (int from = half; from < records.size(); from += slice) {
                acks.addAll(
                        KafkaTestUtils.produce(
                                kafka.bootstrapServers(),
                                records.subList(from, Math.min(records.size(), from + slice))));
                Thread.sleep(200);
            }
            for (int i = 0; i < records.size(); i++) {
                for (TestRecords.BadRecord b : bad) {
                    if (records.get(i).value() == b.value()) {
                        expectedReasons.put(
                                acks.get(i).partition() + "@" + acks.get(i).offset(), b.reason());
                    }
                }
            }
            assertThat(expectedReasons).hasSize(bad.size());
            recs =
                    KafkaTestUtils.readCommitted(
                            kafka.bootstrapServers(),
                            out,
                            VALID_EVENTS,
                            Duration.ofMinutes(3),
                            Duration.ofSeconds(4));
            dead =
                    KafkaTestUtils.readCommitted(
                            kafka.bootstrapServers(),
                            dlq,
                            bad.size(),
                            Duration.ofMinutes(1),
                            Duration.ofSeconds(1));
        } finally {
            job.cancel().get();
        }

        // Exactly one recommendation per valid event, keyed by its event id.
        List<String> keys = new ArrayList<>();
        Map<Strategy, Integer> strategies = new HashMap<>();
        String version = ModelBundle.load(model).version();
        for (ConsumerRecord<byte[], byte[]> r : recs) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            keys.add(key);
            Recommendation rec = JsonCodec.readRecommendation(r.value());
            assertThat(rec.getRequestKey()).isEqualTo(key);
            assertThat(rec.getUserId()).isEqualTo(userOfEvent.get(key));
            assertThat(rec.getModelVersion()).isEqualTo(version);
            assertThat(rec.getItemIds()).hasSize(10).doesNotHaveDuplicates();
            for (float score : rec.getScores()) {
                assertThat(Float.isFinite(score)).as("score of %s is finite", key).isTrue();
            }
            assertThat(rec.getItemIds())
                    .as("the item just interacted with is never recommended back")
                    .doesNotContain(itemOfEvent.get(key));
            assertThat(rec.getItemIds())
                    .as("nothing the user consumed up to this event is recommended")
                    .doesNotContainAnyElementsOf(consumedAtEvent.get(key));
            assertThat(rec.getEmitTime()).isGreaterThanOrEqualTo(rec.getEventTime());
            if (newUserFirstEvents.contains(key)) {
                assertThat(rec.getStrategy())
                        .as("first event of a new user")
                        .isEqualTo(Strategy.POPULAR);
            }
            strategies.merge(rec.getStrategy(), 1, Integer::sum);
        }
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(new HashSet<>(keys)).isEqualTo(userOfEvent.keySet());
        assertThat(strategies.getOrDefault(Strategy.POPULAR, 0))
                .isGreaterThanOrEqualTo(newUserFirstEvents.size());

        assertDeadLetters(dead, in, expectedReasons);
        return strategies;
    }

    /** Every bad record once in dead-letters, with its reason and source coordinates. */
    private static void assertDeadLetters(
            List<ConsumerRecord<byte[], byte[]>> dead,
            String sourceTopic,
            Map<String, DeadLetterReason> expectedByOffset) {
        Map<String, DeadLetterReason> actual = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            DeadLetter d = JsonCodec.readDeadLetter(r.value());
            assertThat(d.getSourceTopic()).isEqualTo(sourceTopic);
            assertThat(d.getDetail()).isNotBlank();
            assertThat(
                            actual.put(
                                    d.getSourcePartition() + "@" + d.getSourceOffset(),
                                    d.getReason()))
                    .as("duplicate dead letter")
                    .isNull();
        }
        assertThat(actual).isEqualTo(expectedByOffset);
    }

    private static void createTopics(
            String in, String out, String dlq, Map<String, String> inConfig) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(in, 4, (short) 1).configs(inConfig),
                                    new NewTopic(out, 4, (short) 1),
                                    new NewTopic(dlq, 2, (short) 1)))
                    .all()
                    .get();
            new TopicApplier(admin, Duration.ofSeconds(30)).awaitLeaders(List.of(in, out, dlq));
        }
    }

    private static JobClient start(
            String name,
            Path model,
            String in,
            String out,
            String dlq,
            boolean injectFailure,
            String... extraOptions)
            throws Exception {
        return TestJobs.startRecommend(
                kafka.bootstrapServers(),
                model,
                PARALLELISM,
                name,
                in,
                out,
                dlq,
                injectFailure,
                extraOptions);
    }
}
