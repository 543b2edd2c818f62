package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
