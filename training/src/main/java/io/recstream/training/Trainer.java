package io.recstream.training;

import io.recstream.model.ItemEmbeddings;
import io.recstream.model.ModelBundle;
import io.recstream.model.ModelCard;
import io.recstream.model.OnnxScorer;
import io.recstream.model.Ranking;
import io.recstream.model.RecentItems;
import io.recstream.model.ReferenceProfile;
import io.recstream.model.ServingParameters;
import io.recstream.model.Vocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.data.DMatrixSparseTriplet;
import org.ejml.ops.DConvertMatrixStruct;

/**
 * Trains a model bundle from interaction history.
 *
 * <p>Method: PureSVD. The binary user × item matrix of the training period is factorized with a
 * truncated SVD ({@link TruncatedSvd}); the item embeddings are the right singular vectors. At
 * serving time the user vector is the recency-weighted mean of the embeddings of the user's recent
 * items and the score of an item is its dot product with it, i.e. the PureSVD score of the recent
 * history.
 *
 * <p>Evaluation: on a time-ordered hold-out (events at or after {@code trainUntil}), each event is
 * predicted from the user's history just before it, exactly as the streaming job would have
 * recommended after the previous event: hit-rate@k and NDCG@k of the model, and of the most popular
 * training items on the same events.
 */
public final class Trainer {

    /** Training options. {@code trainUntil} null means "the first 80% of the events". */
    public record Options(
            ServingParameters serving,
            int dimensions,
            int oversampling,
            int powerIterations,
            long seed,
            Long trainUntil,
            int referenceEvents,
            int evalEvents,
            int batchSize,
            String version,
            boolean overwrite) {

        public static Options defaults() {
            return new Options(
                    ServingParameters.DEFAULTS,
                    64,
                    10,
                    3,
                    42L,
                    null,
                    20_000,
                    20_000,
                    64,
                    null,
                    false);
        }

        public Options withServing(ServingParameters s) {
            return new Options(
                    s,
                    dimensions,
                    oversampling,
                    powerIterations,
                    seed,
                    trainUntil,
                    referenceEvents,
                    evalEvents,
                    batchSize,
                    version,
                    overwrite);
        }

        public Options withTrainUntil(Long t) {
            return new Options(
                    serving,
                    dimensions,
                    oversampling,
                    powerIterations,
                    seed,
                    t,
                    referenceEvents,
                    evalEvents,
                    batchSize,
                    version,
                    overwrite);
        }

        public Options withDimensions(int d) {
            return new Options(
                    serving,
                    d,
                    oversampling,
                    powerIterations,
                    seed,
                    trainUntil,
                    referenceEvents,
                    evalEvents,
                    batchSize,
                    version,
                    overwrite);
        }

        public Options withVersion(String v, boolean overwriteBundle) {
            return new Options(
                    serving,
                    dimensions,
                    oversampling,
                    powerIterations,
                    seed,
                    trainUntil,
                    referenceEvents,
                    evalEvents,
                    batchSize,
                    v,
                    overwriteBundle);
        }
    }

    /** Hit-rate@k and NDCG@k over a number of events. */
    public record Metrics(double hitRate, double ndcg, long events) {}

    /** What training produced. */
    public record Report(
            String version,
            Path bundle,
            long trainEvents,
            long testEvents,
            int items,
            int users,
            int dimensions,
            Metrics model,
            Metrics popular,
            long coldTestEvents,
            long unknownItemTestEvents) {}

    private Trainer() {}

