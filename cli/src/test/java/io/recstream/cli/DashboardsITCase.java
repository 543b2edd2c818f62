package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards show data on a fresh, healthy system (no drift planted, so no alert fires: the
 * alert panels must show 0, not "No data"): the demo runs with both metrics endpoints on, a real
 * Prometheus (the Debian package; {@code .ci/run} installs it) scrapes them, and every PromQL
 * expression of every panel of every dashboard in dashboards/grafana must return at least one
 * series. A renamed metric breaks this test.
 */
class DashboardsITCase {

    private static final Path DASHBOARDS = Path.of("..", "dashboards", "grafana");
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String prometheusBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "prometheus");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Every (dashboard title, panel title, expr) of the dashboards. */
    private List<String[]> expressions() throws Exception {
        List<String[]> out = new ArrayList<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = json.readTree(f.toFile());
                for (JsonNode panel : d.get("panels")) {
                    for (JsonNode target : panel.get("targets")) {
                        out.add(
                                new String[] {
                                    d.get("title").asText(),
                                    panel.get("title").asText(),
                                    target.get("expr").asText()
                                });
                    }
                }
            }
        }
        return out;
    }

    private JsonNode query(int port, String expr) throws Exception {
        String url =
                "http://127.0.0.1:"
                        + port
                        + "/api/v1/query?query="
                        + URLEncoder.encode(expr, StandardCharsets.UTF_8);
        return json.readTree(
                http.send(
                                HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    @Test
    void everyPanelExpressionReturnsData(@TempDir Path dir) throws Exception {
        List<String[]> exprs = expressions();
        assertThat(exprs).hasSizeGreaterThan(20);
        String prometheus = prometheusBinary();
        assumeTrue(prometheus != null, "prometheus is not installed (.ci/run installs it)");

        int metricsPort = freePort();
        int flinkPort = freePort();
        int promPort = freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(
                config,
                """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: recstream
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                  - job_name: flink
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """
                        .formatted(metricsPort, flinkPort));
        AtomicInteger demoExit = new AtomicInteger(-1);
        Thread demo =
                new Thread(
                        () ->
                                demoExit.set(
                                        Main.run(
                                                "demo",
                                                "--duration",
                                                "40s",
                                                "--rate",
                                                "150",
                                                "--monitor-window",
                                                "10s",
                                                "--monitor-slide",
                                                "5s",
                                                "--horizon",
                                                "5s",
                                                "--work-dir",
                                                dir.resolve("work").toString(),
                                                "--metrics-port",
                                                Integer.toString(metricsPort),
                                                "--flink-metrics-port",
                                                Integer.toString(flinkPort))));
        demo.start();
        Process prom =
                new ProcessBuilder(
                                prometheus,
                                "--config.file=" + config,
                                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                                "--web.listen-address=127.0.0.1:" + promPort)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("prometheus.log").toFile())
                        .start();
        try {
            // Wait until every expression has data, or the demo is over.
            List<String> missing = new ArrayList<>();
            long deadline = System.nanoTime() + java.time.Duration.ofMinutes(4).toNanos();
            do {
                Thread.sleep(3_000);
                missing.clear();
                for (String[] e : exprs) {
                    try {
                        JsonNode r = query(promPort, e[2]);
                        if (!"success".equals(r.path("status").asText())
                                || r.path("data").path("result").isEmpty()) {
                            missing.add(e[0] + " / " + e[1] + ": " + e[2]);
                        }
                    } catch (java.io.IOException notUpYet) {
                        missing.add(e[0] + " / " + e[1] + ": " + e[2] + " (prometheus not up)");
                    }
                }
            } while (!missing.isEmpty() && demo.isAlive() && System.nanoTime() < deadline);
            assertThat(missing).as("panel expressions without data").isEmpty();
        } finally {
            prom.destroy();
            demo.join(java.time.Duration.ofMinutes(3).toMillis());
        }
        assertThat(demoExit.get()).isZero();
    }
}
