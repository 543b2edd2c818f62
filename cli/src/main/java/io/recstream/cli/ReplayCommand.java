package io.recstream.cli;

import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.events.InteractionType;
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
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code recstream replay}: feeds recorded interactions, in event-time order, through Kafka and the
 * recommend job, and writes every recommendation (read_committed) to a JSON-lines file.
 */
@Command(
        name = "replay",
        description =
                "Replay recorded interactions at or after --from through Kafka and the recommend job;"
                        + " write each recommendation as a JSON line. The request key of each line is"
                        + " <interactions file name>:<line number> of the interaction it answers"
                        + " (the header is line 1).")
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--interactions", required = true, description = "interactions CSV")
    Path interactions;

    @Option(
            names = "--items",
            description =
                    "items CSV (accepted for symmetry with train; the model bundle carries the categories)")
    Path items;

    @Option(names = "--model", required = true, description = "model bundle directory")
    Path model;

    @Option(
            names = "--from",
            description =
                    "replay interactions at or after this time (default: the model's training cut-off)")
    String from;

    @Option(names = "--until", description = "replay interactions before this time (default: all)")
    String until;

    @Option(
            names = "--out",
            required = true,
            description = "JSON-lines file to write the recommendations to")
    Path out;

    @Mixin InputOptions input;

    @Option(
            names = "--bootstrap-servers",
            description = "use this Kafka cluster instead of the embedded broker")
    String bootstrapServers;

    @Option(
            names = "--command-config",
            description = "client properties file for --bootstrap-servers")
    Path commandConfig;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "job parallelism (default: ${DEFAULT-VALUE})")
    int parallelism;

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
        ModelBundle bundle = ModelBundle.load(model);
        CsvInput csv = input.toCsvInput();
        long fromTime =
                from != null ? TimeParsing.parseInstant(from, "--from") : bundle.card().dataUntil();
        long untilTime =
                until != null ? TimeParsing.parseInstant(until, "--until") : Long.MAX_VALUE;
        System.out.printf("reading %s ...%n", interactions);
        List<TrainingEvent> events = new ArrayList<>();
        for (TrainingEvent e : csv.readInteractions(interactions)) {
            if (e.time() >= fromTime && e.time() < untilTime) {
                events.add(e);
            }
        }
        events.sort(Comparator.comparingLong(TrainingEvent::time));
        if (events.isEmpty()) {
            throw new IllegalArgumentException(
                    "no interactions at or after --from " + TimeParsing.format(fromTime));
        }
        System.out.printf(
                "replaying %,d interactions %s .. %s with model %s%n",
                events.size(),
                TimeParsing.format(events.get(0).time()),
                TimeParsing.format(events.get(events.size() - 1).time()),
                bundle.version());

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
            return replay(events, bundle, bootstrap, client);
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private int replay(
            List<TrainingEvent> events, ModelBundle bundle, String bootstrap, Properties client)
            throws Exception {
        String run = "recstream-replay-" + System.currentTimeMillis();
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                bootstrap,
                                "--model",
                                bundle.directory().toString(),
                                "--checkpoint-interval",
                                "1s",
                                "--transaction-timeout",
                                "5m",
                                "--parallelism",
                                Integer.toString(parallelism),
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
                                "30d"));
        if (commandConfig != null) {
            args.addAll(List.of("--kafka-properties", commandConfig.toString()));
        }
        RecommendJobConfig config = RecommendJobConfig.fromArgs(args.toArray(String[]::new));
        Set<String> pending = ConcurrentHashMap.newKeySet();
        events.forEach(e -> pending.add(e.key()));
        AtomicLong written = new AtomicLong();
        AtomicReference<Exception> sendError = new AtomicReference<>();
        long started = System.nanoTime();
        JobClient job = EmbeddedJob.start(config, parallelism);
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
                KafkaProducer<byte[], byte[]> producer = producer(client)) {
            Progress produced = new Progress("produced", events.size());
            for (TrainingEvent e : events) {
                byte[] json =
                        JsonCodec.interaction(
                                new Interaction(
                                        e.key(),
                                        e.userId(),
                                        e.itemId(),
                                        Double.isNaN(e.value())
                                                ? InteractionType.VIEW
                                                : InteractionType.RATING,
                                        Double.isNaN(e.value()) ? null : e.value(),
                                        e.time()));
                producer.send(
                        new ProducerRecord<>(
                                config.interactionsTopic,
                                e.userId().getBytes(StandardCharsets.UTF_8),
                                json),
                        (md, ex) -> {
                            if (ex != null) {
                                sendError.compareAndSet(null, ex);
                            }
                        });
                produced.step(1);
            }
            producer.flush();
            produced.done();
            if (sendError.get() != null) {
                throw new IllegalStateException("sending interactions failed", sendError.get());
            }
            Progress consumed = new Progress("recommendations", events.size());
            long lastProgress = 0;
            long idleSince = System.nanoTime();
            while (written.get() < events.size()) {
                long w = written.get();
                if (w != lastProgress) {
                    consumed.step(w - lastProgress);
                    lastProgress = w;
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > Duration.ofMinutes(2).toNanos()) {
                    throw new IllegalStateException(
                            "no recommendations for 2 minutes; "
                                    + w
                                    + " of "
                                    + events.size()
                                    + " written");
                }
                Thread.sleep(200);
            }
            consumed.step(written.get() - lastProgress);
            consumed.done();
        } finally {
            job.cancel().get();
        }
        System.out.printf(
                "wrote %,d recommendations to %s in %.1f s%n",
                written.get(), out, (System.nanoTime() - started) / 1e9);
        return 0;
    }

    private static KafkaProducer<byte[], byte[]> producer(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "20");
        p.put("batch.size", "262144");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
