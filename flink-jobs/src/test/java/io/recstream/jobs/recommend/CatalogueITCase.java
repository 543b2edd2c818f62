package io.recstream.jobs.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SlotKind;
import io.recstream.jobs.events.Strategy;
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
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The item catalogue through Kafka and the whole recommend job (parallelism 2, exactly-once, read
 * back read_committed): a withdrawn model item is served by no strategy; an item only the catalogue
 * knows is explored at once with its category's embedding, and after three interactions scored with
 * its folded-in one; a bad catalogue record is dead-lettered with its coordinates.
 */
class CatalogueITCase {

    private static final String IN = "interactions-cat";
    private static final String OUT = "recommendations-cat";
    private static final String DLQ = "dead-letters-cat";
    private static final String ITEMS = "items-cat";
    private static final String FRESH = "fresh-1";

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = TestJobs.miniCluster(2);
    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();
    @TempDir static Path tmp;
    private static SyntheticWorld world;
    private static Path model;

    @BeforeAll
    static void trainModel() throws Exception {
        world = new SyntheticWorld(300, 6, 1.0, 0.85, 21L);
        model = TestModels.trainRecent(tmp.resolve("model"), world, 200, "catalogue-1");
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
                IN, user.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> item(String id, byte[] value) {
        return new ProducerRecord<>(
                ITEMS, id == null ? null : id.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Four category-0 items for user {@code u}, one a second apart from {@code t0}. */
    private static List<ProducerRecord<byte[], byte[]>> history(String phase, int u, long t0) {
        List<ProducerRecord<byte[], byte[]>> events = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            String item = SyntheticWorld.itemId(world.pickFrom(0));
            events.add(event(phase + "-" + u + "-" + e, phase + "-" + u, item, t0 + e * 1_000L));
        }
        return events;
    }

    @Test
    void withdrawnItemsAreNeverServedAndCatalogueOnlyItemsAreExploredThenFoldedIn()
            throws Exception {
        KafkaTestUtils.createTopics(kafka.bootstrapServers(), 2, IN, OUT, DLQ);
        KafkaTestUtils.createTopics(kafka.bootstrapServers(), 1, ITEMS);
        String withdrawn = SyntheticWorld.itemId(0); // the most popular item, in category 0
        long t0 = System.currentTimeMillis() - 20 * 60_000L;
        KafkaTestUtils.produce(
                kafka.bootstrapServers(),
                List.of(
                        item(
                                FRESH,
                                JsonCodec.item(
                                        new CatalogueItem(
                                                FRESH,
                                                new String[] {world.categoryName(0)},
                                                true,
                                                t0))),
                        item(withdrawn, null), // a tombstone withdraws it
                        item(
                                "bad",
                                "{\"item_id\":5,\"created_at\":1}"
                                        .getBytes(StandardCharsets.UTF_8))));
        JobClient job =
                TestJobs.startRecommend(
                        kafka.bootstrapServers(),
                        model,
                        2,
                        "catalogue",
                        IN,
                        OUT,
                        DLQ,
                        false,
                        "--items-topic",
                        ITEMS);
        try {
            // The bad record was the catalogue's last: once its dead letter is committed, the
            // checkpoint that committed it has passed every catalogue entry before it on to the
            // operators that serve.
            List<ConsumerRecord<byte[], byte[]>> dead =
                    KafkaTestUtils.readCommittedUntil(
                            kafka.bootstrapServers(),
                            DLQ,
                            r -> !r.isEmpty(),
                            Duration.ofMinutes(1));
            assertThat(dead).hasSize(1);
            DeadLetter d = JsonCodec.readDeadLetter(dead.get(0).value());
            assertThat(d.getSourceTopic()).isEqualTo(ITEMS);
            assertThat(d.getSourceOffset()).isEqualTo(2L);
            assertThat(d.getDetail()).contains("'item_id'");

            // phase 1: 40 category-0 users, four events each; some of them pick the withdrawn item
            List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
            for (int u = 0; u < 40; u++) {
                first.addAll(history("a", u, t0 + u * 10L));
            }
            first.add(event("a-w", "a-0", withdrawn, t0 + 5_000));
            KafkaTestUtils.produce(kafka.bootstrapServers(), first);
            List<Recommendation> phase1 = read(first.size());

            // phase 2: three users take the fresh item
            List<ProducerRecord<byte[], byte[]>> takers = new ArrayList<>();
            for (int u = 0; u < 3; u++) {
                takers.add(event("t-" + u, "a-" + u, FRESH, t0 + 60_000 + u));
            }
            KafkaTestUtils.produce(kafka.bootstrapServers(), takers);
            read(first.size() + takers.size());
            Thread.sleep(2_000); // fold-in's broadcast is not on the recommendations' path

            // phase 3: 40 new category-0 users
            List<ProducerRecord<byte[], byte[]>> third = new ArrayList<>();
            for (int u = 0; u < 40; u++) {
                third.addAll(history("c", u, t0 + 120_000 + u * 10L));
            }
            KafkaTestUtils.produce(kafka.bootstrapServers(), third);
            List<Recommendation> all = read(first.size() + takers.size() + third.size());

            assertThat(all)
                    .as("the withdrawn item is served by no strategy")
                    .allSatisfy(r -> assertThat(r.getItemIds()).doesNotContain(withdrawn));
            assertThat(all)
                    .as("the exploration slot always holds the one fresh item, unless consumed")
                    .filteredOn(r -> !r.getUserId().equals("a-0") || r.getEventTime() < t0 + 60_000)
                    .filteredOn(r -> !r.getRequestKey().startsWith("t-"))
                    .allSatisfy(r -> assertThat(r.getItemIds()).contains(FRESH));
            assertThat(all)
                    .filteredOn(r -> r.getRequestKey().startsWith("t-"))
                    .as("a user who took it is not offered it again")
                    .allSatisfy(r -> assertThat(r.getItemIds()).doesNotContain(FRESH));
            double before = meanFreshScore(phase1);
            double after =
                    meanFreshScore(
                            all.stream().filter(r -> r.getRequestKey().startsWith("c-")).toList());
            assertThat(after)
                    .as("fold-in learned it from users of the same taste: scored higher for them")
                    .isGreaterThan(before);
            assertThat(all)
                    .filteredOn(r -> r.getStrategy() == Strategy.MODEL)
                    .flatExtracting(r -> slotsOf(r))
                    .contains(SlotKind.MODEL, SlotKind.EXPLORE);
        } finally {
            job.cancel().get();
        }
    }

    private static List<SlotKind> slotsOf(Recommendation r) {
        List<SlotKind> kinds = new ArrayList<>();
        for (int i = 0; i < r.getItemIds().length; i++) {
            kinds.add(r.slotKind(i));
        }
        return kinds;
    }

    /** The mean score of the fresh item where warm users were served it. */
    private static double meanFreshScore(List<Recommendation> recs) {
        double sum = 0;
        int n = 0;
        for (Recommendation r : recs) {
            if (r.getStrategy() != Strategy.MODEL) {
                continue;
            }
            for (int i = 0; i < r.getItemIds().length; i++) {
                if (r.getItemIds()[i].equals(FRESH)) {
                    sum += r.getScores()[i];
                    n++;
                }
            }
        }
        assertThat(n).as("warm users served the fresh item").isGreaterThan(10);
        return sum / n;
    }

    private static List<Recommendation> read(int expected) {
        return KafkaTestUtils.readRecommendations(kafka.bootstrapServers(), OUT, expected);
    }
}
