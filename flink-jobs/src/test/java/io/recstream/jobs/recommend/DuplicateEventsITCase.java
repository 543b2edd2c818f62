package io.recstream.jobs.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestJobs;
import io.recstream.jobs.testing.TestModels;
import io.recstream.testing.KafkaBroker;
import io.recstream.training.SyntheticWorld;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event sent twice is one event, through Kafka and the whole recommend job (parallelism 2, four
 * partitions, exactly-once, read back read_committed).
 *
 * <p>Users come in twins with the same items at the same times: the "a" twin's 1,000 events are
 * sent, then sent again with the copies shuffled among the "b" twin's events (which are sent once),
 * so copies reach the job on other partitions' timing and interleaved with new events. Then each
 * twin sends one probe event. If a copy had touched the "a" twin's state, its answers would differ
 * from its twin's; the model scores them, so the scores themselves are compared. Last, a copy of an
 * event that fell out of {@code --dedup.window} is answered as a new event.
 */
class DuplicateEventsITCase {

    private static final int PAIRS = 250;
    private static final int EVENTS_PER_USER = 4;
    private static final int SENT_TWICE = PAIRS * EVENTS_PER_USER;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = TestJobs.miniCluster(2);
    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
    @TempDir static Path tmp;
    private static SyntheticWorld world;
    private static Path model;

    @BeforeAll
    static void trainModel() throws Exception {
        world = new SyntheticWorld(300, 6, 1.0, 0.85, 17L);
        model = TestModels.trainRecent(tmp.resolve("model"), world, 200, "dedup-1");
    }

