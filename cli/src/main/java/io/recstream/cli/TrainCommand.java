package io.recstream.cli;

import io.recstream.model.ServingParameters;
import io.recstream.training.CsvInput;
import io.recstream.training.TimeParsing;
import io.recstream.training.Trainer;
import io.recstream.training.TrainingEvent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code recstream train}: interaction history in, model bundle out, offline metrics printed. */
@Command(
        name = "train",
        description =
                "Learn item embeddings (PureSVD: truncated SVD of the user-item matrix) and write a"
                        + " model bundle; prints hit-rate@k and NDCG@k on a time-ordered hold-out"
                        + " against the popular-items baseline.")
public final class TrainCommand implements Callable<Integer> {

    @InputPath
    @Option(
            names = "--interactions",
            required = true,
            description = "interactions CSV (with a header row)")
    Path interactions;

    @InputPath
    @Option(
            names = "--items",
            required = true,
            description = "items CSV with categories (with a header row)")
    Path items;

    @Option(names = "--out", required = true, description = "directory to write the bundle to")
    Path out;

    @Option(
            names = "--train-until",
            description =
                    "train on events before this time (ISO date, instant or epoch ms); later events are the hold-out (default: the first 80%% of events)")
    String trainUntil;

    @Mixin InputOptions input;

    @Option(
            names = "--dimensions",
            defaultValue = "64",
            description = "embedding dimensions (default: ${DEFAULT-VALUE})")
    int dimensions;

    @Option(names = "--max-history", description = "recent items per user, L (default: 20)")
    Integer maxHistory;

    @Option(
            names = "--history-window",
            description =
                    "forget items older than this before the newest (default: 30d; movielens preset: 3650d)")
    String historyWindow;

    @Option(
            names = "--half-life",
            description = "recency half-life (default: 1d; movielens preset: 30d)")
    String halfLife;

    @Option(
            names = "--cold-min-items",
            description = "users with fewer items are cold (default: 2)")
    Integer coldMinItems;

    @Option(
            names = {"-k", "--k"},
            description = "recommendation list length (default: 10)")
    Integer k;

    @Option(names = "--version", description = "model version (default: v<UTC timestamp>)")
    String version;

    @Option(names = "--force", description = "overwrite a bundle already in --out")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.out;
        CsvInput csv = input.toCsvInput();
        log.printf("reading %s ...%n", interactions);
        List<TrainingEvent> events = csv.readInteractions(interactions);
        Map<String, List<String>> categories = csv.readItems(items);
        log.printf(
                "  %,d interactions, %,d items with categories%n",
                events.size(), categories.size());
        boolean movielens = "movielens".equals(input.preset);
        ServingParameters d = ServingParameters.DEFAULTS;
        ServingParameters serving =
                new ServingParameters(
                        maxHistory != null ? maxHistory : d.maxHistory(),
                        historyWindow != null
                                ? Durations.parse(historyWindow, "--history-window")
                                : movielens ? java.time.Duration.ofDays(3650) : d.historyWindow(),
                        halfLife != null
                                ? Durations.parse(halfLife, "--half-life")
                                : movielens ? java.time.Duration.ofDays(30) : d.halfLife(),
                        coldMinItems != null ? coldMinItems : d.coldMinItems(),
                        k != null ? k : d.k());
        Trainer.Options options =
                Trainer.Options.defaults()
                        .withServing(serving)
                        .withDimensions(dimensions)
                        .withTrainUntil(
                                trainUntil == null
                                        ? null
                                        : TimeParsing.parseInstant(trainUntil, "--train-until"))
                        .withVersion(version, force);
        Trainer.Report report = Trainer.train(events, categories, out, options, log);
        printReport(report, log);
        return 0;
    }

    static void printReport(Trainer.Report r, PrintStream out) {
        out.printf("model %s written to %s%n", r.version(), r.bundle());
        out.printf(
                "  %,d training events, %,d users, %,d items, %d dimensions%n",
                r.trainEvents(), r.users(), r.items(), r.dimensions());
        out.printf(
                "  hold-out: %,d events (%,d evaluated; %,d cold users skipped, %,d items unknown to the model count as misses)%n",
                r.testEvents(), r.model().events(), r.coldTestEvents(), r.unknownItemTestEvents());
        out.printf("  %-10s %12s %12s%n", "", "hit-rate@k", "NDCG@k");
        out.printf("  %-10s %12.4f %12.4f%n", "model", r.model().hitRate(), r.model().ndcg());
        out.printf("  %-10s %12.4f %12.4f%n", "popular", r.popular().hitRate(), r.popular().ndcg());
    }
}
