package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recstream.testing.OnnxTelemetryFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recstream bench --quick} runs every measurement and writes every figure, and ONNX
 * Runtime's telemetry stays off in it and its JMH forks.
 */
class BenchCommandITCase {

    private static final List<String> REQUIRED =
            List.of(
                    "scoring_users_per_s",
                    "scoring_gflops",
                    "gemm_peak_gflops",
                    "e2e_events_per_s",
                    "e2e_to_scoring_ratio",
                    "microbatch_speedup",
                    "kafka_consume_per_s",
                    "latency_ms_p50_alo",
                    "latency_ms_p99_alo",
                    "latency_ms_p99_eo",
                    "monitor_records_per_s",
                    "state_bytes_per_user",
                    "rss_mb");

    @Test
    void quickRunMeasuresEverythingAndWritesTheJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        Set<Path> telemetryBefore = OnnxTelemetryFiles.present();
        Cli.Result r =
                Cli.run(
                        "bench",
                        "--quick",
                        "--json",
                        json.toString(),
                        "--work-dir",
                        dir.resolve("work").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(OnnxTelemetryFiles.newSince(telemetryBefore))
                .as("ONNX Runtime telemetry started in the bench or one of its JMH forks")
                .isEmpty();
        assertThat(r.out()).contains("target").contains("e2e events/s (N=10k, EO)");

        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        assertThat(figures.at("/context/mode").asText()).isEqualTo("quick");
        for (String name : REQUIRED) {
            JsonNode f = figures.get(name);
            assertThat(f).as(name).isNotNull();
            assertThat(f.get("value").isNumber()).as(name + " is a number").isTrue();
            assertThat(f.get("value").asDouble()).as(name).isPositive();
            assertThat(f.get("conditions").asText()).as(name + " conditions").isNotBlank();
        }
        double e2e = figures.at("/e2e_events_per_s/value").asDouble();
        assertThat(figures.at("/e2e_to_scoring_ratio/value").asDouble())
                .isCloseTo(
                        e2e / figures.at("/scoring_users_per_s/value").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(figures.at("/e2e_events_per_s/conditions").asText())
                .as("the run's output was checked read_committed")
                .contains("30000 recommendations verified read_committed, no duplicates");
        assertThat(figures.at("/scoring_gflops/value").asDouble())
                .as("2·N·D flops per user")
                .isCloseTo(
                        figures.at("/scoring_users_per_s/value").asDouble() * 2 * 10_000 * 64 / 1e9,
                        org.assertj.core.data.Offset.offset(1e-6));
        // The checkpoint files are compressed, so bytes per user may be below the raw value
        // size; what the figure was measured over is checked by reading the checkpoint back.
        assertThat(figures.at("/state_users_read_back/value").asLong())
                .as("every user's history is in the measured checkpoint")
                .isEqualTo(20_000);
        assertThat(figures.at("/state_bytes_per_user/conditions").asText())
                .contains("20,000 users, 400,000 items, 20,000 users with all 20")
                .doesNotContain("INCOMPLETE");
        assertThat(figures.at("/latency_ms_p99_alo/value").asDouble())
                .isGreaterThanOrEqualTo(figures.at("/latency_ms_p50_alo/value").asDouble());
    }
}