    private static ProducerRecord<byte[], byte[]> event(
            String eventId, String user, String item, long timestamp) {
        String json =
                "{\"event_id\":\""
                        + eventId
                        + "\",\"user_id\":\""
                        + user
                        + "\",\"item_id\":\""
                        + item
                        + "\",\"type\":\"CLICK\",\"timestamp\":"
                        + timestamp
                        + "}";
        return new ProducerRecord<>(
                "interactions-dedup",
                user.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aReSentBatchIsAnsweredOnceAndLeavesEveryUsersStateAsIfSentOnce() throws Exception {
        String in = "interactions-dedup";
        String out = "recommendations-dedup";
        KafkaTestUtils.createTopics(kafka.bootstrapServers(), 4, in, out, "dead-letters-dedup");
        Counter duplicates =
                Metrics.counter("recstream.records.duplicate", "", "kind", "interaction");
        double duplicatesBefore = duplicates.count();
        JobClient job =
                TestJobs.startRecommend(
                        kafka.bootstrapServers(),
                        model,
                        2,
                        "dedup",
                        in,
                        out,
                        "dead-letters-dedup",
                        false,
                        "--dedup.window",
                        "2m");
        try {
            Random random = new Random(3);
            long t0 = System.currentTimeMillis() - 30 * 60_000L;
            List<ProducerRecord<byte[], byte[]>> a = new ArrayList<>();
            List<ProducerRecord<byte[], byte[]>> b = new ArrayList<>();
            for (int p = 0; p < PAIRS; p++) {
                int taste = random.nextInt(200);
                for (int e = 0; e < EVENTS_PER_USER; e++) {
                    String item = SyntheticWorld.itemId(world.pick(taste));
                    long ts = t0 + p * 10L + e * 1_000L;
                    a.add(event("a-" + p + "-" + e, "a-" + p, item, ts));
                    b.add(event("b-" + p + "-" + e, "b-" + p, item, ts));
                }
            }
            KafkaTestUtils.produce(kafka.bootstrapServers(), a);
            // the copies, shuffled among the b-twins' events (which keep their own order)
            List<ProducerRecord<byte[], byte[]>> copies = new ArrayList<>(a);
            java.util.Collections.shuffle(copies, random);
            List<ProducerRecord<byte[], byte[]>> mixed = new ArrayList<>(b);
            for (ProducerRecord<byte[], byte[]> copy : copies) {
                mixed.add(random.nextInt(mixed.size() + 1), copy);
            }
            KafkaTestUtils.produce(kafka.bootstrapServers(), mixed);
            List<ConsumerRecord<byte[], byte[]>> first =
                    KafkaTestUtils.readCommittedUntil(
                            kafka.bootstrapServers(),
                            out,
                            r -> r.size() >= 2 * SENT_TWICE,
                            Duration.ofMinutes(2));
            assertThat(first).hasSize(2 * SENT_TWICE);

            // one probe per twin, on the same item at the same time
            List<ProducerRecord<byte[], byte[]>> probes = new ArrayList<>();
            long probeTime = t0 + 60_000;
            for (int p = 0; p < PAIRS; p++) {
                String item = SyntheticWorld.itemId(world.pick(p % 200));
                probes.add(event("a-probe-" + p, "a-" + p, item, probeTime));
                probes.add(event("b-probe-" + p, "b-" + p, item, probeTime));
            }
            // and a copy of an event older than the window before its user's newest event
            probes.add(event("c-old", "c", SyntheticWorld.itemId(1), probeTime));
            probes.add(event("c-new", "c", SyntheticWorld.itemId(2), probeTime + 3 * 60_000L));
            probes.add(event("c-old", "c", SyntheticWorld.itemId(1), probeTime));
            KafkaTestUtils.produce(kafka.bootstrapServers(), probes);
            int expected = 2 * SENT_TWICE + 2 * PAIRS + 3;
            KafkaTestUtils.readCommittedUntil(
                    kafka.bootstrapServers(),
                    out,
                    r -> r.size() >= expected,
                    Duration.ofMinutes(2));
            Thread.sleep(3_000); // a second answer would come after the expected count
            List<ConsumerRecord<byte[], byte[]>> all =
                    KafkaTestUtils.readCommittedUntil(
                            kafka.bootstrapServers(),
                            out,
                            r -> r.size() > expected,
                            Duration.ofSeconds(5));

            Map<String, List<Recommendation>> byKey = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : all) {
                Recommendation rec = JsonCodec.readRecommendation(r.value());
                byKey.computeIfAbsent(rec.getRequestKey(), k -> new ArrayList<>()).add(rec);
            }
            assertThat(all).hasSize(expected);
            assertThat(byKey.get("c-old")).as("a copy from outside the window is new").hasSize(2);
            byKey.remove("c-old");
            assertThat(byKey.values()).allSatisfy(l -> assertThat(l).hasSize(1));
            assertThat(duplicates.count() - duplicatesBefore).isEqualTo(SENT_TWICE);

            int modelScored = 0;
            for (int p = 0; p < PAIRS; p++) {
                for (String event : eventsOf(p)) {
                    Recommendation ra = byKey.get("a-" + event).get(0);
                    Recommendation rb = byKey.get("b-" + event).get(0);
                    if (ra.getStrategy() == Strategy.MODEL || rb.getStrategy() == Strategy.MODEL) {
                        modelScored++;
                        assertThat(ra.getStrategy()).as(event).isEqualTo(rb.getStrategy());
                        assertThat(ra.getItemIds()).as(event).containsExactly(rb.getItemIds());
                        assertThat(Arrays.equals(ra.getScores(), rb.getScores()))
                                .as("scores of %s: %s vs %s", event, ra, rb)
                                .isTrue();
                    }
                }
            }
            assertThat(modelScored).as("answers the model scored").isGreaterThan(PAIRS * 3);
        } finally {
            job.cancel().get();
        }
    }

    private static List<String> eventsOf(int pair) {
        List<String> events = new ArrayList<>();
        for (int e = 0; e < EVENTS_PER_USER; e++) {
            events.add(pair + "-" + e);
        }
        events.add("probe-" + pair);
        return events;
    }
}
