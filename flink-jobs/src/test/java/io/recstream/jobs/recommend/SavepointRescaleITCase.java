package io.recstream.jobs.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestJobs;
import io.recstream.jobs.testing.TestModels;
import io.recstream.jobs.testing.TestRecords;
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
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-user history through stop-with-savepoint and rescaling: the recommend job runs with
 * parallelism 2, is stopped with a savepoint, started from it with parallelism 1, stopped again and
 * started with parallelism 2. New users (unknown to the model) get one interaction per phase; the
 * model treats a user with fewer than two known recent items as cold, so a user's event in the
 * second and third phase is scored by the model only if the earlier phases' items survived in the
 * restored state, and the items seen in every earlier phase must be filtered out. Across all three
 * runs every event has exactly one recommendation read_committed.
 */
class SavepointRescaleITCase {

    private static final int USERS = 60;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = TestJobs.miniCluster(2);

    @TempDir static Path tmp;
    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
    private static Path model;
    private static SyntheticWorld world;

    @BeforeAll
    static void trainModel() throws Exception {
        world = new SyntheticWorld(300, 6, 1.0, 0.85, 31L);
        model = TestModels.trainRecent(tmp.resolve("model"), world, 200, "rescale-1");
    }

    @Test
    void userHistorySurvivesStopWithSavepointAndRescaling2To1To2() throws Exception {
        String in = "interactions-rescale";
        String out = "recommendations-rescale";
        String dlq = "dead-letters-rescale";
        KafkaTestUtils.createTopics(kafka.bootstrapServers(), 4, in, out, dlq);

        // Each new user gets three distinct items, one per phase.
        List<String> users = new ArrayList<>();
        Map<String, List<String>> itemsOf = new HashMap<>();
        for (int u = 0; u < USERS; u++) {
            int user = world.newUser();
            Set<String> items = new java.util.LinkedHashSet<>();
            while (items.size() < 3) {
                items.add(SyntheticWorld.itemId(world.pick(user)));
            }
            users.add(SyntheticWorld.userId(user));
            itemsOf.put(SyntheticWorld.userId(user), new ArrayList<>(items));
        }

        String savepoint = null;
        int[] parallelism = {2, 1, 2};
        Map<String, Recommendation> all = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (int phase = 0; phase < 3; phase++) {
            List<String> options =
                    new ArrayList<>(List.of("--parallelism", Integer.toString(parallelism[phase])));
            if (savepoint != null) {
                options.addAll(
                        List.of("--flink-conf", "execution.state-recovery.path=" + savepoint));
            }
            JobClient job =
                    TestJobs.startRecommend(
                            kafka.bootstrapServers(),
                            model,
                            2,
                            "rescale",
                            in,
                            out,
                            dlq,
                            false,
                            options.toArray(String[]::new));
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (String user : users) {
                String eventId = "phase" + phase + "-" + user;
                records.add(
                        new ProducerRecord<>(
                                in,
                                user.getBytes(StandardCharsets.UTF_8),
                                TestRecords.interaction(
                                        eventId,
                                        user,
                                        itemsOf.get(user).get(phase),
                                        "CLICK",
                                        now - 60_000 + phase)));
            }
            KafkaTestUtils.produce(kafka.bootstrapServers(), records);
            List<ConsumerRecord<byte[], byte[]>> recs =
                    KafkaTestUtils.readCommitted(
                            kafka.bootstrapServers(),
                            out,
                            (phase + 1) * USERS,
                            Duration.ofMinutes(2),
                            Duration.ZERO);
            assertThat(recs).as("phase %d served", phase).hasSize((phase + 1) * USERS);
            savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    tmp.resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();
        }

        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestUtils.readCommitted(
                        kafka.bootstrapServers(),
                        out,
                        3 * USERS,
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(2))) {
            Recommendation rec = JsonCodec.readRecommendation(r.value());
            keys.add(rec.getRequestKey());
            all.put(rec.getRequestKey(), rec);
        }
        assertThat(keys).as("no duplicates across the restarts").doesNotHaveDuplicates();
        Set<String> expected = new HashSet<>();
        for (int phase = 0; phase < 3; phase++) {
            for (String user : users) {
                expected.add("phase" + phase + "-" + user);
            }
        }
        assertThat(all.keySet()).as("no loss across the restarts").isEqualTo(expected);

        for (String user : users) {
            List<String> items = itemsOf.get(user);
            assertThat(all.get("phase0-" + user).getStrategy())
                    .as("one item: cold")
                    .isEqualTo(Strategy.POPULAR);
            for (int phase = 1; phase < 3; phase++) {
                Recommendation rec = all.get("phase" + phase + "-" + user);
                assertThat(rec.getStrategy())
                        .as("%s in phase %d: warm only with the restored history", user, phase)
                        .isEqualTo(Strategy.MODEL);
                assertThat(rec.getItemIds())
                        .as("items seen before the restart are filtered out")
                        .doesNotContainAnyElementsOf(items.subList(0, phase + 1));
            }
        }
    }
}
