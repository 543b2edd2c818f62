package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recstream bench} rejects bad options before it measures anything. */
class BenchOptionsTest {

    @Test
    void anUnknownSectionIsNamedWithTheKnownOnes() {
        Cli.Result r = Cli.run("bench", "--only", "e2e,latncy");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("--only: unknown section 'latncy'")
                .contains("scoring, kafka, e2e, batch1, latency, monitor, state");
    }

    @Test
    void aBatchSizeOutOfRangeIsNamed() {
        Cli.Result r = Cli.run("bench", "--batch-size", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--batch-size must be in [1, 4096]");
    }

    @Test
    void aFlinkConfPairWithoutAnEqualsSignIsNamedBeforeAnythingRuns() {
        Cli.Result r = Cli.run("bench", "--flink-conf", "a=1;oops");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--flink-conf: 'oops' is not KEY=VALUE");
    }

    @Test
    void anUnreadableKafkaPropertiesFileIsNamedBeforeAnythingRuns() {
        // the option's name, and its old name still accepted for a release
        for (String option : java.util.List.of("--command-config", "--kafka-properties")) {
            Cli.Result r = Cli.run("bench", option, "/no/such/client.properties");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err())
                    .contains("error: --command-config /no/such/client.properties: no such file");
        }
    }

    @Test
    void kafkaSettingsAreRecordedWithoutTheirSecrets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file,
                "fetch.min.bytes=32768\n"
                        + "ssl.truststore.password=changeit\n"
                        + "fetch.max.wait.ms=10\n");
        assertThat(io.recstream.cli.bench.BenchCommand.describe(file))
                .isEqualTo(
                        "fetch.max.wait.ms=10, fetch.min.bytes=32768,"
                                + " ssl.truststore.password=(hidden)");
    }

    @Test
    void aLatencyRateBelowOneHundredIsNamed() {
        Cli.Result r = Cli.run("bench", "--latency-rate", "50");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--latency-rate must be at least 100, got 50.0");
    }

    @Test
    void aWarmUpThatIsNotAPositiveDurationIsNamed() {
        Cli.Result zero = Cli.run("bench", "--warm-up", "0s");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--warm-up: must be > 0, got 0s");
        Cli.Result bad = Cli.run("bench", "--warm-up", "a minute");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--warm-up");
    }
}
