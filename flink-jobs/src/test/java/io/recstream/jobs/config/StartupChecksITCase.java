package io.recstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recstream.jobs.recommend.RecommendJob;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestModels;
import io.recstream.kafka.embedded.EmbeddedKafka;
import io.recstream.model.InvalidModelBundleException;
import io.recstream.model.ModelBundle;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up guards against a real broker whose {@code transaction.max.timeout.ms} is 1 minute:
 * each bad setting fails before anything is submitted, with a message naming the option and the
 * fix, and the good settings pass.
 */
class StartupChecksITCase {

    @TempDir static Path tmp;
    private static EmbeddedKafka kafka;
    private static String model;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(null, Map.of("transaction.max.timeout.ms", "60000"));
        KafkaTestUtils.createTopics(kafka.bootstrapServers(), 1, "startup-out");
        model =
                TestModels.train(
                                tmp.resolve("m"),
                                new SyntheticWorld(40, 4, 1.0, 0.8, 1L),
                                30,
                                1_000,
                                0,
                                1_000_000,
                                Trainer.Options.defaults().withDimensions(4))
                        .toString();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static RecommendJobConfig config(String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "--model",
                                model,
                                "--checkpoint-interval",
                                "1s",
                                "--transaction-timeout",
                                "1m"));
        args.addAll(List.of(extra));
        return RecommendJobConfig.fromArgs(args.toArray(String[]::new));
    }

    private static void verify(RecommendJobConfig config) {
        StartupChecks.verify(config, new Configuration(), false, RecommendJob.SINK_NAMES);
    }

    @Test
    void transactionTimeoutAboveTheBrokersMaximumIsRefusedAtStartup() {
        assertThatCode(() -> verify(config())).doesNotThrowAnyException();
        assertThatThrownBy(() -> verify(config("--transaction-timeout", "2m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--transaction-timeout 2m")
                .hasMessageContaining("transaction.max.timeout.ms (1m)");
        // at-least-once writes no transactions: nothing to check
        assertThatCode(
                        () ->
                                verify(
                                        config(
                                                "--transaction-timeout",
                                                "2m",
                                                "--delivery-guarantee",
                                                "at-least-once")))
                .doesNotThrowAnyException();
    }

    @Test
    void theJobsMainRunsTheChecksBeforeSubmitting() {
        assertThatThrownBy(
                        () ->
                                RecommendJob.main(
                                        new String[] {
                                            "--bootstrap-servers",
                                            kafka.bootstrapServers(),
                                            "--model",
                                            model,
                                            "--transaction-timeout",
                                            "20m"
                                        }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--transaction-timeout 20m");
    }

    @Test
    void aBrokenModelBundleFailsAtStartupNamingTheFile() throws Exception {
        Path corrupt = copyOfModel("corrupt");
        Files.write(corrupt.resolve("model.onnx"), new byte[] {8, 1, 18, 3, 0, 0});
        assertThatThrownBy(() -> startRecommendJob(corrupt))
                .isInstanceOf(InvalidModelBundleException.class)
                .hasMessageContaining(corrupt.resolve("model.onnx").toString())
                .hasMessageContaining("ONNX Runtime cannot load it");

        Path missing = copyOfModel("missing");
        Files.delete(missing.resolve("vocabulary.json"));
        assertThatThrownBy(() -> startRecommendJob(missing))
                .isInstanceOf(InvalidModelBundleException.class)
                .hasMessageContaining("missing vocabulary.json");

        // The model of another training run (another catalog) dropped into this bundle.
        Path other =
                TestModels.train(
                        tmp.resolve("other"),
                        new SyntheticWorld(55, 4, 1.0, 0.8, 2L),
                        30,
                        1_000,
                        0,
                        1_000_000,
                        Trainer.Options.defaults()
                                .withDimensions(4)
                                .withVersion(ModelBundle.load(Path.of(model)).version(), true));
        Path swapped = copyOfModel("swapped");
        Files.copy(
                other.resolve("model.onnx"),
                swapped.resolve("model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> startRecommendJob(swapped))
                .isInstanceOf(InvalidModelBundleException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("items but vocabulary.json has");
    }

    private static Path copyOfModel(String name) throws Exception {
        Path copy = Files.createDirectories(tmp.resolve("bundle-" + name));
        try (var files = Files.list(Path.of(model))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static void startRecommendJob(Path bundle) throws Exception {
        RecommendJob.main(
                new String[] {
                    "--bootstrap-servers", kafka.bootstrapServers(), "--model", bundle.toString()
                });
    }

    @Test
    void checkpointIntervalLongerThanTheTransactionTimeoutIsRefused() {
        assertThatThrownBy(() -> config("--checkpoint-interval", "45s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--transaction-timeout (PT1M)")
                .hasMessageContaining("--checkpoint-interval (PT45S)");
    }

    @Test
    void checkpointStorageMustBeDurableOnAClusterAndUsable() throws Exception {
        Configuration none = new Configuration();
        assertThatThrownBy(() -> StartupChecks.checkpointStorage(config(), none, true))
                .hasMessageContaining("no checkpoint storage")
                .hasMessageContaining("--checkpoint-storage")
                .hasMessageContaining("execution.checkpointing.dir");
        assertThatCode(() -> StartupChecks.checkpointStorage(config(), none, false))
                .as("the embedded default keeps checkpoints in its own memory")
                .doesNotThrowAnyException();
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.toUri().toString());
        assertThatCode(() -> StartupChecks.checkpointStorage(config(), cluster, true))
                .as("the cluster's own checkpoint directory")
                .doesNotThrowAnyException();

        assertThatThrownBy(
                        () ->
                                StartupChecks.checkpointStorage(
                                        config("--checkpoint-storage", "relative/dir"), none, true))
                .hasMessageContaining("--checkpoint-storage 'relative/dir' has no scheme");
        assertThatThrownBy(
                        () ->
                                StartupChecks.checkpointStorage(
                                        config("--checkpoint-storage", "nosuchfs://bucket/cp"),
                                        none,
                                        true))
                .hasMessageContaining("no file system for scheme 'nosuchfs'");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(
                        () ->
                                StartupChecks.checkpointStorage(
                                        config("--checkpoint-storage", file.toUri().toString()),
                                        none,
                                        true))
                .hasMessageContaining("is not a writable directory");
        assertThatCode(
                        () ->
                                StartupChecks.checkpointStorage(
                                        config(
                                                "--checkpoint-storage",
                                                tmp.resolve("cp").toUri().toString()),
                                        none,
                                        true))
                .doesNotThrowAnyException();
    }

    @Test
    void aPrefixUsedByAnotherKindOfJobIsRefused() throws Exception {
        try (KafkaProducer<byte[], byte[]> other = openTransaction("shared-alerts-0-1")) {
            assertThatThrownBy(() -> verify(config("--transactional-id-prefix", "shared")))
                    .hasMessageContaining("--transactional-id-prefix shared is in use")
                    .hasMessageContaining("shared-alerts-0-1");
            assertThatCode(() -> verify(config("--transactional-id-prefix", "mine")))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aPrefixALiveJobWritesUnderIsRefusedAndAStoppedJobsIsNot() throws Exception {
        // A stopped job's transaction stays open until it times out: not a live writer.
        try (KafkaProducer<byte[], byte[]> stale = openTransaction("stopped-recs-0-7")) {
            assertThatCode(() -> verify(config("--transactional-id-prefix", "stopped")))
                    .doesNotThrowAnyException();
        }
        // A live job with traffic, as Flink's exactly-once sink writes: at each checkpoint a new
        // transactional id opens its transaction with the next records, then the previous
        // transaction commits.
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> writerErrors = new ArrayList<>();
        Thread live =
                new Thread(
                        () -> {
                            KafkaProducer<byte[], byte[]> current =
                                    openTransaction("live-recs-0-1");
                            try {
                                for (int checkpoint = 2; running.get(); checkpoint++) {
                                    Thread.sleep(300);
                                    KafkaProducer<byte[], byte[]> next =
                                            openTransaction("live-recs-0-" + checkpoint);
                                    current.commitTransaction();
                                    current.close();
                                    current = next;
                                }
                                current.commitTransaction();
                            } catch (Throwable t) {
                                writerErrors.add(t);
                            } finally {
                                current.close();
                            }
                        });
        live.start();
        try {
            Thread.sleep(1_500);
            assertThatThrownBy(() -> verify(config("--transactional-id-prefix", "live")))
                    .hasMessageContaining("--transactional-id-prefix live is in use")
                    .hasMessageContaining("opened while this job started");
        } finally {
            running.set(false);
            live.join();
        }
        assertThat(writerErrors).isEmpty();
    }

    /** A transactional producer with one record sent in an open transaction. */
    private static KafkaProducer<byte[], byte[]> openTransaction(String transactionalId) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty("transactional.id", transactionalId);
        p.setProperty("transaction.timeout.ms", "60000");
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("startup-out", new byte[] {1}));
        producer.flush();
        return producer;
    }
}
