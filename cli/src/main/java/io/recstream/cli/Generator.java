package io.recstream.cli;

import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.training.SyntheticWorld;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Live traffic from the synthetic world, with a share of malformed records and optional drift. */
final class Generator {
    record Event(String key, byte[] value, boolean valid, String requestKey, String itemId) {}

    /** How many new items the new-items drift adds. */
    static final int NEW_ITEMS = 500;

    static String newItemId(int i) {
        return "new-item-" + i;
    }

    /**
     * A new item takes the category of the world's item with its number, so users' taste for it
     * (which the feedback follows) matches what the catalogue says.
     */
    static String[] newItemCategories(Map<String, List<String>> worldCategories, int i) {
        return worldCategories
                .getOrDefault(SyntheticWorld.itemId(i), List.of())
                .toArray(String[]::new);
    }

    private final SyntheticWorld world;
    private final double newUserShare;
    private final double malformedShare;
    private final String runId;
    private long n;

    Generator(SyntheticWorld world, double newUserShare, double malformedShare, String runId) {
        this.world = world;
        this.newUserShare = newUserShare;
        this.malformedShare = malformedShare;
        this.runId = runId;
    }

    Event next(long now, String drift) {
        n++;
        if (world.nextDouble() < malformedShare) {
            return new Event(null, malformed(now), false, null, null);
        }
        double newUsers = "new-users".equals(drift) ? 0.6 : newUserShare;
        int user = world.nextDouble() < newUsers ? world.newUser() : world.randomUser();
        String userId = SyntheticWorld.userId(user);
        String itemId;
        if ("category-shift".equals(drift) && world.nextDouble() < 0.8) {
            itemId = SyntheticWorld.itemId(world.pickFrom(0));
        } else if ("new-items".equals(drift) && world.nextDouble() < 0.5) {
            itemId = newItemId((int) (world.nextDouble() * NEW_ITEMS));
        } else {
            itemId = SyntheticWorld.itemId(world.pick(user));
        }
        InteractionType type =
                world.nextDouble() < 0.9 ? InteractionType.VIEW : InteractionType.PURCHASE;
        String eventId = runId + "-" + n;
        byte[] json =
                JsonCodec.interaction(new Interaction(eventId, userId, itemId, type, null, now));
        return new Event(userId, json, true, eventId, itemId);
    }

    private byte[] malformed(long now) {
        String json =
                switch ((int) (n % 5)) {
                    case 0 -> "{\"event_id\":\"bad-" + n + "\",\"user_id\":";
                    case 1 ->
                            "{\"event_id\":\"bad-"
                                    + n
                                    + "\",\"item_id\":\"item-1\",\"type\":\"VIEW\",\"timestamp\":"
                                    + now
                                    + "}";
                    case 2 ->
                            "{\"event_id\":\"bad-"
                                    + n
                                    + "\",\"user_id\":\"u\",\"item_id\":\"item-1\",\"type\":\"TELEPORT\",\"timestamp\":"
                                    + now
                                    + "}";
                    case 3 ->
                            "{\"event_id\":\"bad-"
                                    + n
                                    + "\",\"user_id\":\"u\",\"item_id\":\"item-1\",\"type\":\"VIEW\",\"timestamp\":-1}";
                    default ->
                            "{\"event_id\":\"bad-"
                                    + n
                                    + "\",\"user_id\":7,\"item_id\":\"item-1\",\"type\":\"VIEW\",\"timestamp\":"
                                    + now
                                    + "}";
                };
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
