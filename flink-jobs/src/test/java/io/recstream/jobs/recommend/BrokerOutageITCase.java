package io.recstream.jobs.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestJobs;
import io.recstream.jobs.testing.TestModels;
import io.recstream.jobs.testing.TestRecords;
import io.recstream.kafka.embedded.EmbeddedKafka;
import io.recstream.training.SyntheticWorld;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recommend job through Kafka broker outages, exactly once: the broker is stopped while the job
 * is busy writing, for longer than the clients' delivery timeout (the job fails, restarts from its
 * last checkpoint and waits for the broker) and for longer than the transaction timeout (the broker
 * aborts the open transactions when it returns; the job replays them from its checkpoint). Every
 * event must have exactly one recommendation read_committed afterwards, and the job's failure must
 * be on record with its cause.
 */
@Tag("reliability")
class BrokerOutageITCase {

    private static final int PARALLELISM = 2;
    private static final int TRAINED_USERS = 200;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestJobs.miniCluster(PARALLELISM);

    @TempDir static Path tmp;
    private static EmbeddedKafka kafka;
    private static Path model;
    private static Path clientProperties;
    private static SyntheticWorld world;

    @BeforeAll
    static void start() throws Exception {
        // Timed-out transactions are aborted within a second of the broker noticing.
        kafka =
                EmbeddedKafka.start(
                        null,
                        Map.of(
                                "transaction.abort.timed.out.transaction.cleanup.interval.ms",
                                "1000"));
        world = new SyntheticWorld(300, 6, 1.0, 0.85, 21L);
        model = TestModels.trainRecent(tmp.resolve("model"), world, TRAINED_USERS, "outage-1");
        // Clients give up on the broker after a few seconds instead of two minutes.
        clientProperties = tmp.resolve("client.properties");
        Files.writeString(
                clientProperties,
                "delivery.timeout.ms=6000\nrequest.timeout.ms=3000\nmax.block.ms=6000\n"
                        + "default.api.timeout.ms=6000\nreconnect.backoff.max.ms=500\n");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void anOutageLongerThanTheDeliveryTimeoutLosesAndDuplicatesNothing(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        runThroughOutage(cluster, "short-outage", "2s", "2m", Duration.ofSeconds(12));
    }

    @Test
    void anOutageLongerThanTheTransactionTimeoutFailsTheJobAndReplaysFromTheCheckpoint(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        runThroughOutage(cluster, "long-outage", "5s", "12s", Duration.ofSeconds(25));
    }

    private void runThroughOutage(
            MiniCluster cluster,
            String name,
            String checkpointInterval,
            String transactionTimeout,
            Duration outage)
            throws Exception {
        String in = "interactions-" + name;
        String out = "recommendations-" + name;
        String dlq = "dead-letters-" + name;
        KafkaTestUtils.createTopics(kafka.bootstrapServers(), 4, in, out, dlq);
        List<ProducerRecord<byte[], byte[]>> before = events(in, name + "-a", 1_000);
        List<ProducerRecord<byte[], byte[]>> during = events(in, name + "-b", 3_000);
        List<ProducerRecord<byte[], byte[]>> after = events(in, name + "-c", 1_000);

        JobClient job =
                TestJobs.startRecommend(
                        kafka.bootstrapServers(),
                        model,
                        PARALLELISM,
                        name,
                        in,
                        out,
                        dlq,
                        false,
                        "--kafka-properties",
                        clientProperties.toString(),
                        "--checkpoint-interval",
                        checkpointInterval,
                        "--transaction-timeout",
                        transactionTimeout,
                        "--restart-attempts",
                        "1000",
                        "--restart-delay",
                        "1s");
        List<ConsumerRecord<byte[], byte[]>> recs;
        try {
            // A first batch fully committed, so a checkpoint has completed and been committed.
            KafkaTestUtils.produce(kafka.bootstrapServers(), before);
            assertThat(readCommitted(out, before.size(), Duration.ZERO))
                    .as("the first batch committed")
                    .hasSize(before.size());
            // The broker goes away while the job is busy with the second batch.
            KafkaTestUtils.produce(kafka.bootstrapServers(), during);
            kafka.stopBroker();
            Thread.sleep(outage.toMillis());
            kafka.startBroker();
            KafkaTestUtils.produce(kafka.bootstrapServers(), after);
            int total = before.size() + during.size() + after.size();
            recs = readCommitted(out, total, Duration.ofSeconds(5));
            ErrorInfo failure = cluster.getExecutionGraph(job.getJobID()).get().getFailureInfo();
            assertThat(failure).as("the outage failed the job (and it restarted)").isNotNull();
            assertThat(failure.getExceptionAsString())
                    .as("the failure names its Kafka cause")
                    .containsIgnoringCase("kafka");
        } finally {
            job.cancel().get();
        }

        Set<String> expected = new HashSet<>();
        for (List<ProducerRecord<byte[], byte[]>> batch : List.of(before, during, after)) {
            for (ProducerRecord<byte[], byte[]> r : batch) {
                expected.add(eventId(r));
            }
        }
        List<String> keys = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : recs) {
            Recommendation rec = JsonCodec.readRecommendation(r.value());
            keys.add(rec.getRequestKey());
        }
        assertThat(keys).as("no duplicates").doesNotHaveDuplicates();
        assertThat(new HashSet<>(keys)).as("no loss").isEqualTo(expected);
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String topic, int expected, Duration settle) {
        return KafkaTestUtils.readCommitted(
                kafka.bootstrapServers(), topic, expected, Duration.ofMinutes(2), settle);
    }

    private static List<ProducerRecord<byte[], byte[]>> events(
            String topic, String prefix, int count) {
        long now = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int user = (int) (world.nextDouble() * TRAINED_USERS);
            String userId = SyntheticWorld.userId(user);
            records.add(
                    new ProducerRecord<>(
                            topic,
                            userId.getBytes(StandardCharsets.UTF_8),
                            TestRecords.interaction(
                                    prefix + "-" + n,
                                    userId,
                                    SyntheticWorld.itemId(world.pick(user)),
                                    "CLICK",
                                    now - 300_000 + n)));
        }
        return records;
    }

    private static String eventId(ProducerRecord<byte[], byte[]> r) {
        String json = new String(r.value(), StandardCharsets.UTF_8);
        int start = json.indexOf("\"event_id\":\"") + "\"event_id\":\"".length();
        return json.substring(start, json.indexOf('"', start));
    }
}
