package io.recstream.jobs.config;

import io.recstream.jobs.catalogue.FreshSettings;
import io.recstream.model.ModelBundle;
import io.recstream.model.ServingParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validated configuration of the recommend job. Built from {@code --name value} flags and/or
 * a flat YAML file ({@code --config FILE}); errors name the option. History, cold-start and
 * list-length settings default to what the model bundle's card says the model was evaluated with.
 */
public final class RecommendJobConfig extends KafkaJobConfig {

    public static final List<Options.Spec> OPTIONS;

    static {
        List<Options.Spec> o =
                new ArrayList<>(commonOptions("recstream-recommend", "recstream-recommend"));
        o.add(
                new Options.Spec(
                        "history.max-items",
                        null,
                        "recent items kept per user, L (default: the model card's)"));
        o.add(
                new Options.Spec(
                        "history.window",
                        null,
                        "forget items older than this before the newest (default: the model card's)"));
        o.add(
                new Options.Spec(
                        "history.half-life",
                        null,
                        "recency half-life of the weights (default: the model card's)"));
        o.add(
                new Options.Spec(
                        "state.ttl",
                        null,
                        "processing-time TTL of a user's state (default: the history window)"));
        o.add(
                new Options.Spec(
                        "cold.min-items",
                        null,
                        "users with fewer known items in the window are cold (default: the model card's)"));
        o.add(
                new Options.Spec(
                        "recommend.k",
                        null,
                        "items per recommendation (default: the model card's)"));
        o.add(new Options.Spec("inference.batch-size", "64", "largest micro-batch per ONNX run"));
        o.add(new Options.Spec("inference.max-wait", "2ms", "how long a batch waits to fill"));
        o.add(
                new Options.Spec(
                        "inference.deadline",
                        "500ms",
                        "answer with the fallback when scoring takes longer"));
        o.add(new Options.Spec("inference.threads", "1", "scoring threads per TaskManager JVM"));
        o.add(
                new Options.Spec(
                        "inference.intra-op-threads", "1", "ONNX Runtime threads inside one run"));
        o.add(
                new Options.Spec(
                        "inference.capacity", "512", "requests in flight per scorer subtask"));
        o.add(
                new Options.Spec(
                        "popularity.window", "1h", "popularity counting window (event time)"));
        o.add(new Options.Spec("popularity.slide", "1m", "how often popularity is updated"));
        o.add(
                new Options.Spec(
                        "popularity.top",
                        "500",
                        "popular items kept for the fallback (enough that k remain once a user's"
                                + " consumed items are taken out)"));
        o.addAll(DedupSettings.options());
        o.addAll(SeenSettings.options());
        o.add(
                new Options.Spec(
                        "fresh.min-interactions",
                        Integer.toString(FreshSettings.DEFAULT_MIN_INTERACTIONS),
                        "interactions after which an item the model does not know is scored"
                                + " with its folded-in embedding (before: its categories')"));
        o.add(
                new Options.Spec(
                        "fresh.max-items",
                        Integer.toString(FreshSettings.DEFAULT_MAX_ITEMS),
                        "the most items outside the model served at a time; the least recently"
                                + " active give way"));
        o.add(
                new Options.Spec(
                        "fresh.ttl",
                        "30d",
                        "an item outside the model is no longer served after this long without"
                                + " interactions (event time)"));
        o.add(
                new Options.Spec(
                        "explore.slots",
                        "1",
                        "slots of each recommendation given to exploring fresh items (0 or 1)"));
        OPTIONS = List.copyOf(o);
    }

    public final ServingParameters serving;
    public final Duration stateTtl;
    public final int batchSize;
    public final Duration maxWait;
    public final Duration deadline;
    public final int inferenceThreads;
    public final int intraOpThreads;
    public final int capacity;
    public final Duration popularityWindow;
    public final Duration popularitySlide;
    public final int popularityTop;
    public final DedupSettings dedup;
    public final SeenSettings seen;
    public final FreshSettings fresh;

    private RecommendJobConfig(Options o) {
        super(o);
        ModelBundle bundle = ModelBundle.load(Path.of(model));
        ServingParameters card = ServingParameters.fromCard(bundle.card());
        serving =
                new ServingParameters(
                        o.isSet("history.max-items")
                                ? o.intValue("history.max-items", 1, 10_000)
                                : card.maxHistory(),
                        o.isSet("history.window")
                                ? o.duration("history.window")
                                : card.historyWindow(),
                        o.isSet("history.half-life")
                                ? o.duration("history.half-life")
                                : card.halfLife(),
                        o.isSet("cold.min-items")
                                ? o.intValue("cold.min-items", 1, 10_000)
                                : card.coldMinItems(),
                        o.isSet("recommend.k") ? o.intValue("recommend.k", 1, 1_000) : card.k());
        if (serving.maxHistory() > bundle.card().maxHistory()) {
            throw new IllegalArgumentException(
                    "--history.max-items "
                            + serving.maxHistory()
                            + " exceeds what the model was built for ("
                            + bundle.card().maxHistory()
                            + ")");
        }
        stateTtl = o.isSet("state.ttl") ? o.duration("state.ttl") : serving.historyWindow();
        batchSize = o.intValue("inference.batch-size", 1, 4096);
        maxWait = o.duration("inference.max-wait");
        deadline = o.duration("inference.deadline");
        inferenceThreads = o.intValue("inference.threads", 1, 64);
        intraOpThreads = o.intValue("inference.intra-op-threads", 1, 64);
        capacity = o.intValue("inference.capacity", 1, 1_000_000);
        popularityWindow = o.duration("popularity.window");
        popularitySlide = o.duration("popularity.slide");
        if (popularityWindow.toMillis() % popularitySlide.toMillis() != 0) {
            throw new IllegalArgumentException(
                    "--popularity.window ("
                            + popularityWindow
                            + ") must be a multiple of --popularity.slide ("
                            + popularitySlide
                            + ")");
        }
        popularityTop = o.intValue("popularity.top", 1, 100_000);
        dedup = DedupSettings.from(o, serving.historyWindow());
        seen = SeenSettings.from(o, serving.historyWindow());
        fresh =
                new FreshSettings(
                        itemsTopic,
                        o.intValue("fresh.min-interactions", 1, 1_000_000),
                        o.intValue("fresh.max-items", 1, 1_000_000),
                        o.duration("fresh.ttl"),
                        o.intValue("explore.slots", 0, 1));
    }

    public static RecommendJobConfig fromArgs(String... args) {
        return new RecommendJobConfig(Options.parse(args, OPTIONS));
    }
}
