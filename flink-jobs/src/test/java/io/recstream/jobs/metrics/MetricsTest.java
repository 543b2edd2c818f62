package io.recstream.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        Metrics.stop();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePrometheusFormatAtMetricsOnly() throws Exception {
        int port = Metrics.serve("127.0.0.1", 0);
        assertThat(Metrics.serve("127.0.0.1", 0)).as("one endpoint per JVM").isEqualTo(port);
        Metrics.counter("recstream.test.events", "test", "kind", "x").increment(3);
        Metrics.timer("recstream.test.time", "test").record(java.time.Duration.ofMillis(5));
        Metrics.gauge("recstream.test.gauge", "test", 0.25, "signal", "a");
        Metrics.gauge("recstream.test.gauge", "test", 0.75, "signal", "a");

        HttpResponse<String> metrics = get(port, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/plain");
        assertThat(metrics.body())
                .contains("recstream_test_events_total{kind=\"x\"} 3.0")
                .contains("recstream_test_time_seconds_bucket")
                .contains("recstream_test_gauge{signal=\"a\"} 0.75");

        assertThat(get(port, "/").statusCode()).isEqualTo(404);
        assertThat(get(port, "/admin").statusCode()).isEqualTo(404);
        assertThat(get(port, "/metrics").body()).doesNotContain("not found");
        assertThat(get(port, "/metrics/../admin").statusCode()).isEqualTo(404);
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/metrics"))
                                            .method(
                                                    method,
                                                    HttpRequest.BodyPublishers.ofString("x"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.body()).doesNotContain("recstream_");
        }
        Metrics.stop();
    }

    @Test
    void listensOnlyOnTheConfiguredAddress() throws Exception {
        java.net.InetAddress other =
                java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                        .stream()
                        .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                        .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                        .findFirst()
                        .orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                other != null, "this machine has no address besides loopback");
        int port = Metrics.serve("127.0.0.1", 0);
        try {
            assertThat(get(port, "/metrics").statusCode()).isEqualTo(200);
            try (java.net.Socket s = new java.net.Socket()) {
                assertThatThrownBy(
                                () -> s.connect(new java.net.InetSocketAddress(other, port), 2_000))
                        .as("connecting through " + other.getHostAddress())
                        .isInstanceOf(java.io.IOException.class);
            }
        } finally {
            Metrics.stop();
        }
    }

    @Test
    void takesTheFirstFreePortOfARangeAndNamesTheOptionWhenAllAreTaken() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            int busy = taken.getLocalPort();
            int port;
            try {
                port = Metrics.serve("127.0.0.1", new PortRange(busy, busy + 1));
            } catch (java.io.UncheckedIOException e) {
                return; // busy + 1 happened to be taken too: nothing to learn here
            }
            assertThat(port).isEqualTo(busy + 1);
            Metrics.stop();
            assertThatThrownBy(() -> Metrics.serve("127.0.0.1", new PortRange(busy, busy)))
                    .hasMessageContaining("--metrics.port " + busy)
                    .hasMessageContaining("is taken");
        }
    }

    @Test
    void theEndpointClosesWithItsLastUserAndFreesThePort() throws Exception {
        int port = Metrics.serve("127.0.0.1", 0);
        assertThat(Metrics.serve("127.0.0.1", 0)).isEqualTo(port);
        Metrics.release();
        assertThat(get(port, "/metrics").statusCode()).as("one user left").isEqualTo(200);
        Metrics.release();
        assertThatThrownBy(() -> get(port, "/metrics"))
                .as("closed with the last user")
                .isInstanceOf(java.io.IOException.class);
        assertThat(Metrics.serve("127.0.0.1", port)).as("the port is free again").isEqualTo(port);
        Metrics.release();
    }

    @Test
    void portRangesParseAndBadOnesNameTheOption() {
        assertThat(PortRange.parse("9249", "metrics.port")).isEqualTo(new PortRange(9249, 9249));
        assertThat(PortRange.parse(" 9249-9259 ", "metrics.port"))
                .isEqualTo(new PortRange(9249, 9259));
        assertThat(PortRange.parse("0", "metrics.port")).isEqualTo(new PortRange(0, 0));
        for (String bad : new String[] {"x", "9259-9249", "-1", "70000", "0-5", "9249-"}) {
            assertThatThrownBy(() -> PortRange.parse(bad, "metrics.port"))
                    .as(bad)
                    .hasMessageContaining("--metrics.port")
                    .hasMessageContaining("'" + bad + "'");
        }
    }
}
