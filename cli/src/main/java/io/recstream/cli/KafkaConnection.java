package io.recstream.cli;

import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The Kafka cluster a command talks to: a picocli mixin, declared once for every such command. */
final class KafkaConnection {
    @Option(
            names = "--bootstrap-servers",
            required = true,
            description = "Kafka bootstrap servers, host:port[,host:port]")
    String bootstrapServers;

    @InputPath
    @Option(
            names = "--command-config",
            description = "client properties file (security.protocol, sasl.*, ssl.*)")
    Path commandConfig;

    /** The client settings, once the cluster has answered; a one-line error naming it if not. */
    Properties reachable() {
        Properties p = KafkaClients.properties(bootstrapServers, commandConfig);
        KafkaReachability.require(p, "--command-config");
        return p;
    }
}
