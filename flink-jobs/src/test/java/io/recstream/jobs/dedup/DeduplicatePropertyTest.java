package io.recstream.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.config.DedupSettings;
import io.recstream.jobs.config.SeenSettings;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.state.UserHistoryFunction;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.model.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The user history with deduplication, as the recommend job runs it: a random stream with random
 * re-sent copies (within the window, arriving later, interleaved with other events) gives exactly
 * the scoring requests of the same stream without the copies, and leaves every user's state the
 * same (a last probe event per user reads it back through its request).
 */
class DeduplicatePropertyTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Duration TTL = Duration.ofHours(1);
    private static Path model;
    private static Vocabulary vocabulary;

    private static synchronized void trainOnce() throws Exception {
        if (model == null) {
            Path dir = Files.createTempDirectory("dedup-property");
            model = TestModels.tiny(dir.resolve("model"), 3L, "dedup");
            vocabulary = ModelBundle.load(model).vocabulary();
        }
    }

    @Property(tries = 40)
    void copiesWithinTheWindowChangeNoRequestAndNoState(
            @ForAll @IntRange(min = 1, max = 200) int events,
            @ForAll @IntRange(min = 0, max = 100) int copyPercent,
            @ForAll long seed)
            throws Exception {
        trainOnce();
        Random random = new Random(seed);
        List<Interaction> once = new ArrayList<>();
        long t = 1_000_000;
        for (int i = 0; i < events; i++) {
            t += random.nextInt(5_000);
            once.add(event("e" + i, "u" + random.nextInt(6), random.nextInt(50), t));
        }
        // Re-send copies: each arrives 0 to 30 events after its original, interleaved with
        // others (a retried batch, a replay), well within the window.
        List<List<Interaction>> copiesAfter = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            copiesAfter.add(new ArrayList<>());
        }
        int copies = 0;
        for (int i = 0; i < events; i++) {
            if (random.nextInt(100) < copyPercent) {
                Interaction o = once.get(i);
                int slot = Math.min(events - 1, i + random.nextInt(31));
                copiesAfter
                        .get(slot)
                        .add(
                                event(
                                        o.getEventId(),
                                        o.getUserId(),
                                        o.getItemIndex(),
                                        o.getTimestamp()));
                copies++;
            }
        }
        List<Interaction> withCopies = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            withCopies.add(once.get(i));
            withCopies.addAll(copiesAfter.get(i));
        }
        TreeSet<String> users = new TreeSet<>();
        once.forEach(e -> users.add(e.getUserId()));
        long probeTime = t + 1;
        List<Interaction> probes = new ArrayList<>();
        for (String u : users) {
            probes.add(event("probe-" + u, u, 49, probeTime));
        }

        Run clean = run(once, probes);
        Run dup = run(withCopies, probes);
        assertThat(dup.duplicates).isEqualTo(copies);
        assertThat(clean.duplicates).isZero();
        assertThat(dup.requests).isEqualTo(clean.requests);
        assertThat(dup.firstCopies).as("what popularity counts").isEqualTo(clean.firstCopies);
    }

    private record Run(List<ScoringRequest> requests, List<String> firstCopies, long duplicates) {}

    private static Run run(List<Interaction> input, List<Interaction> probes) throws Exception {
        double before = Deduplicate.counter("interaction").count();
        UserHistoryFunction history =
                new UserHistoryFunction(
                        5,
                        WINDOW,
                        Duration.ofMinutes(1),
                        2,
                        new DedupSettings(true, WINDOW, 128),
                        new SeenSettings(WINDOW, 1_000),
                        TTL);
        try (var h = io.recstream.jobs.state.UserHistoryFunctionTest.harness(history)) {
            h.open();
            for (Interaction i : input) {
                h.processElement(i, i.getTimestamp());
            }
            for (Interaction p : probes) {
                h.processElement(p, p.getTimestamp());
            }
            List<String> firstCopies = new ArrayList<>();
            h.getSideOutput(UserHistoryFunction.FIRST_COPIES)
                    .forEach(r -> firstCopies.add(r.getValue().getEventId()));
            return new Run(
                    new ArrayList<>(h.extractOutputValues()),
                    firstCopies,
                    (long) (Deduplicate.counter("interaction").count() - before));
        }
    }

    private static Interaction event(String id, String user, int item, long ts) {
        Interaction i =
                new Interaction(id, user, vocabulary.itemId(item), InteractionType.VIEW, null, ts);
        i.setItemIndex(item);
        return i;
    }
}
