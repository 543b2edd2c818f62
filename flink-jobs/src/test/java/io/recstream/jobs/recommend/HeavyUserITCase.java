package io.recstream.jobs.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestJobs;
import io.recstream.jobs.testing.TestModels;
import io.recstream.jobs.testing.TestRecords;
import io.recstream.model.ModelBundle;
import io.recstream.model.Vocabulary;
import io.recstream.testing.KafkaBroker;
import io.recstream.training.SyntheticWorld;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who has consumed more than a thousand items, most of them the model's best, is never
 * recommended any of them: through Kafka and the whole job, and after a stop with savepoint and a
 * restore, when only the restored state knows what the user had.
 */
class HeavyUserITCase {

    private static final String IN = "interactions-heavy";
    private static final String OUT = "recommendations-heavy";
    private static final String DLQ = "dead-letters-heavy";
    private static final String USER = "heavy-user";
    private static final int CONSUMED = 1_200;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = TestJobs.miniCluster(2);
    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
    @TempDir static Path tmp;
    private static Vocabulary vocabulary;
    private static Path model;

    @BeforeAll
    static void trainModel() throws Exception {
        SyntheticWorld world = new SyntheticWorld(2_000, 10, 1.0, 0.85, 41L);
        long now = System.currentTimeMillis();
        model =
                TestModels.train(
                        tmp.resolve("model"),
                        world,
                        400,
                        80_000,
                        now - 3_600_000L * 48,
                        now - 3_600_000L,
                        io.recstream.training.Trainer.Options.defaults()
                                .withDimensions(16)
                                .withServing(io.recstream.model.ServingParameters.DEFAULTS)
                                .withVersion("heavy-1", false));
        vocabulary = ModelBundle.load(model).vocabulary();
    }

    private static ProducerRecord<byte[], byte[]> event(String id, String item, long time) {
        return new ProducerRecord<>(
                IN,
                USER.getBytes(StandardCharsets.UTF_8),
                TestRecords.interaction(id, USER, item, "CLICK", time));
    }

    @Test
    void overAThousandConsumedItemsAreNeverRecommendedBeforeOrAfterARestore() throws Exception {
        KafkaTestUtils.createTopics(kafka.bootstrapServers(), 2, IN, OUT, DLQ);
        int n = vocabulary.size();
        assertThat(n)
                .as("the vocabulary leaves room after the consumed items")
                .isGreaterThan(CONSUMED + 100);
        long t0 = System.currentTimeMillis() - 30 * 60_000L;
        // the vocabulary is ordered by training popularity: the user takes the most popular first,
        // which are the items any model ranks high
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
        for (int i = 0; i < CONSUMED; i++) {
            first.add(event("e-" + i, vocabulary.itemId(i), t0 + i));
        }
        JobClient job =
                TestJobs.startRecommend(
                        kafka.bootstrapServers(), model, 2, "heavy", IN, OUT, DLQ, false);
        KafkaTestUtils.produce(kafka.bootstrapServers(), first);
        List<Recommendation> before = read(CONSUMED);
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                tmp.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get();

        JobClient restored =
                TestJobs.startRecommend(
                        kafka.bootstrapServers(),
                        model,
                        2,
                        "heavy",
                        IN,
                        OUT,
                        DLQ,
                        false,
                        "--flink-conf",
                        "execution.state-recovery.path=" + savepoint);
        try {
            List<ProducerRecord<byte[], byte[]>> second = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                second.add(event("f-" + i, vocabulary.itemId(CONSUMED + i), t0 + 60_000 + i));
            }
            KafkaTestUtils.produce(kafka.bootstrapServers(), second);
            List<Recommendation> all = read(CONSUMED + 20);

            List<Recommendation> after =
                    all.stream().filter(r -> r.getRequestKey().startsWith("f-")).toList();
            assertThat(after).hasSize(20);
            for (Recommendation r : after) {
                assertThat(r.getStrategy()).isEqualTo(Strategy.MODEL);
                assertThat(r.getItemIds()).hasSize(10);
                assertNoneConsumed(r, CONSUMED + Integer.parseInt(r.getRequestKey().substring(2)));
            }
            for (Recommendation r : before) {
                assertNoneConsumed(r, Integer.parseInt(r.getRequestKey().substring(2)));
            }
        } finally {
            restored.cancel().get();
        }
    }

    /** The user had consumed vocabulary items 0..{@code last} when this was served. */
    private static void assertNoneConsumed(Recommendation r, int last) {
        for (String item : r.getItemIds()) {
            assertThat(vocabulary.indexOf(item))
                    .as("%s serves %s, consumed before it", r.getRequestKey(), item)
                    .isGreaterThan(last);
        }
    }

    private static List<Recommendation> read(int expected) {
        return KafkaTestUtils.readRecommendations(kafka.bootstrapServers(), OUT, expected);
    }
}
