package io.recstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.metrics.PortRange;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestModels;
import io.recstream.jobs.testing.TestRecords;
import io.recstream.model.ModelBundle;
import io.recstream.testing.KafkaBroker;
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
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real distributed Flink: a standalone session cluster with a JobManager
 * and two TaskManagers as separate processes, the jar uploaded and run through the REST API with
 * parallelism 2, against a real Kafka broker. This is what proves the jar works outside our own
 * JVM: shading, child-first user-code class loading, RocksDB's and ONNX Runtime's native libraries
 * loaded by the user-code class loader, records crossing processes over Flink's network stack.
 *
 * <p>Three phases over one recommendations topic, checked read_committed at the end:
 *
 * <ol>
 *   <li>the job runs and serves the first batch;
 *   <li>a TaskManager is killed with SIGKILL while the second batch is in flight and a new one
 *       joins; the job restarts from its last checkpoint;
 *   <li>the job is stopped with a savepoint and submitted again from it, so the surviving
 *       TaskManager JVMs load the job (and ONNX Runtime's native library) in a second user-code
 *       class loader; the third batch is served next to the monitor job, which runs from the same
 *       jar.
 * </ol>
 *
 * Every valid event has exactly one recommendation across all three, every bad record exactly one
 * dead letter.
 */
class StandaloneClusterITCase {

    private static final String RECOMMEND_JOB = "io.recstream.jobs.recommend.RecommendJob";
    private static final String MONITOR_JOB = "io.recstream.jobs.monitor.MonitorJob";
    private static final int PARALLELISM = 2;
    private static final int BATCH = 1_500;
    private static final int TRAINED_USERS = 300;

    @TempDir static Path tmp;

    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
    private static Path model;
    private static SyntheticWorld world;
    private static StandaloneFlinkCluster cluster;
    private static PortRange metricsPorts;

    @BeforeAll
    static void startEverything() throws Exception {
        world = new SyntheticWorld(400, 8, 1.0, 0.85, 11L);
        model =
                TestModels.trainRecent(
                        tmp.resolve("model"), world, TRAINED_USERS, "cluster-model-1");
        KafkaTestUtils.createTopics(
                kafka.bootstrapServers(),
                4,
                "interactions",
                "recommendations",
                "dead-letters",
                "feedback",
                "drift-alerts",
                "monitor-signals");
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            metricsPorts = new PortRange(probe.getLocalPort() + 1, probe.getLocalPort() + 8);
        }
        // One slot per TaskManager: a job of parallelism 2 always spans two processes.
        cluster =
                StandaloneFlinkCluster.start(
                        Path.of(System.getProperty("recstream.cluster.lib", "target/flink-lib")),
                        tmp.resolve("flink"),
                        2,
                        1,
                        Map.of());
    }

    @AfterAll
    static void stopEverything() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> recommendArgs() {
        return List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--model",
                model.toString(),
                "--checkpoint-interval",
                "1s",
                "--checkpoint-storage",
                tmp.resolve("checkpoints").toUri().toString(),
                "--transaction-timeout",
                "5m",
                "--restart-delay",
                "500ms",
                "--popularity.window",
                "2m",
                "--popularity.slide",
                "20s",
                "--metrics.port",
                metricsPorts.toString());
    }

    /** The metrics endpoints listening in {@link #metricsPorts}: port to scraped body. */
    private static Map<Integer, String> scrapeMetrics() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Map<Integer, String> bodies = new java.util.TreeMap<>();
        for (int port = metricsPorts.first(); port <= metricsPorts.last(); port++) {
            try {
                bodies.put(
                        port,
                        http.send(
                                        java.net.http.HttpRequest.newBuilder(
                                                        java.net.URI.create(
                                                                "http://127.0.0.1:"
                                                                        + port
                                                                        + "/metrics"))
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofString())
                                .body());
            } catch (java.io.IOException e) {
                // nothing listens on this port
            }
        }
        return bodies;
    }

    /** One batch of valid interactions (ids {@code batch-n}) with the bad records spread in. */
    private static List<ProducerRecord<byte[], byte[]>> batch(
            String name, long firstTimestamp, Map<String, String> userOfEvent) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int n = 0; n < BATCH; n++) {
            int user = n % 10 == 0 ? world.newUser() : (int) (world.nextDouble() * TRAINED_USERS);
            String userId = SyntheticWorld.userId(user);
            String eventId = name + "-" + n;
            userOfEvent.put(eventId, userId);
            String json =
                    "{\"event_id\":\""
                            + eventId
                            + "\",\"user_id\":\""
                            + userId
                            + "\",\"item_id\":\""
                            + SyntheticWorld.itemId(world.pick(user))
                            + "\",\"type\":\"CLICK\",\"timestamp\":"
                            + (firstTimestamp + n * 100L)
                            + "}";
            records.add(
                    new ProducerRecord<>(
                            "interactions",
                            userId.getBytes(StandardCharsets.UTF_8),
                            json.getBytes(StandardCharsets.UTF_8)));
        }
        List<TestRecords.BadRecord> bad = TestRecords.badRecords(firstTimestamp);
        for (int b = 0; b < bad.size(); b++) {
            records.add(
                    (b + 1) * BATCH / (bad.size() + 1),
                    new ProducerRecord<>("interactions", bad.get(b).value()));
        }
        return records;
    }

    private static final int BAD_PER_BATCH = TestRecords.badRecords(0).size();

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        KafkaTestUtils.produce(kafka.bootstrapServers(), records);
    }

    /** Reads {@code topic} read_committed from the start until {@code done} holds. */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        return KafkaTestUtils.readCommittedUntil(kafka.bootstrapServers(), topic, done, timeout);
    }

    private static Predicate<List<ConsumerRecord<byte[], byte[]>>> atLeast(int n) {
        return records -> records.size() >= n;
    }

    @Test
    void theJobJarRunsExactlyOnceOnAStandaloneClusterThroughFailureAndRedeploy() throws Exception {
        Path jar = Path.of(System.getProperty("recstream.job.jar", "target/job/recstream-job.jar"));
        assertThat(jar).as("shaded job jar (built by the package phase)").exists();
        String jarId = cluster.uploadJar(jar);
        Map<String, String> userOfEvent = new HashMap<>();
        long t0 = System.currentTimeMillis() - 20 * 60_000L;

        for (long pid : cluster.pids()) {
            assertThat(StandaloneFlinkCluster.commandLineBytes(pid))
                    .as("command line of cluster process %d", pid)
                    .isGreaterThan(StandaloneFlinkCluster.MIN_CLASSPATH);
        }

        // 1. Submit through REST with parallelism 2; the first batch is served. The JobManager
        // runs the job's start-up checks (ONNX Runtime included) on its jar-runner thread.
        String job = cluster.run(jarId, RECOMMEND_JOB, recommendArgs(), PARALLELISM);
        assertThat(cluster.jobManagerAlive()).as("JobManager after the REST submission").isTrue();
        JsonNode running = cluster.awaitRunning(job, Duration.ofMinutes(2));
        assertThat(running.path("vertices").size()).isGreaterThan(1);
        assertThat(taskManagersRunning(job))
                .as("the job's subtasks run in both TaskManager processes")
                .hasSize(2);
        produce(batch("first", t0, userOfEvent));
        assertThat(readCommitted("recommendations", atLeast(BATCH), Duration.ofMinutes(2)))
                .as("first batch served")
                .hasSizeGreaterThanOrEqualTo(BATCH);

        // 2. SIGKILL a TaskManager while the second batch is in flight; a new one joins.
        produce(batch("second", t0 + BATCH * 100L, userOfEvent));
        cluster.killTaskManager(0);
        cluster.startTaskManager();
        cluster.await(
                "the job restarted after losing a TaskManager",
                () -> cluster.get("/jobs/" + job),
                j -> {
                    try {
                        return cluster.restarts(job) >= 1
                                && "RUNNING".equals(j.path("state").asText());
                    } catch (Exception e) {
                        return false;
                    }
                },
                Duration.ofMinutes(2));
        long restarts = cluster.restarts(job);
        assertThat(readCommitted("recommendations", atLeast(2 * BATCH), Duration.ofMinutes(3)))
                .as("second batch served after recovery")
                .hasSizeGreaterThanOrEqualTo(2 * BATCH);

        // 3. Stop with a savepoint, run again from it: a new user-code class loader in the same
        // TaskManager JVMs, which already loaded the native libraries once.
        String savepoint = cluster.stopWithSavepoint(job, tmp.resolve("savepoints"));
        assertThat(Path.of(java.net.URI.create(savepoint))).exists();
        String job2 =
                cluster.runFromSavepoint(
                        jarId, RECOMMEND_JOB, recommendArgs(), PARALLELISM, savepoint);
        cluster.awaitRunning(job2, Duration.ofMinutes(2));
        assertThat(cluster.taskManagerAlive(1)).as("TaskManager that ran the first job").isTrue();
        assertThat(cluster.get("/overview").path("taskmanagers").asInt()).isEqualTo(2);
        assertThat(taskManagersRunning(job2))
                .as("the redeployed job takes both slots: the surviving and the new TaskManager")
                .hasSize(2);
        // one more TaskManager for the monitor job
        cluster.startTaskManager();
        cluster.awaitSlots(3, Duration.ofMinutes(1));
        String monitor =
                cluster.run(
                        jarId,
                        MONITOR_JOB,
                        List.of(
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "--model",
                                model.toString(),
                                "--checkpoint-storage",
                                tmp.resolve("monitor-checkpoints").toUri().toString(),
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
                                "--checkpoint-interval",
                                "1s",
                                "--transaction-timeout",
                                "5m",
                                "--metrics.port",
                                metricsPorts.toString()),
                        1);
        cluster.awaitRunning(monitor, Duration.ofMinutes(2));
        produce(batch("third", t0 + 2 * BATCH * 100L, userOfEvent));

        List<ConsumerRecord<byte[], byte[]>> recs =
                readCommitted("recommendations", atLeast(3 * BATCH), Duration.ofMinutes(3));
        // keep reading a little: a duplicate would arrive after the expected count
        Thread.sleep(3_000);
        recs = readCommitted("recommendations", atLeast(3 * BATCH + 1), Duration.ofSeconds(5));
        List<ConsumerRecord<byte[], byte[]>> signals =
                readCommitted("monitor-signals", atLeast(1), Duration.ofMinutes(2));
        List<ConsumerRecord<byte[], byte[]>> dead =
                readCommitted("dead-letters", atLeast(3 * BAD_PER_BATCH), Duration.ofMinutes(1));
        assertThat(cluster.rootException(job2)).as("no failure in the redeployed job").isEmpty();
        // Each job serves its own endpoint in each TaskManager it runs in, on a port of the
        // range: the redeployed job in two, the monitor in one. The first job's endpoints closed
        // with it; had they leaked, there would be more.
        Map<Integer, String> endpoints = scrapeMetrics();
        assertThat(endpoints.values())
                .as("endpoints in %s", metricsPorts)
                .hasSize(3)
                .filteredOn(b -> b.contains("recstream_recommendations_total{"))
                .hasSize(2);
        assertThat(endpoints.values())
                .filteredOn(b -> b.contains("recstream_monitor_signal{"))
                .hasSize(1);
        cluster.cancel(monitor);
        cluster.cancel(job2);

        List<String> keys = new ArrayList<>();
        Map<Strategy, Integer> strategies = new HashMap<>();
        int thirdBatchScored = 0;
        String version = ModelBundle.load(model).version();
        for (ConsumerRecord<byte[], byte[]> r : recs) {
            Recommendation rec = JsonCodec.readRecommendation(r.value());
            keys.add(rec.getRequestKey());
            assertThat(rec.getUserId()).isEqualTo(userOfEvent.get(rec.getRequestKey()));
            assertThat(rec.getModelVersion()).isEqualTo(version);
            assertThat(rec.getItemIds()).hasSize(10).doesNotHaveDuplicates();
            strategies.merge(rec.getStrategy(), 1, Integer::sum);
            if (rec.getRequestKey().startsWith("third-") && rec.getStrategy() == Strategy.MODEL) {
                thirdBatchScored++;
            }
        }
        System.out.printf(
                "standalone cluster: %d recommendations %s, restarts after the kill %d,"
                        + " savepoint %s, %d dead letters, %d monitor signals%n",
                recs.size(), strategies, restarts, savepoint, dead.size(), signals.size());
        assertThat(keys).as("no duplicates").doesNotHaveDuplicates();
        assertThat(new HashSet<>(keys)).as("nothing missing").isEqualTo(userOfEvent.keySet());
        assertThat(thirdBatchScored)
                .as("ONNX Runtime scores again in the redeployed job's class loader")
                .isGreaterThan(BATCH / 2);

        Set<String> deadSources = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            DeadLetter d = JsonCodec.readDeadLetter(r.value());
            assertThat(deadSources.add(d.getSourcePartition() + "@" + d.getSourceOffset()))
                    .as("duplicate dead letter")
                    .isTrue();
        }
        assertThat(deadSources).hasSize(3 * BAD_PER_BATCH);

        List<SignalValue> values =
                signals.stream().map(r -> JsonCodec.readSignalValue(r.value())).toList();
        assertThat(values).as("the monitor job wrote window signals").isNotEmpty();
        assertThat(values).allSatisfy(v -> assertThat(v.getValue()).isNotNaN());

        // Nothing was set in the cluster's environment: the job turned ONNX Runtime's telemetry
        // off in every process that opened the model, before its client could start.
        assertThat(cluster.jobManagerAlive()).isTrue();
        for (long pid : cluster.pids()) {
            assertThat(Path.of("/tmp", "mat-debug-" + pid + ".log"))
                    .as("ONNX Runtime telemetry started in cluster process %d", pid)
                    .doesNotExist();
        }
        assertThat(java.nio.file.Files.readString(cluster.logs().resolve("jobmanager.log")))
                .contains("ONNX Runtime telemetry is off");
    }

    /** The TaskManager ids that run at least one subtask of the job. */
    private static Set<String> taskManagersRunning(String job) throws Exception {
        Set<String> tms = new HashSet<>();
        for (JsonNode v : cluster.get("/jobs/" + job).path("vertices")) {
            JsonNode detail = cluster.get("/jobs/" + job + "/vertices/" + v.path("id").asText());
            for (JsonNode s : detail.path("subtasks")) {
                tms.add(s.path("taskmanager-id").asText());
            }
        }
        return tms;
    }
}
