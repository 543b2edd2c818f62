package io.recstream.cli;

import io.recstream.jobs.config.StartupChecks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * The first thing a command that talks to Kafka does, before any long work (training, generating):
 * a TCP connection to the bootstrap addresses, then one Admin request. An address nobody listens on
 * fails at once, one that accepts but does not answer as Kafka within {@link #TIMEOUT}, with one
 * line naming the address and what was tried.
 */
final class KafkaReachability {

    /** How long the Admin request may take in all. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final int CONNECT_TIMEOUT_MS = 3_000;

    private KafkaReachability() {}

    /** Thrown when the cluster cannot be reached or refuses our credentials. */
    static final class UnreachableException extends RuntimeException {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Checks that the cluster in {@code client} (bootstrap.servers plus the client properties
     * file's settings) answers.
     *
     * @param propertiesOption the option that named the client properties file, for messages
     */
    static void require(Properties client, String propertiesOption) {
        String servers = client.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "");
        List<String> refused = new ArrayList<>();
        boolean anyOpen = false;
        for (String server : servers.split(",")) {
            String address = server.trim();
            if (address.isEmpty()) {
                continue;
            }
            String problem = tcpProblem(address);
            if (problem == null) {
                anyOpen = true;
                break;
            }
            refused.add(address + " " + problem);
        }
        if (!anyOpen) {
            throw new UnreachableException(
                    "cannot reach Kafka at "
                            + servers
                            + ": no bootstrap address accepts a connection ("
                            + String.join("; ", refused)
                            + ")",
                    null);
        }
        Properties props = new Properties();
        props.putAll(client);
        props.setProperty(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        props.setProperty(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        props.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "recstream-cli-reachability");
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new UnreachableException(
                    "cannot reach Kafka at "
                            + servers
                            + ": a TCP connection opened but no Kafka answer came within "
                            + TIMEOUT.toSeconds()
                            + " s (is it a Kafka listener, and does security.protocol in "
                            + propertiesOption
                            + " match it?)",
                    e);
        } catch (ExecutionException e) {
            throw failure(servers, propertiesOption, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while reaching Kafka at " + servers, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw failure(servers, propertiesOption, e);
        }
    }

    private static UnreachableException failure(
            String servers, String propertiesOption, Throwable cause) {
        if (cause instanceof SslAuthenticationException tls) {
            return new UnreachableException(
                    "Kafka: "
                            + StartupChecks.tlsFailure(
                                    tls,
                                    "the broker",
                                    "ssl.truststore.location / ssl.truststore.password in "
                                            + propertiesOption),
                    cause);
        }
        if (cause instanceof SaslAuthenticationException
                || cause instanceof AuthenticationException) {
            return new UnreachableException(
                    "Kafka: authentication failed at "
                            + servers
                            + ": "
                            + cause.getMessage()
                            + " (check sasl.* in "
                            + propertiesOption
                            + ")",
                    cause);
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new UnreachableException(
                    "cannot reach Kafka at "
                            + servers
                            + ": no Kafka answer within "
                            + TIMEOUT.toSeconds()
                            + " s ("
                            + cause.getMessage()
                            + ")",
                    cause);
        }
        return new UnreachableException(
                "Kafka at "
                        + servers
                        + ": "
                        + (cause == null ? "unknown error" : cause.getMessage()),
                cause);
    }

    /** Null if a TCP connection to {@code host:port} opens, else why not. */
    private static String tcpProblem(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return "(no port)";
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "(bad port)";
        }
        InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.isUnresolved()) {
            return "(unknown host)";
        }
        try (Socket socket = new Socket()) {
            socket.connect(target, CONNECT_TIMEOUT_MS);
            return null;
        } catch (java.net.SocketTimeoutException e) {
            return "(no answer within " + CONNECT_TIMEOUT_MS / 1000 + " s)";
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return "(" + message.toLowerCase(java.util.Locale.ROOT) + ")";
        }
    }
}
