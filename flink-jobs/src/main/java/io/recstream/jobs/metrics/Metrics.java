package io.recstream.jobs.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Micrometer {@link PrometheusMeterRegistry} per JVM and job, shared by every subtask of the
 * job in it, and an optional scrape endpoint serving it at {@code /metrics} (nothing else). Tag
 * values stay bounded: record kinds, reasons, strategies, model versions, signal names; never user
 * or item ids.
 *
 * <p>On a Flink cluster each job's classes come from its own user-code class loader, so two jobs in
 * one TaskManager hold two copies of this class: they need two ports, which a {@link PortRange}
 * gives them. The endpoint is reference-counted: it closes with the last operator that opened it,
 * so a job that is cancelled or restarts frees its port for the next one.
 */
public final class Metrics {
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    private static final PrometheusMeterRegistry REGISTRY =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final Map<String, AtomicReference<Double>> GAUGES = new ConcurrentHashMap<>();
    private static HttpServer server;
    private static int users;

    private Metrics() {}

    public static PrometheusMeterRegistry registry() {
        return REGISTRY;
    }

    /**
     * Starts the scrape endpoint on {@code bindAddress:port} unless one runs already; each call
     * must be matched by a {@link #release()}.
     *
     * @return the port it listens on (useful with port 0)
     */
    public static synchronized int serve(String bindAddress, int port) {
        return serve(bindAddress, new PortRange(port, port));
    }

    /**
     * Starts the scrape endpoint on the first free port of {@code ports} unless one runs already;
     * each call must be matched by a {@link #release()}.
     *
     * @return the port it listens on
     */
    public static synchronized int serve(String bindAddress, PortRange ports) {
        if (server == null) {
            server = start(bindAddress, ports);
        }
        users++;
        return server.getAddress().getPort();
    }

    /** One user of the endpoint is done with it; the last one closes it. */
    public static synchronized void release() {
        if (users > 0 && --users == 0 && server != null) {
            server.stop(0);
            server = null;
            LOG.info("Stopped serving metrics");
        }
    }

    private static HttpServer start(String bindAddress, PortRange ports) {
        IOException last = null;
        for (int port = ports.first(); port <= ports.last(); port++) {
            try {
                return start(bindAddress, port);
            } catch (java.net.BindException e) {
                last = e; // taken: try the next one
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot serve metrics on "
                                + bindAddress
                                + ":"
                                + port
                                + ": "
                                + e.getMessage(),
                        e);
            }
        }
        throw new UncheckedIOException(
                "cannot serve metrics on "
                        + bindAddress
                        + ": every port of --metrics.port "
                        + ports
                        + " is taken (give each job, and each TaskManager on a host, a port of the"
                        + " range)",
                last);
    }

    private static HttpServer start(String bindAddress, int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        s.createContext(
                "/",
                exchange -> {
                    try (exchange) {
                        // Only GET /metrics; nothing else is served, whatever the method or path.
                        boolean get = exchange.getRequestMethod().equals("GET");
                        boolean ok = get && exchange.getRequestURI().getPath().equals("/metrics");
                        int status = ok ? 200 : get ? 404 : 405;
                        byte[] body =
                                (ok
                                                ? REGISTRY.scrape()
                                                : status == 404 ? "not found\n" : "GET only\n")
                                        .getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders()
                                .set(
                                        "Content-Type",
                                        ok
                                                ? "text/plain; version=0.0.4; charset=utf-8"
                                                : "text/plain; charset=utf-8");
                        if (status == 405) {
                            exchange.getResponseHeaders().set("Allow", "GET");
                        }
                        exchange.sendResponseHeaders(status, body.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    }
                });
        s.start();
        LOG.info("Serving metrics at http://{}:{}/metrics", bindAddress, s.getAddress().getPort());
        return s;
    }

    /** Stops the endpoint whoever still uses it (tests and the embedded default). */
    public static synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        users = 0;
    }

    public static Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(REGISTRY);
    }

    /** A histogram of sizes, with Prometheus buckets. */
    public static DistributionSummary summary(String name, String description, String... tags) {
        return DistributionSummary.builder(name)
                .description(description)
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(4096.0)
                .register(REGISTRY);
    }

    /** A histogram of durations, with Prometheus buckets from 100 µs to 1 min. */
    public static Timer timer(String name, String description, String... tags) {
        return Timer.builder(name)
                .description(description)
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(REGISTRY);
    }

    /** Sets a gauge to {@code value}, registering it on first use. */
    public static void gauge(String name, String description, double value, String... tags) {
        String key = name + Tags.of(tags);
        GAUGES.computeIfAbsent(
                        key,
                        k -> {
                            AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
                            io.micrometer.core.instrument.Gauge.builder(name, holder, h -> h.get())
                                    .description(description)
                                    .tags(tags)
                                    .register(REGISTRY);
                            return holder;
                        })
                .set(value);
    }
}
