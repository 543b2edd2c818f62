package io.recstream.cli;

import io.recstream.topics.TopicApplier;
import io.recstream.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code recstream topics apply|describe}. */
@Command(
        name = "topics",
        description = "Create and check the topics declared in kafka-topics/topics.yaml.",
        subcommands = {TopicsCommand.Apply.class, TopicsCommand.Describe.class})
public final class TopicsCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static class Connection {
        @picocli.CommandLine.Mixin KafkaConnection kafka;

        @InputPath
        @Option(
                names = "--file",
                description =
                        "topic catalog to apply (default: the bundled kafka-topics/topics.yaml)")
        Path file;

        @Option(
                names = "--timeout",
                defaultValue = "60s",
                description = "how long to wait for the cluster (default: ${DEFAULT-VALUE})")
        String timeout;

        Admin admin() {
            java.util.Properties p = kafka.reachable();
            long ms = timeout().toMillis();
            p.putIfAbsent("default.api.timeout.ms", Long.toString(ms));
            p.putIfAbsent("request.timeout.ms", Long.toString(Math.min(ms, 30_000)));
            return Admin.create(p);
        }

        TopicCatalog catalog() {
            return file == null ? TopicCatalog.bundled() : TopicCatalog.load(file);
        }

        Duration timeout() {
            return Durations.parse(timeout, "--timeout");
        }
    }

    @Command(
            name = "apply",
            description =
                    "Create missing topics, raise partition counts and set differing configs."
                            + " Running it again changes nothing.")
    static final class Apply implements Callable<Integer> {
        @picocli.CommandLine.Mixin Connection connection;

        @Option(names = "--dry-run", description = "report what would change, change nothing")
        boolean dryRun;

        @Option(
                names = "--replication-factor",
                description =
                        "replication factor for every topic (default: as declared, else the broker's default)")
        Short replicationFactor;

        @Override
        public Integer call() throws Exception {
            TopicCatalog catalog = connection.catalog();
            if (replicationFactor != null) {
                catalog = catalog.withReplicationFactor(replicationFactor);
            }
            try (Admin admin = connection.admin()) {
                List<TopicApplier.Change> changes =
                        new TopicApplier(admin, connection.timeout()).apply(catalog, dryRun);
                long changed =
                        changes.stream()
                                .filter(
                                        c ->
                                                c.action() == TopicApplier.Action.CREATED
                                                        || c.action()
                                                                == TopicApplier.Action.UPDATED)
                                .count();
                changes.forEach(System.out::println);
                System.out.printf(
                        "%s%d topic(s) %s, %d unchanged%n",
                        dryRun ? "dry run: " : "",
                        changed,
                        dryRun ? "would change" : "changed",
                        changes.size() - changed);
                boolean drift =
                        changes.stream().anyMatch(c -> c.action() == TopicApplier.Action.DRIFT);
                return drift ? 3 : 0;
            }
        }
    }

    @Command(name = "describe", description = "Print the declared topics as the cluster has them.")
    static final class Describe implements Callable<Integer> {
        @picocli.CommandLine.Mixin Connection connection;

        @Override
        public Integer call() throws Exception {
            try (Admin admin = connection.admin()) {
                new TopicApplier(admin, connection.timeout())
                        .describe(connection.catalog())
                        .forEach(System.out::println);
            }
            return 0;
        }
    }
}
