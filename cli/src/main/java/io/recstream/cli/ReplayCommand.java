package io.recstream.cli;

import io.recstream.jobs.config.MonitorJobConfig;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.Feedback;
import io.recstream.jobs.events.FeedbackType;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.kafka.embedded.EmbeddedKafka;
import io.recstream.model.ModelBundle;
import io.recstream.topics.TopicApplier;
import io.recstream.topics.TopicCatalog;
import io.recstream.training.CsvInput;
import io.recstream.training.TimeParsing;
import io.recstream.training.TrainingEvent;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recstream replay}: feeds recorded interactions, in event-time order, through Kafka and the
 * recommend job, and writes every recommendation (read_committed) to a JSON-lines file. With {@code
 * --produce-only} it only sends them to a Kafka cluster whose jobs run elsewhere, as fast as
 * possible or paced at a multiple of real time.
 */
@Command(
        name = "replay",
        description =
                "Replay recorded interactions at or after --from through Kafka and the recommend job;"
                        + " write each recommendation as a JSON line. The request key of each line is"
                        + " <interactions file name>:<line number> of the interaction it answers"
                        + " (the header is line 1). With --produce-only, only send the interactions"
                        + " to --bootstrap-servers for jobs running on a Flink cluster.")
public final class ReplayCommand implements Callable<Integer> {

    @InputPath
    @Option(names = "--interactions", required = true, description = "interactions CSV")
    Path interactions;

    @InputPath
    @Option(
            names = "--items",
            description =
                    "items CSV: items the model does not know are sent to the items topic as the"
                            + " catalogue, each created at its first interaction in the file, so"
                            + " the job can serve them before retraining (without: only the"
                            + " model's items are served)")
    Path items;

    @InputPath(InputPath.Kind.DIRECTORY)
    @Option(
            names = "--model",
            description = "model bundle directory (required unless --produce-only)")
    Path model;

    @Option(
            names = "--from",
            description =
                    "replay interactions at or after this time (default: the model's training cut-off)")
    String from;

    @Option(names = "--until", description = "replay interactions before this time (default: all)")
    String until;

    @Option(
            names = "--prime",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "first send the interactions before --from, so that users' histories and"
                            + " consumed items are in the job's state when the replay starts"
                            + " (their answers are not written; default: ${DEFAULT-VALUE})")
    boolean prime;

    @Option(
            names = "--seen-retention",
            description =
                    "how long an item a user consumed is not served to them again (the job's"
                            + " --seen.retention; default: the job's, 365d or the model's history"
                            + " window if longer)")
    String seenRetention;

    @Option(
            names = "--summary",
            description =
                    "write the replay's quality figures (hit-rate@k, NDCG@k, the popularity"
                            + " baseline, slots already consumed) to this JSON file")
    Path summary;

    @Option(
            names = "--out",
            description =
                    "JSON-lines file to write the recommendations to (required unless --produce-only)")
    Path out;

    @Mixin InputOptions input;

    @Option(
            names = "--bootstrap-servers",
            description = "use this Kafka cluster instead of the embedded broker")
    String bootstrapServers;

    @InputPath
    @Option(
            names = "--command-config",
            description = "client properties file for --bootstrap-servers")
    Path commandConfig;

    @Option(
            names = "--rate",
            defaultValue = "max",
            description =
                    "max (as fast as possible), or a speed-up of recorded time: 1x is real time, 60x"
                            + " plays an hour in a minute (default: ${DEFAULT-VALUE})")
    String rate;

    @Option(
            names = "--produce-only",
            description =
                    "only send the interactions to --bootstrap-servers; the jobs run on your Flink"
                            + " cluster")
    boolean produceOnly;

    @Option(
            names = "--judge-only",
            description =
                    "run no job: judge the recommendations already in --out, written by an earlier"
                            + " replay of the same file (any version of recstream), as this"
                            + " version judges them")
    boolean judgeOnly;

    @Option(
            names = "--feedback",
            description =
                    "with --produce-only: also send every interaction as ground truth to the"
                            + " feedback topic")
    boolean feedback;

    @Option(
            names = "--retime",
            description =
                    "with --produce-only: stamp each event with the time it is sent rather than its"
                            + " recorded time, so it reads as live traffic")
    boolean retime;

