package io.recstream.jobs.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.recstream.jobs.config.DedupSettings;
import io.recstream.jobs.config.SeenSettings;
import io.recstream.jobs.drift.AlertFunction;
import io.recstream.jobs.drift.AlertRule;
import io.recstream.jobs.evaluation.GroundTruthJoin;
import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.Outcome;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.Strategy;
import io.recstream.jobs.inference.ScoringRequest;
import io.recstream.jobs.popularity.ItemCount;
import io.recstream.jobs.popularity.SlidingCounts;
import io.recstream.jobs.state.UserHistoryFunction;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.model.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * State written by an earlier release restores into this code, operator by operator, in the style
 * of flink-connector-kafka's migration tests: the state of each stateful operator (users' histories
 * (0.1.0: and the broadcast popular items), popularity pane counts with their timers, pending
 * ground-truth joins, alert states), snapshotted on RocksDB by the code of that release and
 * committed under {@code src/test/resources/migration/<release>/}, is restored here and must go on
 * exactly as it would have: the scripted continuation gives the outputs only the restored state can
 * give (a fresh operator gives others, which each test's comment names).
 *
 * <p>For a new release: check out the previous release's code, copy this class in, and run {@code
 * ./mvnw -pl flink-jobs -am test -Dtest='StateMigrationTest#write*'
 * -Drecstream.migration.write=$PWD/flink-jobs/src/test/resources/migration/<release>} there; then
 * add the release to {@link #RELEASES} here. Every release stays in the list.
 */
class StateMigrationTest {

    /** Releases whose snapshots must restore. */
    static final List<String> RELEASES = List.of("0.1.0");

    private static final Path RESOURCES = Path.of("src", "test", "resources", "migration");
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Duration TTL = Duration.ofDays(3650);
    private static final long HORIZON = 10_000;
    private static final long LATENESS = 1_000;
    private static final String SIGNAL = "input_category_kl";
    private static final Map<String, AlertRule> RULES =
            Map.of(SIGNAL, new AlertRule(0.2, 0.1, 2, 2, 0, 10));

    static Stream<String> releases() {
        return RELEASES.stream();
    }

    // ---- writing the snapshots (run with the code of the release being recorded) ----

    @Test
    @EnabledIfSystemProperty(named = "recstream.migration.write", matches = ".+")
    void writeSnapshots() throws Exception {
        Path dir = Path.of(System.getProperty("recstream.migration.write"));
        Files.createDirectories(dir);
        Path model = TestModels.tiny(dir.resolve("model"), 3L, "migration");
        Vocabulary vocabulary = ModelBundle.load(model).vocabulary();

        try (var h = history()) {
            h.open();
            h.processElement(event(vocabulary, "a1", "alice", 1, 1_000), 1_000);
            h.processElement(event(vocabulary, "b1", "bob", 7, 1_500), 1_500);
            h.processElement(event(vocabulary, "a2", "alice", 2, 2_000), 2_000);
            h.processElement(event(vocabulary, "a3", "alice", 3, 3_000), 3_000);
            write(h.snapshot(1, 1), dir, "user-history");
        }
        try (var h = sliding()) {
            h.open();
            h.processElement(new ItemCount(1, 5, 1_000), 999);
            h.processElement(new ItemCount(1, 3, 2_000), 1_999);
            h.processElement(new ItemCount(2, 4, 2_000), 1_999);
            write(h.snapshot(1, 1), dir, "popularity-sliding");
        }
        try (var h = join()) {
            h.open();
            h.processElement1(new StreamRecord<>(rec("k1", "u", 1_000, "a", "b", "c"), 1_000));
            h.processElement1(new StreamRecord<>(rec("k2", "u", 1_500, "x", "c"), 1_500));
            h.processElement1(new StreamRecord<>(rec("k3", "w", 2_000, "a"), 2_000));
            h.processElement2(new StreamRecord<>(click("u", "c", 3_000, null), 3_000));
            h.processBothWatermarks(new Watermark(2_500));
            write(h.snapshot(1, 1), dir, "ground-truth-join");
        }
        try (var h = alerts()) {
            h.open();
            h.processElement(signal(0.5, 0), 0);
            h.processElement(signal(0.6, 1), 0);
            assertThat(alertStates(h)).containsExactly(AlertState.FIRING);
            write(h.snapshot(1, 1), dir, "alert");
        }
    }

    /**
     * Writes the operator uids of both jobs' graphs, one per line: a savepoint of this release maps
     * its state to these.
     */
    @Test
    @EnabledIfSystemProperty(named = "recstream.migration.write", matches = ".+")
    void writeUids() throws Exception {
        Path dir = Path.of(System.getProperty("recstream.migration.write"));
        Files.createDirectories(dir);
        Files.write(dir.resolve("uids.txt"), uids(dir.resolve("model")));
    }

    /** The uids of every operator of both jobs, sorted, as {@code job:uid}. */
    private static List<String> uids(Path model) throws Exception {
        java.util.TreeSet<String> uids = new java.util.TreeSet<>();
        String[] args = {"--bootstrap-servers", "localhost:9092", "--model", model.toString()};
        var recommendConfig = io.recstream.jobs.config.RecommendJobConfig.fromArgs(args);
        var env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                        .getExecutionEnvironment();
        io.recstream.jobs.recommend.RecommendJob.forKafka(recommendConfig).build(env);
        env.getStreamGraph()
                .getStreamNodes()
                .forEach(
                        n -> {
                            if (n.getTransformationUID() != null) {
                                uids.add("recommend:" + n.getTransformationUID());
                            }
                        });
        var monitorConfig = io.recstream.jobs.config.MonitorJobConfig.fromArgs(args);
        var monitorEnv =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                        .getExecutionEnvironment();
        io.recstream.jobs.monitor.MonitorJob.forKafka(monitorConfig).build(monitorEnv);
        monitorEnv
                .getStreamGraph()
                .getStreamNodes()
                .forEach(
                        n -> {
                            if (n.getTransformationUID() != null) {
                                uids.add("monitor:" + n.getTransformationUID());
                            }
                        });
        return List.copyOf(uids);
    }

    /**
     * Every operator uid of the release is still in the jobs' graphs, so its savepoints map onto
     * them without {@code --allowNonRestoredState}. New operators may be added.
     */
    @ParameterizedTest(name = "release {0}")
    @MethodSource("releases")
    void everyOperatorUidOfTheReleaseIsStillThere(String release) throws Exception {
        List<String> before = Files.readAllLines(RESOURCES.resolve(release).resolve("uids.txt"));
        assertThat(before).isNotEmpty().contains("recommend:user-history");
        assertThat(uids(model(release))).containsAll(before);
    }

    private static void write(OperatorSubtaskState state, Path dir, String name) throws Exception {
        OperatorSnapshotUtil.writeStateHandle(state, dir.resolve(name + ".snapshot").toString());
    }

    private static OperatorSubtaskState read(String release, String name) throws Exception {
        Path file = RESOURCES.resolve(release).resolve(name + ".snapshot");
        assertThat(file).as("snapshot of release %s", release).exists();
        return OperatorSnapshotUtil.readStateHandle(file.toString());
    }

    private static Path model(String release) {
        return RESOURCES.resolve(release).resolve("model").toAbsolutePath();
    }

    // ---- restoring them ----

    /**
     * Alice's three items and Bob's one are back, newest first, and events after the restore are
     * recognised when re-sent. Fresh: Alice and Bob would be cold with one item.
     *
     * <p>What does not carry over from 0.1.0: that release kept the broadcast popular items in this
     * operator; they are now kept by {@code popular-fallback}, which starts from the model's
     * training-time popular items until the first popularity window after the restore closes. And
     * 0.1.0 kept no event ids, so a copy of an event from before the upgrade is a new event.
     */
    @ParameterizedTest(name = "release {0}")
    @MethodSource("releases")
    void usersHistoriesRestoreAndDeduplicationStartsFromThem(String release) throws Exception {
        Path model = model(release);
        Vocabulary vocabulary = ModelBundle.load(model).vocabulary();
        try (var h = history()) {
            h.initializeState(read(release, "user-history"));
            h.open();
            h.processElement(event(vocabulary, "a4", "alice", 4, 4_000), 4_000);
            h.processElement(event(vocabulary, "b2", "bob", 5, 4_000), 4_000);
            h.processElement(event(vocabulary, "c1", "carol", 6, 4_000), 4_000);
            h.processElement(event(vocabulary, "a4", "alice", 4, 4_000), 4_100);
            List<ScoringRequest> out = h.extractOutputValues();
            assertThat(out).hasSize(3);
            assertThat(out.get(0).getItems()).containsExactly(4, 3, 2);
            assertThat(out.get(0).isCold()).isFalse();
            assertThat(out.get(1).getItems()).containsExactly(5, 7);
            assertThat(out.get(1).isCold()).isFalse();
            assertThat(out.get(2).isCold()).isTrue();
        }
    }

    /**
     * The pane counts and their pending timers are back: the sliding sums over the panes recorded
     * before. Fresh: nothing at all.
     */
    @ParameterizedTest(name = "release {0}")
    @MethodSource("releases")
    void popularityPaneCountsAndTheirTimersRestore(String release) throws Exception {
        try (var h = sliding()) {
            h.initializeState(read(release, "popularity-sliding"));
            h.open();
            h.processWatermark(new Watermark(2_999));
            assertThat(h.extractOutputValues())
                    .extracting(ItemCount::getItem, ItemCount::getCount, ItemCount::getWindowEnd)
                    .containsExactlyInAnyOrder(
                            tuple(1, 5L, 1_000L),
                            tuple(1, 8L, 2_000L),
                            tuple(2, 4L, 2_000L),
                            tuple(1, 8L, 3_000L),
                            tuple(2, 4L, 3_000L));
        }
    }

    /**
     * The three pending recommendations and the buffered click are back: feedback after the restore
     * joins them and all three close with their best ranks. Fresh: no outcome.
     */
    @ParameterizedTest(name = "release {0}")
    @MethodSource("releases")
    void pendingGroundTruthJoinsRestore(String release) throws Exception {
        try (var h = join()) {
            h.initializeState(read(release, "ground-truth-join"));
            h.open();
            h.processElement2(new StreamRecord<>(click("w", "a", 3_500, "k3"), 3_500));
            h.processBothWatermarks(new Watermark(20_000));
            List<Outcome> outcomes = new java.util.ArrayList<>(h.extractOutputValues());
            outcomes.sort(Comparator.comparing(Outcome::getRequestKey));
            assertThat(outcomes)
                    .extracting(Outcome::getRequestKey, Outcome::getHitRank)
                    .containsExactly(tuple("k1", 2), tuple("k2", 1), tuple("k3", 0));
        }
    }

    /**
     * The FIRING alert is back: two calm windows resolve it. Fresh: the alert was never firing, so
     * nothing is emitted.
     */
    @ParameterizedTest(name = "release {0}")
    @MethodSource("releases")
    void alertStatesRestore(String release) throws Exception {
        try (var h = alerts()) {
            h.initializeState(read(release, "alert"));
            h.open();
            h.processElement(signal(0.05, 2), 0);
            h.processElement(signal(0.04, 3), 0);
            assertThat(alertStates(h)).containsExactly(AlertState.RESOLVED);
        }
    }

    // ---- the operators, as the jobs configure them, on RocksDB ----

    private static org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<
                    String, Interaction, io.recstream.jobs.catalogue.CatalogueEntry, ScoringRequest>
            history() throws Exception {
        var h =
                new org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<>(
                        new org.apache.flink.streaming.api.operators.co
                                .CoBroadcastWithKeyedOperator<>(
                                new UserHistoryFunction(
                                        3,
                                        WINDOW,
                                        Duration.ofSeconds(1),
                                        2,
                                        new DedupSettings(
                                                true, WINDOW, DedupSettings.DEFAULT_MAX_IDS),
                                        new SeenSettings(WINDOW, SeenSettings.DEFAULT_MAX_ITEMS),
                                        TTL),
                                List.of(UserHistoryFunction.FRESH_INDEX)),
                        Interaction::getUserId,
                        Types.STRING,
                        1,
                        1,
                        0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static KeyedOneInputStreamOperatorTestHarness<Integer, ItemCount, ItemCount> sliding()
            throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new SlidingCounts(3_000, 1_000)),
                        ItemCount::getItem,
                        Types.INT);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Recommendation, Feedback, Outcome>
            join() throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new GroundTruthJoin(HORIZON, LATENESS)),
                        Recommendation::getUserId,
                        Feedback::getUserId,
                        Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SignalValue, SignalValue> alerts()
            throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AlertFunction(RULES)),
                        v -> v.getSignal() + "|" + v.getModelVersion() + "|" + v.getStrategy(),
                        Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static Interaction event(
            Vocabulary vocabulary, String id, String user, int item, long ts) {
        Interaction i =
                new Interaction(id, user, vocabulary.itemId(item), InteractionType.VIEW, null, ts);
        i.setItemIndex(item);
        return i;
    }

    private static Recommendation rec(String key, String user, long t, String... items) {
        return new Recommendation(
                key, user, items, new float[items.length], Strategy.MODEL, "v7", t, t + 5);
    }

    private static Feedback click(String user, String item, long t, String requestKey) {
        return new Feedback(user, item, FeedbackType.CLICK, null, t, requestKey);
    }

    private static SignalValue signal(double v, int window) {
        return new SignalValue(
                SIGNAL, "v1", "ALL", v, 1_000, window * 60_000L, (window + 1) * 60_000L, 0, 0);
    }

    private static List<AlertState> alertStates(
            KeyedOneInputStreamOperatorTestHarness<String, SignalValue, SignalValue> h) {
        var out = h.getSideOutput(AlertFunction.ALERTS);
        return out == null
                ? List.of()
                : out.stream().map(r -> ((DriftAlert) r.getValue()).getState()).toList();
    }
}
