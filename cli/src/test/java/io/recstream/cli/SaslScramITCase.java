package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.Recommendation;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.jobs.testing.TestModels;
import io.recstream.kafka.embedded.EmbeddedKafka;
import io.recstream.training.SyntheticWorld;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything against a broker that requires SASL/SCRAM-SHA-256 (and, in {@link SaslScramTlsITCase},
 * TLS as well): {@code topics apply}, {@code generate} and the recommend job work with the right
 * credentials from a client properties file, fail at once with a clear error with wrong ones, and
 * the passwords never show in the logs (at INFO, where the Kafka clients print their whole
 * configuration), the error messages or the metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaslScramITCase {

    static final String APP_PASSWORD = "app-pass-7Qx2";
    static final String WRONG_PASSWORD = "wrong-pass-9Zk4";
    static final String PASSWORD_VARIABLE = "RECSTREAM_TEST_APP_PASSWORD";

    Path tmp;
    EmbeddedKafka kafka;
    private Path good;
    private Path bad;
    Path model;
    private final StringWriter captured = new StringWriter();
    private Appender capture;

    /** The broker under test: SASL/SCRAM over plain TCP. */
    EmbeddedKafka startBroker(Map<String, String> users) {
        return EmbeddedKafka.startWithScram(users);
    }

    /** Secrets besides the users' passwords that must never be printed. */
    List<String> otherSecrets() {
        return List.of();
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        Map<String, String> users = new LinkedHashMap<>();
        users.put("broker", "broker-pass-3Lm8");
        users.put("app", APP_PASSWORD);
        kafka = startBroker(users);
        good = properties("good.properties", "app", APP_PASSWORD);
        bad = properties("bad.properties", "app", WRONG_PASSWORD);
        model =
                TestModels.trainRecent(
                        tmp.resolve("model"), new SyntheticWorld(200, 6, 1.0, 0.85, 5L), 150, "s1");

        // Everything the Kafka clients, Flink and the jobs log at INFO, kept to be searched.
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        capture =
                WriterAppender.newBuilder()
                        .setName("sasl-capture")
                        .setTarget(captured)
                        .setLayout(PatternLayout.newBuilder().withPattern("%m%n%ex").build())
                        .build();
        capture.start();
        ctx.getConfiguration().getRootLogger().addAppender(capture, Level.INFO, null);
        Configurator.setLevel("org.apache.kafka.clients", Level.INFO);
        Configurator.setLevel("org.apache.kafka.common.config", Level.INFO);
        Configurator.setLevel("io.recstream", Level.INFO);
        ctx.updateLoggers();
    }

    @AfterAll
    void stop() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        if (capture != null) {
            ctx.getConfiguration().getRootLogger().removeAppender("sasl-capture");
            Configurator.setLevel("org.apache.kafka.clients", Level.WARN);
            Configurator.setLevel("org.apache.kafka.common.config", Level.WARN);
            ctx.updateLoggers();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    Path properties(String name, String user, String password) throws Exception {
        Properties p = new Properties();
        p.putAll(kafka.clientSecurityProperties(user, password));
        Path file = tmp.resolve(name);
        try (var out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        return file;
    }

    @Test
    void toolsAndJobsWorkWithTheRightCredentialsAndFailClearlyWithWrongOnes() throws Exception {
        String bootstrap = kafka.bootstrapServers();

        // topics apply
        Cli.Result wrong = topicsApply(bad);
        assertThat(wrong.exitCode()).as("topics apply, wrong password").isNotZero();
        assertThat(wrong.err()).contains("error: Kafka: ").containsIgnoringCase("authentication");
        Cli.Result right = topicsApply(good);
        assertThat(right.exitCode()).as("topics apply: %s", right.err()).isZero();
        try (Admin admin = Admin.create(clientProperties())) {
            assertThat(admin.listTopics().names().get())
                    .contains("interactions", "recommendations", "dead-letters");
        }

        // generate: live traffic into interactions, the password taken from the environment
        assertThat(System.getenv(PASSWORD_VARIABLE))
                .as("%s, set by the build for this test", PASSWORD_VARIABLE)
                .isEqualTo(APP_PASSWORD);
        Path fromEnvironment = propertiesFromEnvironment("env.properties", "app");
        assertThat(Files.readString(fromEnvironment)).doesNotContain(APP_PASSWORD);
        Cli.Result generated =
                Cli.run(
                        "generate",
                        "--bootstrap-servers",
                        bootstrap,
                        "--command-config",
                        fromEnvironment.toString(),
                        "--rate",
                        "300",
                        "--duration",
                        "4s");
        assertThat(generated.exitCode()).as("generate: %s", generated.err()).isZero();
        long sent = countRecords("interactions");
        assertThat(sent).as("interactions written").isGreaterThan(300);

        // the recommend job
        try (EmbeddedFlink flink = EmbeddedFlink.start(2)) {
            RecommendJobConfig wrongConfig =
                    RecommendJobConfig.fromArgs(
                            EmbeddedFlink.jobArgs(bootstrap, bad, model.toString(), "1s", 1));
            assertThatThrownBy(() -> flink.submitRecommend(wrongConfig))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refused the credentials in --command-config " + bad)
                    .hasMessageNotContaining(WRONG_PASSWORD);

            RecommendJobConfig config =
                    RecommendJobConfig.fromArgs(
                            EmbeddedFlink.jobArgs(
                                    bootstrap,
                                    good,
                                    model.toString(),
                                    "1s",
                                    1,
                                    "--starting-offsets",
                                    "earliest"));
            JobID job = flink.submitRecommend(config);
            try {
                // generate makes about one record in a hundred bad on purpose: dead-lettered
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                long recs = 0;
                long dead = 0;
                while (recs + dead < sent && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    recs = countRecords("recommendations");
                    dead = countRecords("dead-letters");
                }
                assertThat(recs + dead).as("every event answered or dead-lettered").isEqualTo(sent);
                assertThat(dead).isLessThan(sent / 20);
                Recommendation first =
                        JsonCodec.readRecommendation(
                                KafkaTestUtils.readCommittedUntil(
                                                clientProperties(),
                                                "recommendations",
                                                r -> !r.isEmpty(),
                                                Duration.ofMinutes(2))
                                        .get(0)
                                        .value());
                assertThat(first.getModelVersion()).isEqualTo("s1");
            } finally {
                flink.cancel(job);
            }
        }

        String scrape = Metrics.registry().scrape();
        String log = captured.toString();
        assertThat(log).as("the clients logged their configuration").contains("sasl.jaas.config");
        List<String> secrets = new java.util.ArrayList<>(List.of(APP_PASSWORD, WRONG_PASSWORD));
        secrets.addAll(otherSecrets());
        for (String secret : secrets) {
            assertThat(log).as("logs").doesNotContain(secret);
            assertThat(scrape).as("metrics").doesNotContain(secret);
            assertThat(
                            wrong.err()
                                    + wrong.out()
                                    + right.err()
                                    + right.out()
                                    + generated.err()
                                    + generated.out())
                    .as("command output")
                    .doesNotContain(secret);
        }
    }

    /**
     * Client properties whose password is {@code ${env:RECSTREAM_TEST_APP_PASSWORD}}, resolved by
     * the Kafka clients' {@code EnvVarConfigProvider}.
     */
    Path propertiesFromEnvironment(String name, String user) throws Exception {
        Properties p = new Properties();
        p.putAll(kafka.clientSecurityProperties(user, "${env:" + PASSWORD_VARIABLE + "}"));
        p.put("config.providers", "env");
        p.put(
                "config.providers.env.class",
                "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        Path file = tmp.resolve(name);
        try (var out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        return file;
    }

    Cli.Result topicsApply(Path commandConfig) {
        return Cli.run(
                "topics",
                "apply",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--command-config",
                commandConfig.toString(),
                "--timeout",
                "20s");
    }

    private Map<String, Object> clientProperties() {
        Map<String, Object> p = new HashMap<>(kafka.clientSecurityProperties("app", APP_PASSWORD));
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return p;
    }

    /** The records in {@code topic} read_committed (its end offsets also count commit markers). */
    private long countRecords(String topic) {
        Map<String, Object> p = clientProperties();
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long count = 0;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                count += c.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }
}
