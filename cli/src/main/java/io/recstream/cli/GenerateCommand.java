package io.recstream.cli;

import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.topics.TopicCatalog;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.TrainingEvent;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recstream generate}: the demo's synthetic world on its own, for clusters the jobs already
 * run on. {@code --history DIR} writes a history as CSV for {@code train}; {@code
 * --bootstrap-servers} sends live interactions and the feedback users give on the recommendations
 * they receive.
 */
@Command(
        name = "generate",
        description =
                "Generate synthetic traffic: a history as CSV (--history DIR) for train, or live"
                        + " interactions and feedback to a Kafka cluster (--bootstrap-servers).")
public final class GenerateCommand implements Callable<Integer> {

    @Option(
            names = "--history",
            description = "write interactions.csv and items.csv of a generated history here")
    Path history;

    @Option(names = "--bootstrap-servers", description = "send live traffic to this Kafka cluster")
    String bootstrapServers;

    @InputPath
    @Option(names = "--command-config", description = "client properties file (security settings)")
    Path commandConfig;

    @Option(
            names = "--rate",
            defaultValue = "200",
            description = "live events per second (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", description = "stop after this long (default: run until stopped)")
    String duration;

    @Option(
            names = "--horizon",
            defaultValue = "30m",
            description = "feedback arrives within this horizon (default: ${DEFAULT-VALUE})")
    String horizon;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description =
                    "random seed; the same seed gives the same world as demo (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if ((history == null) == (bootstrapServers == null)) {
            throw new IllegalArgumentException(
                    "give exactly one of --history DIR or --bootstrap-servers H:P");
        }
        if (bootstrapServers != null) {
            KafkaReachability.require(
                    KafkaClients.properties(bootstrapServers, commandConfig), "--command-config");
        }
        SyntheticWorld world = SyntheticWorld.demo(seed);
        long now = System.currentTimeMillis();
        List<TrainingEvent> events =
                world.history(3_000, 120_000, now - Duration.ofHours(6).toMillis(), now - 60_000);
        if (history != null) {
            writeHistory(world, events);
            return 0;
        }
        return live(world);
    }

    private void writeHistory(SyntheticWorld world, List<TrainingEvent> events) throws Exception {
        Files.createDirectories(history);
        try (BufferedWriter w = Files.newBufferedWriter(history.resolve("interactions.csv"))) {
            w.write("user,item,timestamp\n");
            for (TrainingEvent e : events) {
                w.write(e.userId() + "," + e.itemId() + "," + e.time() + "\n");
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(history.resolve("items.csv"))) {
            w.write("item,categories\n");
            for (Map.Entry<String, List<String>> e : world.itemCategories().entrySet()) {
                w.write(e.getKey() + "," + String.join("|", e.getValue()) + "\n");
            }
        }
        System.out.printf(
                "wrote %,d interactions and %,d items to %s%n",
                events.size(), world.itemCategories().size(), history);
    }

    private int live(SyntheticWorld world) throws Exception {
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be >= 1, got " + rate);
        }
        long end =
                duration == null
                        ? Long.MAX_VALUE
                        : System.currentTimeMillis()
                                + Durations.parse(duration, "--duration").toMillis();
        Properties client = KafkaClients.properties(bootstrapServers, commandConfig);
        DelayQueue<DueFeedback> feedback = new DelayQueue<>();
        FeedbackModel model =
                new FeedbackModel(world, seed, Durations.parse(horizon, "--horizon").toMillis());
        Generator generator =
                new Generator(
                        world, 0.02, 0.01, "gen-" + Long.toString(System.currentTimeMillis(), 36));
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> error = new AtomicReference<>();
        Properties p = KafkaClients.producerProperties(client, 5, 0);
        try (CommittedReader recs =
                        new CommittedReader(
                                client,
                                TopicCatalog.RECOMMENDATIONS,
                                r -> {
                                    Recommendation rec = JsonCodec.readRecommendation(r.value());
                                    if (rec.getRequestKey().startsWith("gen-")) {
                                        model.respond(rec, feedback);
                                    }
                                });
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long started = System.currentTimeMillis();
            long nextReport = started + 10_000;
            long count = 0;
            while (System.currentTimeMillis() < end && error.get() == null) {
                long t = System.currentTimeMillis();
                long due = (t - started) * rate / 1000;
                while (count < due) {
                    Generator.Event e = generator.next(t, null);
                    producer.send(
                            new ProducerRecord<>(
                                    TopicCatalog.INTERACTIONS,
                                    e.key() == null
                                            ? null
                                            : e.key()
                                                    .getBytes(
                                                            java.nio.charset.StandardCharsets
                                                                    .UTF_8),
                                    e.value()),
                            (md, ex) -> {
                                if (ex != null) {
                                    error.compareAndSet(null, ex);
                                }
                            });
                    count++;
                }
                for (var f = feedback.poll(); f != null; f = feedback.poll()) {
                    producer.send(
                            new ProducerRecord<>(
                                    TopicCatalog.FEEDBACK,
                                    f.feedback()
                                            .getUserId()
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                    JsonCodec.feedback(f.feedback())));
                    sent.incrementAndGet();
                }
                if (t >= nextReport) {
                    System.out.printf(
                            "[%5ds] interactions %,d | recommendations seen %,d | feedback %,d%n",
                            (t - started) / 1000, count, recs.count(), sent.get());
                    nextReport += 10_000;
                }
                Thread.sleep(5);
            }
            producer.flush();
        }
        if (error.get() != null) {
            throw new IllegalStateException(
                    "sending failed: " + error.get().getMessage(), error.get());
        }
        return 0;
    }
}