    public static Report train(
            List<TrainingEvent> input,
            Map<String, List<String>> itemCategories,
            Path out,
            Options o,
            PrintStream log)
            throws IOException {
        if (input.isEmpty()) {
            throw new IllegalArgumentException("no interactions to train on");
        }
        if (!o.overwrite() && Files.exists(out.resolve(ModelBundle.MODEL_FILE))) {
            throw new IllegalArgumentException(
                    "--out " + out + " already holds a model bundle; choose another directory");
        }
        ServingParameters serving = o.serving();
        List<TrainingEvent> events = new ArrayList<>(input);
        events.sort(Comparator.comparingLong(TrainingEvent::time));
        long trainUntil =
                o.trainUntil() != null
                        ? o.trainUntil()
                        : events.get((int) Math.min(events.size() - 1, events.size() * 0.8)).time();
        int trainEnd = 0;
        while (trainEnd < events.size() && events.get(trainEnd).time() < trainUntil) {
            trainEnd++;
        }
        if (trainEnd == 0) {
            throw new IllegalArgumentException(
                    "--train-until "
                            + TimeParsing.format(trainUntil)
                            + " is before the first interaction ("
                            + TimeParsing.format(events.get(0).time())
                            + ")");
        }
        List<TrainingEvent> train = events.subList(0, trainEnd);
        log.printf(
                "training on %,d interactions %s .. %s; %,d later interactions held out%n",
                train.size(),
                TimeParsing.format(train.get(0).time()),
                TimeParsing.format(train.get(train.size() - 1).time()),
                events.size() - trainEnd);

        // Vocabulary: training items, most popular first.
        Map<String, Long> counts = new HashMap<>();
        for (TrainingEvent e : train) {
            counts.merge(e.itemId(), 1L, Long::sum);
        }
        List<String> itemIds = new ArrayList<>(counts.keySet());
        itemIds.sort(
                Comparator.comparing((String id) -> counts.get(id))
                        .reversed()
                        .thenComparing(Comparator.naturalOrder()));
        List<List<String>> categories = new ArrayList<>(itemIds.size());
        for (String id : itemIds) {
            categories.add(itemCategories.getOrDefault(id, List.of()));
        }
        Vocabulary vocabulary = new Vocabulary(itemIds, categories);

        Map<String, Integer> users = new HashMap<>();
        DMatrixSparseTriplet triplets = new DMatrixSparseTriplet(1, 1, train.size());
        Set<Long> cells = new HashSet<>();
        for (TrainingEvent e : train) {
            int u = users.computeIfAbsent(e.userId(), x -> users.size());
            int i = vocabulary.indexOf(e.itemId());
            if (cells.add((long) u * vocabulary.size() + i)) {
                triplets.addItem(u, i, 1.0);
            }
        }
        triplets.reshape(users.size(), vocabulary.size());
        // reshape() clears the triplets; add them again at the final shape
        for (long cell : cells) {
            triplets.addItem(
                    (int) (cell / vocabulary.size()), (int) (cell % vocabulary.size()), 1.0);
        }
        DMatrixSparseCSC matrix = DConvertMatrixStruct.convert(triplets, (DMatrixSparseCSC) null);
        int maxRank = Math.min(users.size(), vocabulary.size());
        int dims = Math.min(o.dimensions(), maxRank);
        if (dims < o.dimensions()) {
            log.printf(
                    "only %d users/items: using %d dimensions instead of %d%n",
                    maxRank, dims, o.dimensions());
        }
        log.printf(
                "factorizing %,d users x %,d items (%,d cells) to %d dimensions...%n",
                users.size(), vocabulary.size(), cells.size(), dims);
        long t0 = System.nanoTime();
        TruncatedSvd.Result svd =
                TruncatedSvd.compute(
                        matrix,
                        dims,
                        Math.min(o.oversampling(), maxRank - dims),
                        o.powerIterations(),
                        o.seed());
        log.printf("  done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        float[][] embeddings = toFloat(svd.rightVectors());

        String version =
                o.version() != null
                        ? o.version()
                        : "v"
                                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                                        .withZone(ZoneOffset.UTC)
                                        .format(Instant.now());
        int retrieve = serving.k() + serving.maxHistory();
        Files.createDirectories(out);
        Path modelFile = out.resolve(ModelBundle.MODEL_FILE);
        OnnxModelWriter.write(
                OnnxModelWriter.build(
                        embeddings,
                        embeddings,
                        retrieve,
                        version,
                        Map.of(
                                "method",
                                "pure-svd",
                                "recstream.created",
                                Instant.now().toString())),
                modelFile);
        new ItemEmbeddings(embeddings, embeddings).write(out.resolve(ModelBundle.EMBEDDINGS_FILE));

        // Popular items of the training period: the baseline, and the cold-start fallback. Enough
        // of them that k remain after a heavy user's consumed items are taken out.
        int popularCount = Math.min(vocabulary.size(), Math.max(retrieve, POPULAR_KEPT));
        int[] popular = new int[popularCount];
        float[] popularScores = new float[popularCount];
        List<ReferenceProfile.PopularItem> popularItems = new ArrayList<>();
        for (int i = 0; i < popularCount; i++) {
            popular[i] = i; // the vocabulary is sorted by training popularity
            popularScores[i] = counts.get(vocabulary.itemId(i));
            popularItems.add(
                    new ReferenceProfile.PopularItem(
                            vocabulary.itemId(i), counts.get(vocabulary.itemId(i))));
        }

        Report report;
        ReferenceProfile profile;
        try (OnnxScorer scorer = new OnnxScorer(modelFile, version, vocabulary.size(), 1)) {
            BatchRanker ranker =
                    new BatchRanker(
                            scorer,
                            o.batchSize(),
                            serving.maxHistory(),
                            serving.halfLife().toMillis(),
                            serving.k());
            Simulation sim =
                    simulate(
                            events,
                            trainEnd,
                            vocabulary,
                            serving,
                            o.referenceEvents(),
                            o.evalEvents());
            log.printf(
                    "computing the reference profile from the last %,d training interactions...%n",
                    sim.reference.size());
            profile =
                    referenceProfile(
                            sim, ranker, vocabulary, serving, popular, popularScores, popularItems);
            log.printf("evaluating on %,d held-out interactions...%n", sim.testHistories.size());
            report =
                    evaluate(
                            sim,
                            ranker,
                            vocabulary,
                            serving,
                            popular,
                            popularScores,
                            version,
                            out,
                            train.size(),
                            events.size() - trainEnd,
                            users.size(),
                            dims);
        }
        Map<String, Double> offline = new LinkedHashMap<>();
        offline.put("hit_rate_at_" + serving.k(), report.model().hitRate());
        offline.put("ndcg_at_" + serving.k(), report.model().ndcg());
        offline.put("popular_hit_rate_at_" + serving.k(), report.popular().hitRate());
        offline.put("popular_ndcg_at_" + serving.k(), report.popular().ndcg());
        offline.put("evaluated_events", (double) report.model().events());
        profile =
                new ReferenceProfile(
                        profile.recommendedCategories(),
                        profile.inputCategories(),
                        profile.scoreHistogram(),
                        profile.coldUserRate(),
                        profile.popularItems(),
                        offline,
                        profile.events());

        Map<String, String> params = new LinkedHashMap<>();
        params.put("dimensions", Integer.toString(dims));
        params.put("oversampling", Integer.toString(o.oversampling()));
        params.put("power_iterations", Integer.toString(o.powerIterations()));
        params.put("seed", Long.toString(o.seed()));
        params.put("train_until", TimeParsing.format(trainUntil));
        params.putAll(serving.toCardParameters());
        ModelCard card =
                new ModelCard(
                        version,
                        Instant.now().toString(),
                        train.get(0).time(),
                        trainUntil,
                        train.size(),
                        vocabulary.size(),
                        dims,
                        serving.maxHistory(),
                        Math.min(retrieve, vocabulary.size()),
                        "pure-svd (truncated SVD of the binary user-item matrix, EJML)",
                        params);
        ModelBundle.writeMetadata(out, card, vocabulary, profile);
        ModelBundle.load(out); // fail here, not in a job, if anything is inconsistent
        return report;
    }

    private static float[][] toFloat(DMatrixRMaj m) {
        float[][] f = new float[m.numRows][m.numCols];
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                f[r][c] = (float) m.get(r, c);
            }
        }
        return f;
    }

    /** Histories replayed through the events, as the streaming job keeps them. */
    /** Training-time popular items kept in the bundle. */
    static final int POPULAR_KEPT = 500;

    private static final class Simulation {
        final List<RecentItems> reference = new ArrayList<>();
        final List<Integer> referenceItems = new ArrayList<>();
        final List<RecentItems> testHistories = new ArrayList<>();
        final List<int[]> testConsumed = new ArrayList<>();
        final List<Integer> testTargets = new ArrayList<>();
        long coldTest;
        long unknownTest;
    }

    private static Simulation simulate(
            List<TrainingEvent> events,
            int trainEnd,
            Vocabulary vocabulary,
            ServingParameters serving,
            int referenceEvents,
            int evalEvents) {
        Simulation sim = new Simulation();
        Map<String, RecentItems> histories = new HashMap<>();
        // everything each user consumed, never to be served again (as --seen.retention does)
        Map<String, java.util.TreeSet<Integer>> consumed = new HashMap<>();
        int referenceStart = Math.max(0, trainEnd - referenceEvents);
        int evalEnd = (int) Math.min(events.size(), (long) trainEnd + evalEvents);
        long window = serving.historyWindow().toMillis();
        for (int n = 0; n < evalEnd; n++) {
            TrainingEvent e = events.get(n);
            RecentItems h = histories.computeIfAbsent(e.userId(), x -> new RecentItems());
            h.expire(e.time(), window);
            int item = vocabulary.indexOf(e.itemId());
            java.util.TreeSet<Integer> had =
                    consumed.computeIfAbsent(e.userId(), x -> new java.util.TreeSet<>());
            if (n >= trainEnd) {
                // Predict this event from the history just before it.
                if (h.size() < serving.coldMinItems()) {
                    sim.coldTest++;
                } else if (item < 0) {
                    sim.unknownTest++;
                    sim.testHistories.add(h.copy());
                    sim.testConsumed.add(toArray(had));
                    sim.testTargets.add(-1);
                } else {
                    sim.testHistories.add(h.copy());
                    sim.testConsumed.add(toArray(had));
                    sim.testTargets.add(item);
                }
            }
            if (item >= 0) {
                h.add(item, e.time(), serving.maxHistory(), window);
                had.add(item);
            }
            if (n >= referenceStart && n < trainEnd) {
                sim.reference.add(h.copy());
                sim.referenceItems.add(item);
            }
        }
        return sim;
    }

    private static int[] toArray(java.util.SortedSet<Integer> items) {
        return items.stream().mapToInt(Integer::intValue).toArray();
    }

    private static ReferenceProfile referenceProfile(
            Simulation sim,
            BatchRanker ranker,
            Vocabulary vocabulary,
            ServingParameters serving,
            int[] popular,
            float[] popularScores,
            List<ReferenceProfile.PopularItem> popularItems) {
        Map<String, Double> recommended = new TreeMap<>();
        Map<String, Double> input = new TreeMap<>();
        // Served as a job that started recently serves them: what it knows a user consumed is about
        // the recent items. A reference that left out each user's whole training history would
        // make every freshly started job's top-1 scores and categories look shifted.
        List<RecentItems> warm = new ArrayList<>();
        List<int[]> warmConsumed = new ArrayList<>();
        long cold = 0;
        for (int n = 0; n < sim.reference.size(); n++) {
            RecentItems h = sim.reference.get(n);
            addCategories(input, vocabulary, sim.referenceItems.get(n));
            if (h.size() < serving.coldMinItems()) {
                cold++;
                Ranking.Ranked r =
                        Ranking.select(
                                new int[0],
                                new float[0],
                                0,
                                0,
                                h.getItems(),
                                h.size(),
                                null,
                                popular,
                                popularScores,
                                serving.k());
                for (int item : r.items()) {
                    addCategories(recommended, vocabulary, item);
                }
            } else {
                warm.add(h);
                warmConsumed.add(new int[0]);
            }
        }
        List<Ranking.Ranked> ranked = ranker.rank(warm, warmConsumed, popular, popularScores);
        double[] top1 = new double[ranked.size()];
        int m = 0;
        for (Ranking.Ranked r : ranked) {
            for (int item : r.items()) {
                addCategories(recommended, vocabulary, item);
            }
            if (r.fromModel() > 0) {
                top1[m++] = r.scores()[0];
            }
        }
        return new ReferenceProfile(
                normalize(recommended),
                normalize(input),
                Histograms.deciles(Arrays.copyOf(top1, m)),
                sim.reference.isEmpty() ? 0.0 : (double) cold / sim.reference.size(),
                popularItems,
                Map.of(),
                sim.reference.size());
    }

    private static void addCategories(Map<String, Double> acc, Vocabulary vocabulary, int item) {
        List<String> cats =
                item < 0 || vocabulary.categories(item).isEmpty()
                        ? List.of(Vocabulary.UNKNOWN_CATEGORY)
                        : vocabulary.categories(item);
        for (String c : cats) {
            acc.merge(c, 1.0 / cats.size(), Double::sum);
        }
    }

    private static Map<String, Double> normalize(Map<String, Double> counts) {
        double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> p = new TreeMap<>();
        counts.forEach((k, v) -> p.put(k, total == 0 ? 0 : v / total));
        return p;
    }

    private static Report evaluate(
            Simulation sim,
            BatchRanker ranker,
            Vocabulary vocabulary,
            ServingParameters serving,
            int[] popular,
            float[] popularScores,
            String version,
            Path out,
            long trainEvents,
            long testEvents,
            int users,
            int dims) {
        List<Ranking.Ranked> ranked =
                ranker.rank(sim.testHistories, sim.testConsumed, popular, popularScores);
        double modelHits = 0;
        double modelGain = 0;
        double popHits = 0;
        double popGain = 0;
        for (int n = 0; n < ranked.size(); n++) {
            int target = sim.testTargets.get(n);
            RecentItems h = sim.testHistories.get(n);
            int[] had = sim.testConsumed.get(n);
            int rank = indexOf(ranked.get(n).items(), target);
            if (rank >= 0) {
                modelHits++;
                modelGain += 1.0 / (Math.log(rank + 2) / Math.log(2));
            }
            Ranking.Ranked pop =
                    Ranking.select(
                            new int[0],
                            new float[0],
                            0,
                            0,
                            h.getItems(),
                            h.size(),
                            had,
                            popular,
                            popularScores,
                            serving.k());
            int popRank = indexOf(pop.items(), target);
            if (popRank >= 0) {
                popHits++;
                popGain += 1.0 / (Math.log(popRank + 2) / Math.log(2));
            }
        }
        long n = ranked.size();
        return new Report(
                version,
                out,
                trainEvents,
                testEvents,
                vocabulary.size(),
                users,
                dims,
                new Metrics(n == 0 ? 0 : modelHits / n, n == 0 ? 0 : modelGain / n, n),
                new Metrics(n == 0 ? 0 : popHits / n, n == 0 ? 0 : popGain / n, n),
                sim.coldTest,
                sim.unknownTest);
    }

    private static int indexOf(int[] items, int target) {
        if (target < 0) {
            return -1;
        }
        for (int i = 0; i < items.length; i++) {
            if (items[i] == target) {
                return i;
            }
        }
        return -1;
    }
}
