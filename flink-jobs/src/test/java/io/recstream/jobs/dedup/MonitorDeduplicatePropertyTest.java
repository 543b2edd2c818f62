package io.recstream.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.evaluation.GroundTruthJoin;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Outcome;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * Deduplication ahead of the ground-truth join, as the monitor job chains them: recommendations and
 * feedback with random re-sent copies (some arriving after the recommendation's outcome closed)
 * give exactly the outcomes of the same streams without the copies: each request counted once.
 */
class MonitorDeduplicatePropertyTest {

    private static final long HORIZON = 10_000;
    private static final long LATENESS = 1_000;
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final String[] ITEMS = {"a", "b", "c", "d", "e", "f"};

    /** One step of the merged timeline: a recommendation, a feedback record or a watermark. */
    private record Step(Recommendation rec, Feedback feedback, long watermark) {}

    @Property(tries = 60)
    void copiesOfRecommendationsAndFeedbackCountEachRequestOnce(
            @ForAll @IntRange(min = 1, max = 80) int requests,
            @ForAll @IntRange(min = 0, max = 100) int copyPercent,
            @ForAll long seed)
            throws Exception {
        Random random = new Random(seed);
        List<Step> once = new ArrayList<>();
        long t = 100_000;
        for (int r = 0; r < requests; r++) {
            t += random.nextInt(3_000);
            String user = "u" + random.nextInt(4);
            String[] items = new String[3];
            for (int i = 0; i < 3; i++) {
                items[i] = ITEMS[random.nextInt(ITEMS.length)];
            }
            once.add(
                    new Step(
                            new Recommendation(
                                    "k" + r,
                                    user,
                                    items,
                                    new float[3],
                                    Strategy.MODEL,
                                    "v1",
                                    t,
                                    t + 5),
                            null,
                            0));
            if (random.nextBoolean()) {
                long ft = t + random.nextInt((int) HORIZON);
                String key = random.nextBoolean() ? "k" + r : null;
                once.add(
                        new Step(
                                null,
                                new Feedback(
                                        user,
                                        ITEMS[random.nextInt(ITEMS.length)],
                                        FeedbackType.CLICK,
                                        null,
                                        ft,
                                        key),
                                0));
            }
            if (random.nextInt(4) == 0) {
                once.add(new Step(null, null, t - HORIZON));
            }
        }
        once.add(new Step(null, null, Long.MAX_VALUE));
        // Copies of records re-sent up to 40 steps later: many after their outcome closed.
        List<List<Step>> after = new ArrayList<>();
        once.forEach(s -> after.add(new ArrayList<>()));
        for (int i = 0; i < once.size() - 1; i++) {
            Step s = once.get(i);
            if ((s.rec() != null || s.feedback() != null) && random.nextInt(100) < copyPercent) {
                after.get(Math.min(once.size() - 2, i + random.nextInt(41))).add(s);
            }
        }
        List<Step> withCopies = new ArrayList<>();
        for (int i = 0; i < once.size(); i++) {
            withCopies.add(once.get(i));
            withCopies.addAll(after.get(i));
        }

        assertThat(run(withCopies)).isEqualTo(run(once));
    }

    private static List<Outcome> run(List<Step> steps) throws Exception {
        try (var recs = dedup(new Identities.OfRecommendation(), Recommendation::getUserId);
                var feedback = dedup(new Identities.OfFeedback(), Feedback::getUserId);
                var join =
                        new KeyedTwoInputStreamOperatorTestHarness<>(
                                new KeyedCoProcessOperator<>(
                                        new GroundTruthJoin(HORIZON, LATENESS)),
                                Recommendation::getUserId,
                                Feedback::getUserId,
                                Types.STRING)) {
            recs.open();
            feedback.open();
            join.open();
            int recsPassed = 0;
            int feedbackPassed = 0;
            long watermark = Long.MIN_VALUE;
            for (Step s : steps) {
                if (s.rec() != null) {
                    recs.processElement(s.rec(), s.rec().getEventTime());
                    List<Recommendation> out = recs.extractOutputValues();
                    for (; recsPassed < out.size(); recsPassed++) {
                        Recommendation r = out.get(recsPassed);
                        join.processElement1(new StreamRecord<>(r, r.getEventTime()));
                    }
                } else if (s.feedback() != null) {
                    feedback.processElement(s.feedback(), s.feedback().getTimestamp());
                    List<Feedback> out = feedback.extractOutputValues();
                    for (; feedbackPassed < out.size(); feedbackPassed++) {
                        Feedback f = out.get(feedbackPassed);
                        join.processElement2(new StreamRecord<>(f, f.getTimestamp()));
                    }
                } else if (s.watermark() > watermark) {
                    watermark = s.watermark();
                    join.processBothWatermarks(new Watermark(watermark));
                }
            }
            List<Outcome> outcomes = new ArrayList<>(join.extractOutputValues());
            outcomes.sort(Comparator.comparing(Outcome::getRequestKey));
            return outcomes;
        }
    }

    private static <T> KeyedOneInputStreamOperatorTestHarness<String, T, T> dedup(
            Deduplicate.Identity<T> identity,
            org.apache.flink.api.java.functions.KeySelector<T, String> user)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new Deduplicate<>("monitor-property", identity, WINDOW, 128, WINDOW)),
                user,
                Types.STRING);
    }
}
