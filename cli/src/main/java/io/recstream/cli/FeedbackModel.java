package io.recstream.cli;

import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Recommendation;
import io.recstream.training.SyntheticWorld;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.DelayQueue;

/**
 * How users answer recommendations: the more of a list matches their taste, the likelier a click or
 * purchase on a matching item, seconds later; some feedback comes after the horizon, some is sent
 * long after it happened (late).
 */
final class FeedbackModel {
    private final SyntheticWorld world;
    private final java.util.Random random;
    private final long horizonMs;

    FeedbackModel(SyntheticWorld world, long seed, long horizonMs) {
        this.world = world;
        this.random = new java.util.Random(seed ^ 0x5eed);
        this.horizonMs = horizonMs;
    }

    synchronized void respond(Recommendation rec, DelayQueue<DueFeedback> queue) {
        int user = SyntheticWorld.number(rec.getUserId());
        List<String> liked = new ArrayList<>();
        for (String id : rec.getItemIds()) {
            if (world.likes(user, SyntheticWorld.number(id))) {
                liked.add(id);
            }
        }
        double p = 0.05 + 0.5 * liked.size() / Math.max(1, rec.getItemIds().length);
        if (liked.isEmpty() || random.nextDouble() >= p) {
            return;
        }
        String item = liked.get(0);
        if (liked.size() > 1 && random.nextDouble() < 0.4) {
            item = liked.get(1 + random.nextInt(liked.size() - 1));
        }
        double roll = random.nextDouble();
        long delay =
                (long)
                        Math.min(
                                horizonMs * 0.9,
                                -Math.log(1 - random.nextDouble()) * horizonMs / 4);
        long sendLag = 0;
        if (roll < 0.05) {
            delay = horizonMs + 1_000 + random.nextInt(10_000); // after the horizon
        } else if (roll < 0.08) {
            sendLag = 3 * horizonMs; // happened in time, reported late
        }
        long at = rec.getEventTime() + delay;
        FeedbackType type = random.nextDouble() < 0.8 ? FeedbackType.CLICK : FeedbackType.PURCHASE;
        queue.add(
                new DueFeedback(
                        new Feedback(
                                rec.getUserId(),
                                item,
                                type,
                                null,
                                at,
                                random.nextBoolean() ? rec.getRequestKey() : null),
                        at + sendLag));
    }
}
