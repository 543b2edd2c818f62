package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak (in {@code ./mvnw -B verify -Preliability}): the recommend job, exactly once, at half
 * its sustained rate for 10 minutes ({@code -Drecstream.soak.duration} changes it), through {@code
 * ./recstream bench --only soak}. Prints the figures, then checks them: no failed checkpoint, the
 * job never more than 10 s of input behind and caught up at the end (every event sent was
 * recommended), live heap and resident memory flat between the first and the last third of the run,
 * and checkpoints not getting slower.
 */
@Tag("reliability")
class SoakLongITCase {

    @Test
    void halfTheSustainedRateForTenMinutesStaysFlat(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("soak.json");
        Cli.Result run =
                Cli.run(
                        "bench",
                        "--quick",
                        "--only",
                        "soak",
                        "--soak-duration",
                        System.getProperty("recstream.soak.duration", "10m"),
                        "--work-dir",
                        dir.resolve("work").toString(),
                        "--json",
                        json.toString());
        System.out.println(run.err());
        System.out.println(run.out());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode f = new ObjectMapper().readTree(json.toFile());

        assertThat(value(f, "soak_checkpoints_failed")).isZero();
        assertThat(value(f, "soak_checkpoints_completed")).isGreaterThan(10);
        assertThat(value(f, "soak_lag_max_s")).as("lag bounded").isLessThanOrEqualTo(10);
        assertThat(value(f, "soak_lag_end_events")).as("every event sent was recommended").isZero();
        assertThat(value(f, "soak_heap_mb_last_third"))
                .as("live heap flat")
                .isLessThanOrEqualTo(value(f, "soak_heap_mb_first_third") * 1.5 + 32);
        assertThat(value(f, "soak_rss_mb_last_third"))
                .as("resident memory flat")
                .isLessThanOrEqualTo(value(f, "soak_rss_mb_first_third") * 1.3 + 64);
        assertThat(value(f, "soak_checkpoint_ms_p50_second_half"))
                .as("checkpoints not getting slower")
                .isLessThanOrEqualTo(
                        Math.max(3 * value(f, "soak_checkpoint_ms_p50_first_half"), 2_000));
    }

    private static double value(JsonNode figures, String name) {
        JsonNode n = figures.path(name).path("value");
        assertThat(n.isNumber()).as(name + " in the JSON").isTrue();
        return n.asDouble();
    }
}
