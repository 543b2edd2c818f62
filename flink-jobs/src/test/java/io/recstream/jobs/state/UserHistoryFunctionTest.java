package io.recstream.jobs.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.catalogue.CatalogueEntry;
import io.recstream.jobs.config.DedupSettings;
import io.recstream.jobs.config.SeenSettings;
import io.recstream.jobs.dedup.Deduplicate;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.model.Vocabulary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Operator-harness tests of the per-user state: history, window, cold start, re-sent events,
 * timers, TTL.
 */
public class UserHistoryFunctionTest {

    private static final long WINDOW = 60_000;
    private static final long HALF_LIFE = 1_000;
    private static final Duration TTL = Duration.ofMinutes(10);

    private static Path model;
    private static Vocabulary vocabulary;

    private static final DedupSettings DEDUP =
            new DedupSettings(true, Duration.ofMillis(WINDOW), DedupSettings.DEFAULT_MAX_IDS);

    /**
     * Consumed items remembered for half the history window here, so the clean-up timers stay the
     * window's.
     */
    private static final SeenSettings SEEN = new SeenSettings(Duration.ofMillis(WINDOW / 2), 2_000);

    private KeyedBroadcastOperatorTestHarness<String, Interaction, CatalogueEntry, ScoringRequest>
            harness;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(3L, "harness");
        vocabulary = ModelBundle.load(model).vocabulary();
    }

    @BeforeEach
    void open() throws Exception {
        harness = harness(function());
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static UserHistoryFunction function() {
        return new UserHistoryFunction(
                3, Duration.ofMillis(WINDOW), Duration.ofMillis(HALF_LIFE), 2, DEDUP, SEEN, TTL);
    }

    private static Interaction event(String id, String user, int item, long ts) {
        Interaction i =
                new Interaction(
                        id,
                        user,
                        item >= 0 ? vocabulary.itemId(item) : "new-item",
                        InteractionType.VIEW,
                        null,
                        ts);
        i.setItemIndex(item);
        return i;
    }

    private ScoringRequest last() {
        List<ScoringRequest> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void firstEventIsColdThenWarmWithRecencyWeightsNewestFirst() throws Exception {
        harness.processElement(event("e1", "u", 5, 10_000), 10_000);
        ScoringRequest first = last();
        assertThat(first.getRequestKey()).isEqualTo("e1");
        assertThat(first.isCold()).isTrue();
        assertThat(first.getItems()).containsExactly(5);

        harness.processElement(event("e2", "u", 7, 11_000), 11_000);
        ScoringRequest second = last();
        assertThat(second.isCold()).isFalse();
        assertThat(second.getItems()).containsExactly(7, 5);
        assertThat(second.getWeights()).containsExactly(1f, 0.5f);
        assertThat(second.getEventTime()).isEqualTo(11_000);
    }

    @Test
    void keepsOnlyTheLastLItemsAndUsersAreSeparate() throws Exception {
        for (int i = 0; i < 5; i++) {
            harness.processElement(event("a" + i, "alice", i, 1_000 + i), 1_000 + i);
        }
        harness.processElement(event("b0", "bob", 9, 2_000), 2_000);
        assertThat(last().getItems()).containsExactly(9);
        harness.processElement(event("a5", "alice", 5, 2_001), 2_001);
        assertThat(last().getItems()).containsExactly(5, 4, 3);
    }

    @Test
    void itemsOlderThanTheWindowAreForgotten() throws Exception {
        harness.processElement(event("e1", "u", 1, 1_000), 1_000);
        harness.processElement(event("e2", "u", 2, 2_000), 2_000);
        harness.processElement(event("e3", "u", 3, 2_000 + WINDOW + 500), 2_000 + WINDOW + 500);
        assertThat(last().getItems()).containsExactly(3);
        assertThat(last().isCold()).isTrue();
    }

    @Test
    void unknownItemsAreNotStoredButStillAnswered() throws Exception {
        harness.processElement(event("e1", "u", 1, 1_000), 1_000);
        harness.processElement(event("e2", "u", -1, 1_500), 1_500);
        assertThat(last().getRequestKey()).isEqualTo("e2");
        assertThat(last().getItems()).containsExactly(1);
    }

    @Test
    void aReSentEventChangesNothingAndIsCountedOnce() throws Exception {
        double before = Deduplicate.counter("interaction").count();
        harness.processElement(event("e1", "u", 1, 1_000), 1_000);
        harness.processElement(event("e2", "u", 2, 2_000), 2_000);
        // e1 again, later and after e2, as a retried batch arrives
        harness.processElement(event("e1", "u", 1, 1_000), 3_000);
        assertThat(harness.extractOutputValues())
                .extracting(ScoringRequest::getRequestKey)
                .containsExactly("e1", "e2");
        assertThat(harness.getSideOutput(UserHistoryFunction.FIRST_COPIES))
                .extracting(r -> r.getValue().getEventId())
                .containsExactly("e1", "e2");
        assertThat(Deduplicate.counter("interaction").count() - before).isEqualTo(1.0);
        // the state is as if e1 came once: 1 is older than 2, not moved to the front again
        harness.processElement(event("e3", "u", -1, 3_000), 3_000);
        assertThat(last().getItems()).containsExactly(2, 1);
    }

    @Test
    void anEventWithAnUnknownItemIsRememberedAsSeenToo() throws Exception {
        harness.processElement(event("e1", "u", -1, 1_000), 1_000);
        harness.processElement(event("e1", "u", -1, 1_000), 1_500);
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void aCopyOlderThanTheWindowIsANewEvent() throws Exception {
        harness.processElement(event("e1", "u", 1, 1_000), 1_000);
        harness.processElement(event("e2", "u", 2, 1_000 + WINDOW + 1), 1_000 + WINDOW + 1);
        harness.processElement(event("e1", "u", 1, 1_000), 1_000 + WINDOW + 2);
        assertThat(harness.extractOutputValues())
                .extracting(ScoringRequest::getRequestKey)
                .containsExactly("e1", "e2", "e1");
    }

    @Test
    void withDeduplicationOffEveryCopyIsAnswered() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, Interaction, CatalogueEntry, ScoringRequest>
                off =
                        harness(
                                new UserHistoryFunction(
                                        3,
                                        Duration.ofMillis(WINDOW),
                                        Duration.ofMillis(HALF_LIFE),
                                        2,
                                        new DedupSettings(false, Duration.ofMillis(WINDOW), 64),
                                        SEEN,
                                        TTL))) {
            off.open();
            off.processElement(event("e1", "u", 1, 1_000), 1_000);
            off.processElement(event("e1", "u", 1, 1_000), 1_100);
            assertThat(off.extractOutputValues()).hasSize(2);
            assertThat(off.getSideOutput(UserHistoryFunction.FIRST_COPIES)).hasSize(2);
        }
    }

    /**
     * A user with 1,200 items, far more than the 3 recent ones: every request carries all of them
     * as consumed, and so does the first request after a restore from a snapshot.
     */
    @Test
    void everyConsumedItemTravelsWithTheRequestAcrossARestore() throws Exception {
        for (int i = 0; i < 1_200; i++) {
            harness.processElement(indexed("h" + i, "heavy", i, 1_000 + i), 1_000 + i);
        }
        assertThat(last().getItems()).containsExactly(1_199, 1_198, 1_197);
        assertThat(last().consumedItems()).hasSize(1_200).startsWith(0, 1, 2).endsWith(1_199);
        var snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(function());
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement(indexed("after", "heavy", 5_000, 3_000), 3_000);
        assertThat(last().consumedItems()).hasSize(1_201).contains(0, 600, 1_199, 5_000);
    }

    /** The history operator as the job runs it: keyed by user, with the catalogue broadcast. */
    public static KeyedBroadcastOperatorTestHarness<
                    String, Interaction, CatalogueEntry, ScoringRequest>
            harness(UserHistoryFunction function) throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        function, java.util.List.of(UserHistoryFunction.FRESH_INDEX)),
                Interaction::getUserId,
                Types.STRING,
                1,
                1,
                0);
    }

    @Test
    void aCatalogueItemTheModelDoesNotKnowGetsItsFreshIndexAndIsRemembered() throws Exception {
        int fresh = io.recstream.jobs.catalogue.FreshSettings.FRESH_BASE + 7;
        harness.processBroadcastElement(
                new CatalogueEntry("new-film", fresh, new String[0], true, 500), 500);
        harness.processElement(indexed("n1", "carol", 3, 1_000), 1_000);
        Interaction e =
                new Interaction("n2", "carol", "new-film", InteractionType.VIEW, null, 1_100);
        e.setItemIndex(-1); // the model's index step does not know it
        harness.processElement(e, 1_100);
        assertThat(last().getItems()).containsExactly(fresh, 3);
        assertThat(last().consumedItems()).containsExactly(3, fresh);
        assertThat(last().getEventItem()).isEqualTo(fresh);
        assertThat(harness.getSideOutput(UserHistoryFunction.FOLD_IN))
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getValue().getItem()).isEqualTo(fresh);
                            assertThat(s.getValue().getHistory())
                                    .as("the user's model items only")
                                    .containsExactly(3);
                        });
        Interaction unknown =
                new Interaction("n3", "carol", "nobody-knows", InteractionType.VIEW, null, 1_200);
        unknown.setItemIndex(-1);
        harness.processElement(unknown, 1_200);
        assertThat(last().getItems()).as("not stored").containsExactly(fresh, 3);
    }

    @Test
    void aFreshItemTheServedModelHasLearntSinceCountsAsTheModelsOwnAfterARestore()
            throws Exception {
        // written while the item was fresh (the model then did not know it) ...
        String id = vocabulary.itemId(5);
        int fresh = io.recstream.jobs.catalogue.FreshSettings.FRESH_BASE + 9;
        harness.processBroadcastElement(
                new CatalogueEntry(id, fresh, new String[0], true, 500), 500);
        Interaction e = new Interaction("g1", "dave", id, InteractionType.VIEW, null, 1_000);
        e.setItemIndex(-1);
        harness.processElement(e, 1_000);
        assertThat(last().consumedItems()).containsExactly(fresh);
        var snapshot = harness.snapshot(1, 1);
        harness.close();
        // ... restored with a model that knows it: its model index is consumed and in the history
        harness = harness(function().withModel(model.toString()));
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement(indexed("g2", "dave", 3, 2_000), 2_000);
        assertThat(last().consumedItems()).containsExactly(3, 5, fresh);
        assertThat(last().getItems()).containsExactly(3, 5);
        // a user who never had it is not touched
        harness.processElement(indexed("g3", "erin", 4, 2_100), 2_100);
        assertThat(last().consumedItems()).containsExactly(4);
    }

    private static Interaction indexed(String id, String user, int item, long ts) {
        Interaction i = new Interaction(id, user, "item-" + item, InteractionType.VIEW, null, ts);
        i.setItemIndex(item);
        return i;
    }

    @Test
    void eventTimeTimerClearsAQuietUser() throws Exception {
        harness.processElement(event("a1", "alice", 1, 1_000), 1_000);
        harness.processElement(event("b1", "bob", 1, 1_000), 1_000);
        harness.watermark(1_000 + WINDOW / 2);
        // not yet due: a late event of alice still sees her item
        harness.processElement(event("a2", "alice", 2, 1_000 + WINDOW / 2), 1_000 + WINDOW / 2);
        assertThat(last().getItems()).containsExactly(2, 1);
        harness.watermark(1_000 + 3 * WINDOW);
        // bob's timer fired and cleared his state: a late event (within the window of his old
        // item in event time) finds nothing
        harness.processElement(event("b2", "bob", 2, 1_000 + WINDOW / 2), 1_000 + WINDOW / 2);
        assertThat(last().getItems()).containsExactly(2);
    }

    @Test
    void oneCleanUpTimerPerUserAndGridStepHoweverManyEvents() throws Exception {
        UserHistoryFunction grid = function();
        long step = WINDOW / 16;
        long start = 10 * step; // due times are the same from start to start + step - 1
        for (int i = 0; i < 5; i++) {
            harness.processElement(event("a" + i, "alice", i, start + i), start + i);
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processElement(event("late", "alice", 5, start - 1), start - 1);
        assertThat(harness.numEventTimeTimers()).as("an older event").isEqualTo(1);
        harness.processElement(event("b", "bob", 1, start), start);
        assertThat(harness.numEventTimeTimers()).as("another user").isEqualTo(2);
        harness.processElement(event("a5", "alice", 6, start + step), start + step);
        assertThat(harness.numEventTimeTimers())
                .as("alice's newest item moved a step")
                .isEqualTo(3);

        // alice's first timer leaves her newest item; her second one clears her.
        harness.watermark(grid.cleanupTime(start));
        harness.processElement(event("a6", "alice", -1, start + step), start + step);
        assertThat(last().getItems()).containsExactly(6);
        harness.watermark(grid.cleanupTime(start + step));
        harness.processElement(event("a7", "alice", -1, start + step), start + step);
        assertThat(last().getItems()).as("cleared by the second timer").isEmpty();
    }

    @Test
    void ttlDropsStateOfUsersNoTimerReached() throws Exception {
        harness.setStateTtlProcessingTime(0);
        harness.processElement(event("e1", "u", 1, 1_000), 1_000);
        harness.processElement(event("e2", "u", 2, 1_100), 1_100);
        assertThat(last().isCold()).isFalse();
        harness.setStateTtlProcessingTime(TTL.toMillis() + 1);
        harness.processElement(event("e3", "u", 3, 1_200), 1_200);
        assertThat(last().getItems()).as("expired state is not returned").containsExactly(3);
        assertThat(last().isCold()).isTrue();
    }
}
