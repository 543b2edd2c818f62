package io.recstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recstream.jobs.testing.TestModels;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.CompressionType;

class RecommendJobConfigTest {

    @TempDir static Path tmp;
    private static String model;

    @BeforeAll
    static void bundle() throws Exception {
        SyntheticWorld world = new SyntheticWorld(40, 4, 1.0, 0.8, 1L);
        Path dir =
                TestModels.train(
                        tmp.resolve("m"),
                        world,
                        30,
                        1_000,
                        0,
                        1_000_000,
                        Trainer.Options.defaults().withDimensions(4));
        model = dir.toString();
    }

    @Test
    void defaultsComeFromTheOptionsAndTheModelCard() {
        RecommendJobConfig c =
                RecommendJobConfig.fromArgs("--bootstrap-servers", "h:9092", "--model", model);
        assertThat(c.interactionsTopic).isEqualTo("interactions");
        assertThat(c.serving.maxHistory()).isEqualTo(20);
        assertThat(c.serving.k()).isEqualTo(10);
        assertThat(c.stateTtl).isEqualTo(c.serving.historyWindow());
        assertThat(c.transactionTimeout).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.kafkaClientProperties().getProperty("bootstrap.servers")).isEqualTo("h:9092");
        assertThat(c.exactlyOnce).as("exactly once unless asked otherwise").isTrue();
        assertThat(c.bufferTimeout).isEqualTo(Duration.ofMillis(10));
        assertThat(c.metricsPort).isNull();
    }

    @Test
    void deliveryGuaranteeAndMetricsPortsAreParsedAndBadOnesNamed() {
        RecommendJobConfig alo =
                RecommendJobConfig.fromArgs(
                        "--bootstrap-servers",
                        "h:9092",
                        "--model",
                        model,
                        "--delivery-guarantee",
                        "at-least-once",
                        "--metrics.port",
                        "9249-9251");
        assertThat(alo.exactlyOnce).isFalse();
        assertThat(alo.metricsPort).isEqualTo(new io.recstream.jobs.metrics.PortRange(9249, 9251));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                RecommendJobConfig.fromArgs(
                                        "--bootstrap-servers",
                                        "h:9092",
                                        "--model",
                                        model,
                                        "--delivery-guarantee",
                                        "at-most-once"))
                .hasMessageContaining("--delivery-guarantee")
                .hasMessageContaining("'at-most-once'");
    }

    @Test
    void flagsOverrideTheYamlFile() throws Exception {
        Path yaml = tmp.resolve("job.yaml");
        Files.writeString(
                yaml, "bootstrap-servers: a:1\nrecommend.k: 5\ninference.batch-size: 16\n");
        RecommendJobConfig c =
                RecommendJobConfig.fromArgs(
                        "--config", yaml.toString(), "--model", model, "--inference.batch-size=32");
        assertThat(c.bootstrapServers).isEqualTo("a:1");
        assertThat(c.serving.k()).isEqualTo(5);
        assertThat(c.batchSize).isEqualTo(32);
    }

    @Test
    void errorsNameTheOption() {
        assertThatThrownBy(() -> RecommendJobConfig.fromArgs("--model", model))
                .hasMessage("--bootstrap-servers is required");
        assertThatThrownBy(
                        () ->
                                RecommendJobConfig.fromArgs(
                                        "--bootstrap-servers",
                                        "h:1",
                                        "--model",
                                        model,
                                        "--inference.batch-sise",
                                        "3"))
                .hasMessageContaining("unknown option --inference.batch-sise")
                .hasMessageContaining("did you mean --inference.batch-size");
        assertThatThrownBy(
                        () ->
                                RecommendJobConfig.fromArgs(
                                        "--bootstrap-servers",
                                        "h:1",
                                        "--model",
                                        model,
                                        "--inference.deadline",
                                        "soon"))
                .hasMessageContaining("--inference.deadline");
        assertThatThrownBy(
                        () ->
                                RecommendJobConfig.fromArgs(
                                        "--bootstrap-servers",
                                        "h:1",
                                        "--model",
                                        model,
                                        "--checkpoint-interval",
                                        "10m",
                                        "--transaction-timeout",
                                        "5m"))
                .hasMessageContaining("--transaction-timeout");
        assertThatThrownBy(
                        () ->
                                RecommendJobConfig.fromArgs(
                                        "--bootstrap-servers",
                                        "h:1",
                                        "--model",
                                        tmp.resolve("none").toString()))
                .hasMessageContaining("not a directory");
        assertThatThrownBy(
                        () ->
                                RecommendJobConfig.fromArgs(
                                        "--bootstrap-servers",
                                        "h:1",
                                        "--model",
                                        model,
                                        "--starting-offsets",
                                        "middle"))
                .hasMessageContaining("--starting-offsets");
        assertThatThrownBy(
                        () ->
                                RecommendJobConfig.fromArgs(
                                        "--bootstrap-servers",
                                        "h:1",
                                        "--model",
                                        model,
                                        "--popularity.window",
                                        "1h",
                                        "--popularity.slide",
                                        "7m"))
                .hasMessageContaining("--popularity.window");
    }

    @Test
    void flinkConfPairsReachTheJobsConfigurationAndBadOnesAreNamed() {
        RecommendJobConfig c =
                withFlinkConf(
                        "state.backend.rocksdb.timer-service.factory=HEAP; pipeline.name = x=y");
        assertThat(c.flinkConf)
                .containsExactly(
                        java.util.Map.entry("state.backend.rocksdb.timer-service.factory", "HEAP"),
                        java.util.Map.entry("pipeline.name", "x=y"));
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                        .getExecutionEnvironment();
        JobSetup.configure(env, c);
        assertThat(
                        env.getConfiguration()
                                .toMap()
                                .get("state.backend.rocksdb.timer-service.factory"))
                .isEqualTo("HEAP");

        assertThatThrownBy(() -> withFlinkConf("a=1;=2"))
                .hasMessageContaining("--flink-conf: '=2' is not KEY=VALUE");
    }

    @Test
    void anEscapedSemicolonStaysInsideItsValue() {
        RecommendJobConfig c =
                withFlinkConf("pipeline.classpaths=file:/a.jar\\;file:/b.jar;pipeline.name=x\\;y");
        assertThat(c.flinkConf)
                .containsExactly(
                        java.util.Map.entry("pipeline.classpaths", "file:/a.jar;file:/b.jar"),
                        java.util.Map.entry("pipeline.name", "x;y"));
        assertThat(configured(c).get(org.apache.flink.configuration.PipelineOptions.CLASSPATHS))
                .containsExactly("file:/a.jar", "file:/b.jar");
    }

    @Test
    void rocksDbDefaultsAreSetAndFlinkConfOverridesThem() {
        org.apache.flink.configuration.ReadableConfig defaults =
                configured(
                        RecommendJobConfig.fromArgs(
                                "--bootstrap-servers", "h:9092", "--model", model));
        assertThat(defaults.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL))
                .containsExactly(
                        CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION);
        assertThat(defaults.get(RocksDBConfigurableOptions.MAX_BACKGROUND_THREADS)).isEqualTo(8);
        assertThat(defaults.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE))
                .isEqualTo(org.apache.flink.configuration.MemorySize.ofMebiBytes(4));

        org.apache.flink.configuration.ReadableConfig overridden =
                configured(
                        withFlinkConf(
                                "state.backend.rocksdb.compression.per.level=[LZ4_COMPRESSION,"
                                        + " ZSTD_COMPRESSION]; state.backend.rocksdb.thread.num=2;"
                                        + " state.backend.rocksdb.writebuffer.size=64mb"));
        assertThat(overridden.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL))
                .containsExactly(CompressionType.LZ4_COMPRESSION, CompressionType.ZSTD_COMPRESSION);
        assertThat(overridden.get(RocksDBConfigurableOptions.MAX_BACKGROUND_THREADS)).isEqualTo(2);
        assertThat(overridden.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE))
                .isEqualTo(org.apache.flink.configuration.MemorySize.ofMebiBytes(64));
    }

    @Test
    void objectReuseIsOnByDefaultAndFlinkConfTurnsItOff() {
        assertThat(
                        environment(
                                        RecommendJobConfig.fromArgs(
                                                "--bootstrap-servers", "h:9092", "--model", model))
                                .getConfig()
                                .isObjectReuseEnabled())
                .isTrue();
        assertThat(
                        environment(withFlinkConf("pipeline.object-reuse=false"))
                                .getConfig()
                                .isObjectReuseEnabled())
                .isFalse();
    }

    private static org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
            environment(RecommendJobConfig c) {
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                        .getExecutionEnvironment();
        JobSetup.configure(env, c);
        return env;
    }

    private static org.apache.flink.configuration.ReadableConfig configured(RecommendJobConfig c) {
        return environment(c).getConfiguration();
    }

    private static RecommendJobConfig withFlinkConf(String pairs) {
        return RecommendJobConfig.fromArgs(
                "--bootstrap-servers", "h:9092", "--model", model, "--flink-conf", pairs);
    }
}