    @Option(
            names = "--interactions-topic",
            defaultValue = TopicCatalog.INTERACTIONS,
            description = "with --produce-only: topic to send to (default: ${DEFAULT-VALUE})")
    String interactionsTopic;

    @Option(
            names = "--feedback-topic",
            defaultValue = TopicCatalog.FEEDBACK,
            description = "with --produce-only --feedback: topic (default: ${DEFAULT-VALUE})")
    String feedbackTopic;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "job parallelism (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Option(
            names = "--monitor",
            description =
                    "also run the monitor job over the replayed period; each replayed interaction also"
                            + " counts as feedback for earlier recommendations")
    boolean monitor;

    @Option(
            names = "--series",
            description =
                    "with --monitor: write every window's signal values and every alert as JSON lines")
    Path series;

    @Option(
            names = "--window",
            defaultValue = "90d",
            description = "with --monitor: window size in event time (default: ${DEFAULT-VALUE})")
    String window;

    @Option(
            names = "--slide",
            defaultValue = "30d",
            description = "with --monitor: window slide in event time (default: ${DEFAULT-VALUE})")
    String slide;

    @Option(
            names = "--horizon",
            defaultValue = "30d",
            description =
                    "with --monitor: how long a recommendation waits for its user to rate one of its items (default: ${DEFAULT-VALUE})")
    String horizon;

    @Option(
            names = "--popularity-window",
            defaultValue = "30d",
            description = "popularity window in event time (default: ${DEFAULT-VALUE})")
    String popularityWindow;

    @Option(
            names = "--popularity-slide",
            defaultValue = "1d",
            description = "popularity update interval in event time (default: ${DEFAULT-VALUE})")
    String popularitySlide;

    @Override
    public Integer call() throws Exception {
        double speedUp = Pacer.parseRate(rate, "--rate");
        if (produceOnly) {
            if (bootstrapServers == null) {
                throw new IllegalArgumentException(
                        "--produce-only needs --bootstrap-servers: it feeds jobs running elsewhere");
            }
            if (monitor || out != null) {
                throw new IllegalArgumentException(
                        "--produce-only runs no jobs: leave out --monitor and --out");
            }
        } else {
            if (model == null || out == null) {
                throw new IllegalArgumentException(
                        "--model and --out are required (unless --produce-only)");
            }
            if (feedback || retime) {
                throw new IllegalArgumentException(
                        "--feedback and --retime go with --produce-only (--monitor sends feedback)");
            }
        }
        if (bootstrapServers != null) {
            KafkaReachability.require(
                    KafkaClients.properties(bootstrapServers, commandConfig), "--command-config");
        }
        ModelBundle bundle = model == null ? null : ModelBundle.load(model);
        CsvInput csv = input.toCsvInput();
        long fromTime =
                from != null
                        ? TimeParsing.parseInstant(from, "--from")
                        : bundle != null ? bundle.card().dataUntil() : Long.MIN_VALUE;
        long untilTime =
                until != null ? TimeParsing.parseInstant(until, "--until") : Long.MAX_VALUE;
        System.out.printf("reading %s ...%n", interactions);
        List<TrainingEvent> events = new ArrayList<>();
        List<TrainingEvent> before = new ArrayList<>();
        for (TrainingEvent e : csv.readInteractions(interactions)) {
            if (e.time() >= fromTime && e.time() < untilTime) {
                events.add(e);
            } else if (e.time() < fromTime) {
                before.add(e);
            }
        }
        events.sort(Comparator.comparingLong(TrainingEvent::time));
        before.sort(Comparator.comparingLong(TrainingEvent::time));
        if (events.isEmpty()) {
            throw new IllegalArgumentException(
                    "no interactions at or after --from " + TimeParsing.format(fromTime));
        }
        System.out.printf(
                "replaying %,d interactions %s .. %s %s%s%n",
                events.size(),
                TimeParsing.format(events.get(0).time()),
                TimeParsing.format(events.get(events.size() - 1).time()),
                bundle == null ? "" : "with model " + bundle.version(),
                speedUp > 0 ? " at " + rate + " real time" : "");
        if (produceOnly) {
            return produceOnly(events, speedUp);
        }
        if (judgeOnly) {
            if (!Files.isRegularFile(out)) {
                throw new IllegalArgumentException("--judge-only: --out " + out + ": no such file");
            }
            return report(quality(events, before, 0));
        }

        EmbeddedKafka kafka = null;
        String bootstrap = bootstrapServers;
        if (bootstrap == null) {
            kafka = EmbeddedKafka.start();
            bootstrap = kafka.bootstrapServers();
        }
        Properties client = KafkaClients.properties(bootstrap, commandConfig);
        try {
            try (Admin admin = Admin.create(client)) {
                new TopicApplier(admin, Duration.ofSeconds(60))
                        .apply(TopicCatalog.bundled(), false);
            }
            return replay(events, before, bundle, bootstrap, client, speedUp);
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** Replays may close their windows with an event after the present. */
    private static final String FAR_FUTURE = "36500d";

    /** Sends the events (and feedback) to an external cluster, paced, and reports what it did. */
    private int produceOnly(List<TrainingEvent> events, double speedUp) throws Exception {
        Properties client = KafkaClients.properties(bootstrapServers, commandConfig);
        try (Admin admin = Admin.create(client)) {
            List<String> topics = new ArrayList<>(List.of(interactionsTopic));
            if (feedback) {
                topics.add(feedbackTopic);
            }
            Set<String> missing = new java.util.TreeSet<>(topics);
            missing.removeAll(admin.listTopics().names().get());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(
                        "topic(s) "
                                + missing
                                + " do not exist on "
                                + bootstrapServers
                                + ": create them with `recstream topics apply`");
            }
        }
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(client)) {
            send(
                    producer,
                    events,
                    interactionsTopic,
                    feedback ? feedbackTopic : null,
                    speedUp,
                    true);
        }
        System.out.printf(
                "sent %,d interactions%s to %s in %.1f s%n",
                events.size(),
                feedback ? " and as many feedback records" : "",
                bootstrapServers,
                (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /**
     * Sends every event to {@code interactions} (and {@code feedbackTopic} unless null), paced at
     * {@code speedUp} × recorded time (as fast as possible when it is not positive), with a
     * progress bar; fails on the first failed send.
     */
    private void send(
            KafkaProducer<byte[], byte[]> producer,
            List<TrainingEvent> events,
            String interactions,
            String feedbackTopic,
            double speedUp,
            boolean showProgress)
            throws InterruptedException {
        AtomicReference<Exception> sendError = new AtomicReference<>();
        Pacer pacer = new Pacer(events.get(0).time(), speedUp);
        Progress produced = showProgress ? new Progress("produced", events.size()) : null;
        for (TrainingEvent e : events) {
            pacer.awaitEventTime(e.time());
            if (sendError.get() != null) {
                break;
            }
            long time = retime ? System.currentTimeMillis() : e.time();
            boolean rated = !Double.isNaN(e.value());
            byte[] key = e.userId().getBytes(StandardCharsets.UTF_8);
            send(
                    producer,
                    new ProducerRecord<>(
                            interactions,
                            key,
                            JsonCodec.interaction(
                                    new Interaction(
                                            e.key(),
                                            e.userId(),
                                            e.itemId(),
                                            rated ? InteractionType.RATING : InteractionType.VIEW,
                                            rated ? e.value() : null,
                                            time))),
                    sendError);
            if (feedbackTopic != null) {
                send(
                        producer,
                        new ProducerRecord<>(
                                feedbackTopic,
                                key,
                                JsonCodec.feedback(
                                        new Feedback(
                                                e.userId(),
                                                e.itemId(),
                                                rated ? FeedbackType.RATING : FeedbackType.CLICK,
                                                rated ? e.value() : null,
                                                time,
                                                null))),
                        sendError);
            }
            if (produced != null) {
                produced.step(1);
            }
        }
        producer.flush();
        if (produced != null) {
            produced.done();
        }
        if (sendError.get() != null) {
            throw new IllegalStateException("sending interactions failed", sendError.get());
        }
    }

    private int replay(
            List<TrainingEvent> events,
            List<TrainingEvent> before,
            ModelBundle bundle,
            String bootstrap,
            Properties client,
            double speedUp)
            throws Exception {
        long first = events.get(0).time();
        long last = events.get(events.size() - 1).time();
        long outOfOrderness = last - first + Duration.ofDays(1).toMillis();
        long closeAll =
                last
                        + outOfOrderness
                        + Durations.parse(window, "--window").toMillis()
                        + Durations.parse(slide, "--slide").toMillis()
                        + Durations.parse(horizon, "--horizon").toMillis()
                        + Duration.ofDays(2).toMillis();
        String run = "recstream-replay-" + System.currentTimeMillis();
        String model = bundle.directory().toString();
        List<String> jobOptions =
                new ArrayList<>(
                        List.of(
                                "--group-id",
                                run,
                                "--transactional-id-prefix",
                                run,
                                "--starting-offsets",
                                "earliest",
                                "--popularity.window",
                                popularityWindow,
                                "--popularity.slide",
                                popularitySlide,
                                "--watermark.out-of-orderness",
                                "30d",
                                "--validation.max-future-skew",
                                FAR_FUTURE));
        if (seenRetention != null) {
            jobOptions.addAll(List.of("--seen.retention", seenRetention));
        }
        Map<String, List<String>> freshItems = freshItems(events, before, bundle);
        if (items != null) {
            // every item of the file may be served in its time: none gives way to another
            jobOptions.addAll(
                    List.of("--fresh.max-items", Integer.toString(Math.max(1, freshItems.size()))));
        } else {
            jobOptions.addAll(List.of("--items-topic", "none"));
        }
        RecommendJobConfig config =
                RecommendJobConfig.fromArgs(
                        EmbeddedFlink.jobArgs(
                                bootstrap,
                                commandConfig,
                                model,
                                "1s",
                                parallelism,
                                jobOptions.toArray(String[]::new)));
        Set<String> pending = ConcurrentHashMap.newKeySet();
        events.forEach(e -> pending.add(e.key()));
        AtomicLong written = new AtomicLong();
        List<byte[]> signalRecords = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<byte[]> alertRecords = new java.util.concurrent.CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        try (EmbeddedFlink flink = EmbeddedFlink.start(monitor ? 2 * parallelism : parallelism)) {
            flink.submitRecommend(config);
            if (monitor) {
                flink.submitMonitor(
                        MonitorJobConfig.fromArgs(
                                EmbeddedFlink.jobArgs(
                                        bootstrap,
                                        commandConfig,
                                        model,
                                        "1s",
                                        parallelism,
                                        "--group-id",
                                        run + "-monitor",
                                        "--transactional-id-prefix",
                                        run + "-monitor",
                                        "--starting-offsets",
                                        "earliest",
                                        "--window",
                                        window,
                                        "--slide",
                                        slide,
                                        "--horizon",
                                        horizon,
                                        "--allowed-lateness",
                                        "1d",
                                        // Replayed years arrive within seconds, in any order
                                        // across partitions: no window closes before the end.
                                        "--watermark.out-of-orderness",
                                        outOfOrderness + "ms",
                                        "--watermark.idleness",
                                        "5s",
                                        "--validation.max-future-skew",
                                        FAR_FUTURE)));
            }
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out));
                    CommittedReader reader =
                            new CommittedReader(
                                    client,
                                    config.recommendationsTopic,
                                    r -> {
                                        String key = new String(r.key(), StandardCharsets.UTF_8);
                                        if (pending.remove(key)) {
                                            try {
                                                synchronized (file) {
                                                    file.write(r.value());
                                                    file.write('\n');
                                                }
                                            } catch (java.io.IOException e) {
                                                throw new java.io.UncheckedIOException(e);
                                            }
                                            written.incrementAndGet();
                                        }
                                    });
                    CommittedReader signals =
                            new CommittedReader(
                                    client,
                                    TopicCatalog.MONITOR_SIGNALS,
                                    r -> signalRecords.add(r.value()));
                    CommittedReader alerts =
                            new CommittedReader(
                                    client,
                                    TopicCatalog.DRIFT_ALERTS,
                                    r -> alertRecords.add(r.value()));
                    KafkaProducer<byte[], byte[]> producer = producer(client)) {
                if (items != null) {
                    sendCatalogue(producer, events, before, bundle, freshItems);
                }
                if (prime && !before.isEmpty()) {
                    System.out.printf(
                            "priming the job with the %,d interactions before %s...%n",
                            before.size(), TimeParsing.format(events.get(0).time()));
                    send(producer, before, config.interactionsTopic, null, 0, true);
                }
                send(
                        producer,
                        events,
                        config.interactionsTopic,
                        monitor ? TopicCatalog.FEEDBACK : null,
                        speedUp,
                        true);
                Progress consumed = new Progress("recommendations", events.size());
                awaitProgress(written, events.size(), consumed, "recommendations");
                consumed.done();
                if (monitor) {
                    // Once every recommendation is out, one event far after the replayed period
                    // moves event time past it, so every window over it closes. Sent earlier, it
                    // could overtake the replay in another partition.
                    send(
                            producer,
                            List.of(
                                    new TrainingEvent(
                                            "replay-end",
                                            "replay-end",
                                            "replay-end",
                                            closeAll,
                                            Double.NaN)),
                            config.interactionsTopic,
                            TopicCatalog.FEEDBACK,
                            0,
                            false);
                    System.err.println("waiting for the monitor's last windows...");
                    // Done when the windows holding the last replayed event have closed for the
                    // recommendation, input and outcome signals, and nothing else arrives.
                    java.util.Set<String> closed = new java.util.HashSet<>();
                    long quietSince = System.nanoTime();
                    int seen = 0;
                    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                    while (System.nanoTime() < deadline) {
                        int size = signalRecords.size();
                        for (int i = seen; i < size; i++) {
                            SignalValue v = JsonCodec.readSignalValue(signalRecords.get(i));
                            if (v.getWindowStart() <= last && last < v.getWindowEnd()) {
                                closed.add(v.getSignal());
                            }
                        }
                        if (size != seen) {
                            seen = size;
                            quietSince = System.nanoTime();
                        } else if (closed.containsAll(
                                        List.of(
                                                "recommended_category_kl",
                                                "input_category_kl",
                                                "hit_rate_at_k"))
                                && System.nanoTime() - quietSince
                                        > Duration.ofSeconds(3).toNanos()) {
                            break;
                        }
                        Thread.sleep(200);
                    }
                }
            }
        }
        System.out.printf(
                "wrote %,d recommendations to %s in %.1f s; %,d re-sent events (an event_id"
                        + " already seen) answered once%n",
                written.get(),
                out,
                (System.nanoTime() - started) / 1e9,
                (long) io.recstream.jobs.dedup.Deduplicate.counter("interaction").count());
        if (monitor) {
            List<String> lines = SeriesFile.lines(signalRecords, alertRecords);
            if (series != null) {
                Files.write(series, lines);
                System.out.printf(
                        "wrote %,d signal values and %,d alert transitions to %s%n",
                        signalRecords.size(), alertRecords.size(), series);
            }
            alertRecords.forEach(
                    a -> System.out.println("  " + JsonCodec.readDriftAlert(a).getSummary()));
        }
        return report(quality(events, before, config.serving.k()));
    }

    /** Prints the quality summary, and writes it to {@link #summary} if given. */
    private int report(Map<String, Object> quality) throws java.io.IOException {
        System.out.println("quality of the served recommendations:");
        quality.forEach((key, value) -> System.out.printf("  %-36s %s%n", key, value));
        if (summary != null) {
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValue(summary.toFile(), quality);
            System.out.println("summary written to " + summary);
        }
        return 0;
    }

    /** Items of the replay the model does not know, with their categories from {@link #items}. */
    private Map<String, List<String>> freshItems(
            List<TrainingEvent> events, List<TrainingEvent> before, ModelBundle bundle)
            throws java.io.IOException {
        Map<String, List<String>> fresh = new java.util.LinkedHashMap<>();
        if (items == null) {
            return fresh;
        }
        Map<String, List<String>> categories = input.toCsvInput().readItems(items);
        for (TrainingEvent e : events) {
            if (bundle.vocabulary().indexOf(e.itemId()) < 0) {
                fresh.putIfAbsent(e.itemId(), categories.getOrDefault(e.itemId(), List.of()));
            }
        }
        return fresh;
    }

    /**
     * Sends the catalogue of the items the model does not know, each created at its first
     * interaction in the file (the job serves an item only to requests at or after that time, so
     * nothing of the future leaks), and waits until the job has indexed them all.
     */
    private void sendCatalogue(
            KafkaProducer<byte[], byte[]> producer,
            List<TrainingEvent> events,
            List<TrainingEvent> before,
            ModelBundle bundle,
            Map<String, List<String>> fresh)
            throws Exception {
        Map<String, Long> firstSeen = new java.util.HashMap<>();
        for (List<TrainingEvent> list : List.of(before, events)) {
            for (TrainingEvent e : list) {
                firstSeen.merge(e.itemId(), e.time(), Math::min);
            }
        }
        AtomicReference<Exception> error = new AtomicReference<>();
        io.micrometer.core.instrument.Counter admitted =
                io.recstream.jobs.metrics.Metrics.counter(
                        "recstream.catalogue.fresh.admitted",
                        "catalogue items the model does not know, given a fresh index");
        double admittedBefore = admitted.count();
        for (Map.Entry<String, List<String>> item : fresh.entrySet()) {
            send(
                    producer,
                    new ProducerRecord<>(
                            TopicCatalog.ITEMS,
                            item.getKey().getBytes(StandardCharsets.UTF_8),
                            JsonCodec.item(
                                    new io.recstream.jobs.events.CatalogueItem(
                                            item.getKey(),
                                            item.getValue().toArray(String[]::new),
                                            true,
                                            firstSeen.get(item.getKey())))),
                    error);
        }
        producer.flush();
        if (error.get() != null) {
            throw new IllegalStateException("sending the catalogue failed", error.get());
        }
        System.out.printf(
                "sent %,d items the model does not know to the %s topic%n",
                fresh.size(), TopicCatalog.ITEMS);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (admitted.count() - admittedBefore < fresh.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        // the index reached the serving operators with the broadcast: give it a moment
        Thread.sleep(2_000);
    }

    /** Judges the lists written to {@link #out} (see {@link ReplayQuality} for the protocol). */
    private Map<String, Object> quality(
            List<TrainingEvent> events, List<TrainingEvent> before, int listSize) throws Exception {
        int k = listSize;
        Map<String, ReplayQuality.Served> served = new java.util.HashMap<>();
        for (String line : Files.readAllLines(out)) {
            if (!line.isBlank()) {
                Recommendation r =
                        JsonCodec.readRecommendation(line.getBytes(StandardCharsets.UTF_8));
                List<String> kinds = new ArrayList<>();
                for (int i = 0; i < r.getItemIds().length; i++) {
                    kinds.add(r.slotKind(i).name());
                }
                served.put(
                        r.getRequestKey(),
                        new ReplayQuality.Served(List.of(r.getItemIds()), kinds));
                if (listSize <= 0) {
                    // judged afterwards: the lists' own length, as served
                    k = Math.max(k, r.getItemIds().length);
                }
            }
        }
        var vocabulary = ModelBundle.load(model).vocabulary();
        ReplayQuality q = new ReplayQuality(k, item -> vocabulary.indexOf(item) >= 0);
        before.forEach(q::history);
        q.replay(events, served);
        Map<String, Object> s = new java.util.LinkedHashMap<>();
        if (!judgeOnly) {
            s.put("primed_with_history", prime); // judged afterwards: how it ran is not known
        }
        s.putAll(q.summary());
        return s;
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            ProducerRecord<byte[], byte[]> record,
            AtomicReference<Exception> error) {
        producer.send(
                record,
                (md, ex) -> {
                    if (ex != null) {
                        error.compareAndSet(null, ex);
                    }
                });
    }

    private static void awaitProgress(AtomicLong done, long total, Progress progress, String what)
            throws InterruptedException {
        long last = 0;
        long idleSince = System.nanoTime();
        while (done.get() < total) {
            long d = done.get();
            if (d != last) {
                progress.step(d - last);
                last = d;
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince > Duration.ofMinutes(2).toNanos()) {
                throw new IllegalStateException(
                        "no " + what + " for 2 minutes; " + d + " of " + total);
            }
            Thread.sleep(200);
        }
        progress.step(done.get() - last);
    }

    private static KafkaProducer<byte[], byte[]> producer(Properties client) {
        return KafkaClients.producer(client, 20, 262_144);
    }
}
