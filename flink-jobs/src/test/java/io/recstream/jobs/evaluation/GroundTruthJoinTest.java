package io.recstream.jobs.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Outcome;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The ground-truth join on RocksDB, as in the job: which feedback matches which recommendation, at
 * which rank, when outcomes close, what a restore keeps and what is cleaned up.
 */
class GroundTruthJoinTest {

    private static final long HORIZON = 10_000;
    private static final long LATENESS = 1_000;

    private static KeyedTwoInputStreamOperatorTestHarness<String, Recommendation, Feedback, Outcome>
            harness() throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new GroundTruthJoin(HORIZON, LATENESS)),
                        Recommendation::getUserId,
                        Feedback::getUserId,
                        Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static Recommendation rec(String key, String user, long t, String... items) {
        return new Recommendation(
                key, user, items, new float[items.length], Strategy.MODEL, "v7", t, t + 5);
    }

    private static Feedback click(String user, String item, long t, String requestKey) {
        return new Feedback(user, item, FeedbackType.CLICK, null, t, requestKey);
    }

    private static List<Outcome> outcomes(
            KeyedTwoInputStreamOperatorTestHarness<String, Recommendation, Feedback, Outcome> h) {
        return h.extractOutputValues();
    }

    /** Three recommendations of one user and feedback, some for one request only. */
    private static void script(
            KeyedTwoInputStreamOperatorTestHarness<String, Recommendation, Feedback, Outcome> h)
            throws Exception {
        h.processElement1(new StreamRecord<>(rec("k1", "u", 1_000, "a", "b", "c", "d"), 1_000));
        h.processElement1(new StreamRecord<>(rec("k3", "u", 1_500, "x", "c"), 1_500));
        h.processElement1(new StreamRecord<>(rec("k2", "u", 2_000, "c", "a"), 2_000));
        h.processElement1(new StreamRecord<>(rec("k4", "w", 2_000, "a"), 2_000));
        // for k1 only: c at rank 2 of k1, not k3's c at rank 1, not k2's c at rank 0
        h.processElement2(new StreamRecord<>(click("u", "c", 3_000, "k1"), 3_000));
        // for any request of u: k1's a at rank 0 beats its c, k2's a at rank 1; twice
        h.processElement2(new StreamRecord<>(click("u", "a", 3_500, null), 3_500));
        h.processElement2(new StreamRecord<>(click("u", "a", 3_500, null), 3_500));
        // after every horizon of u's recommendations (1,000 + 10,000 is k1's last moment)
        h.processElement2(new StreamRecord<>(click("u", "x", 12_000, null), 12_000));
    }

    @Test
    void feedbackMatchesTheBestRankedItemOfItsOwnRequestWithinTheHorizon() throws Exception {
        try (var h = harness()) {
            h.open();
            script(h);
            h.processBothWatermarks(new Watermark(12_999));
            assertThat(outcomes(h))
                    .as("closed at event time + horizon + lateness")
                    .extracting(Outcome::getRequestKey, Outcome::getHitRank, Outcome::getCloseTime)
                    .containsExactlyInAnyOrder(tuple("k1", 0, 12_000L), tuple("k3", -1, 12_500L));
            h.processBothWatermarks(new Watermark(13_000));
            assertThat(outcomes(h))
                    .extracting(
                            Outcome::getRequestKey,
                            Outcome::getUserId,
                            Outcome::getHitRank,
                            Outcome::getListLength,
                            Outcome::getModelVersion,
                            Outcome::getStrategy,
                            Outcome::getEventTime)
                    .containsExactlyInAnyOrder(
                            tuple("k1", "u", 0, 4, "v7", Strategy.MODEL, 1_000L),
                            tuple("k3", "u", -1, 2, "v7", Strategy.MODEL, 1_500L),
                            tuple("k2", "u", 1, 2, "v7", Strategy.MODEL, 2_000L),
                            tuple("k4", "w", -1, 1, "v7", Strategy.MODEL, 2_000L));

            // once every feedback record's clean-up time has passed, nothing is left in state
            h.processBothWatermarks(new Watermark(30_000));
            for (String state : List.of("pending-requests", "feedback-seen")) {
                try (var keys =
                        h.getOperator()
                                .getKeyedStateBackend()
                                .<VoidNamespace>getKeys(state, VoidNamespace.INSTANCE)) {
                    assertThat(keys).as(state).isEmpty();
                }
            }
            assertThat(outcomes(h)).hasSize(4);
        }
    }

    @Test
    void openRecommendationsAndBufferedFeedbackSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.open();
            script(before);
            snapshot = before.snapshot(1L, 1L);
            assertThat(outcomes(before)).isEmpty();
        }
        try (var after = harness()) {
            after.setup();
            after.initializeState(snapshot);
            after.open();
            after.processBothWatermarks(new Watermark(13_000));
            assertThat(outcomes(after))
                    .extracting(Outcome::getRequestKey, Outcome::getHitRank)
                    .containsExactlyInAnyOrder(
                            tuple("k1", 0), tuple("k3", -1), tuple("k2", 1), tuple("k4", -1));
        }
    }

    @Test
    void feedbackBehindTheAllowedLatenessGoesToTheSideOutputUnjoined() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(new StreamRecord<>(rec("k1", "u", 20_000, "a"), 20_000));
            h.processBothWatermarks(new Watermark(25_000));
            // the watermark minus the allowed lateness (24,000) is the last joinable time
            h.processElement2(new StreamRecord<>(click("u", "a", 24_000, null), 24_000));
            h.processElement2(new StreamRecord<>(click("u", "a", 24_500, "k9"), 24_500));
            h.processElement2(new StreamRecord<>(click("u", "b", 23_999, null), 23_999));
            assertThat(h.getSideOutput(GroundTruthJoin.LATE_FEEDBACK))
                    .extracting(r -> r.getValue().getItemId())
                    .containsExactly("b");
            h.processBothWatermarks(new Watermark(31_000));
            assertThat(outcomes(h))
                    .extracting(Outcome::getRequestKey, Outcome::getHitRank)
                    .containsExactly(tuple("k1", 0));
        }
    }
}
