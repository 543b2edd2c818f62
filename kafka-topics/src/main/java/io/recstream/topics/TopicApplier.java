package io.recstream.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Brings a Kafka cluster in line with a {@link TopicCatalog}: creates missing topics, raises
 * partition counts, sets differing topic configs, and reports what Kafka cannot change in place
 * (fewer partitions, another replication factor). Applying the same catalog twice changes nothing
 * the second time.
 */
public final class TopicApplier {

    /** What happened (or, in a dry run, would happen) to one topic. */
    public enum Action {
        CREATED,
        UNCHANGED,
        UPDATED,
        /** A difference Kafka cannot fix in place; reported, left as it is. */
        DRIFT
    }

    /** One line of the report. */
    public record Change(String topic, Action action, List<String> details) {
        @Override
        public String toString() {
            String head = String.format("%-10s %s", action.name().toLowerCase(), topic);
            return details.isEmpty() ? head : head + ": " + String.join("; ", details);
        }
    }

    private final Admin admin;
    private final Duration timeout;

    public TopicApplier(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Applies the catalog. With {@code dryRun} nothing is changed, only reported. */
    public List<Change> apply(TopicCatalog catalog, boolean dryRun)
            throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<Change> report = new ArrayList<>();
        List<TopicSpec> toCreate = new ArrayList<>();
        for (TopicSpec spec : catalog.topics()) {
            if (!existing.contains(spec.name())) {
                toCreate.add(spec);
            }
        }
        if (!toCreate.isEmpty() && !dryRun) {
            create(toCreate);
        }
        for (TopicSpec spec : toCreate) {
            report.add(
                    new Change(
                            spec.name(),
                            Action.CREATED,
                            List.of(
                                    spec.partitions()
                                            + " partitions, replication factor "
                                            + spec.replicationFactor()
                                                    .map(String::valueOf)
                                                    .orElse("broker default"))));
        }

        List<TopicSpec> present =
                catalog.topics().stream().filter(t -> existing.contains(t.name())).toList();
        if (present.isEmpty()) {
            return report;
        }
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(present.stream().map(TopicSpec::name).toList())
                        .allTopicNames()
                        .get();
        Map<ConfigResource, Config> configs = describeConfigs(present);
        for (TopicSpec spec : present) {
            report.add(reconcile(spec, descriptions.get(spec.name()), configs, dryRun));
        }
        return report;
    }

    private void create(List<TopicSpec> specs) throws ExecutionException, InterruptedException {
        List<NewTopic> newTopics = new ArrayList<>();
        for (TopicSpec spec : specs) {
            newTopics.add(
                    new NewTopic(
                                    spec.name(),
                                    java.util.Optional.of(spec.partitions()),
                                    spec.replicationFactor())
                            .configs(spec.configs()));
        }
        try {
            admin.createTopics(newTopics).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        awaitLeaders(specs.stream().map(TopicSpec::name).toList());
    }

    /**
     * Waits until every partition of the topics has a leader. Producing to a topic whose partitions
     * have no leader yet can fail or, with idempotence, lose the first batches.
     */
    public void awaitLeaders(Collection<String> topics)
            throws ExecutionException, InterruptedException {
        String noLeader = "Partitions of " + topics + " have no leader";
        await(
                () -> {
                    try {
                        Map<String, TopicDescription> described =
                                admin.describeTopics(topics).allTopicNames().get();
                        Map<TopicPartition, OffsetSpec> probe = new HashMap<>();
                        for (TopicDescription d : described.values()) {
                            for (TopicPartitionInfo p : d.partitions()) {
                                if (p.leader() == null || p.leader().isEmpty()) {
                                    return noLeader;
                                }
                                probe.put(
                                        new TopicPartition(d.name(), p.partition()),
                                        OffsetSpec.latest());
                            }
                        }
                        // The controller's view can be ahead of the broker that leads the
                        // partition; asking the leader for its log end offset proves it serves it.
                        admin.listOffsets(probe).all().get();
                        return null;
                    } catch (ExecutionException e) {
                        // not propagated yet (UnknownTopicOrPartition, NotLeaderOrFollower)
                        return noLeader;
                    }
                });
    }

    /**
     * Waits until the broker describes the topic with {@code expected} configs. The controller
     * commits an alteration before the broker that answers describes it, so a second {@code apply}
     * or a client started right after could otherwise still see the old values.
     */
    public void awaitConfigs(String topic, Map<String, String> expected)
            throws ExecutionException, InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        await(
                () -> {
                    Config config =
                            admin.describeConfigs(List.of(resource)).all().get().get(resource);
                    Map<String, String> stale = new HashMap<>();
                    for (Map.Entry<String, String> e : expected.entrySet()) {
                        ConfigEntry entry = config == null ? null : config.get(e.getKey());
                        if (entry == null || !e.getValue().equals(entry.value())) {
                            stale.put(e.getKey(), entry == null ? null : entry.value());
                        }
                    }
                    return stale.isEmpty()
                            ? null
                            : "Topic "
                                    + topic
                                    + " still describes "
                                    + stale
                                    + ", expected "
                                    + expected;
                });
    }

    /** One look at the cluster: {@code null} when it is as wanted, else what is still missing. */
    @FunctionalInterface
    private interface Pending {
        String check() throws ExecutionException, InterruptedException;
    }

    /** Looks every 100 ms until nothing is pending; after the timeout, fails naming what is. */
    private void await(Pending pending) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String missing = pending.check();
            if (missing == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(missing + " after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private Map<ConfigResource, Config> describeConfigs(List<TopicSpec> specs)
            throws ExecutionException, InterruptedException {
        List<ConfigResource> resources =
                specs.stream()
                        .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name()))
                        .toList();
        return admin.describeConfigs(resources).all().get();
    }

    private Change reconcile(
            TopicSpec spec,
            TopicDescription description,
            Map<ConfigResource, Config> configs,
            boolean dryRun)
            throws ExecutionException, InterruptedException {
        List<String> changed = new ArrayList<>();
        List<String> drift = new ArrayList<>();

        int partitions = description.partitions().size();
        if (partitions < spec.partitions()) {
            changed.add("partitions " + partitions + " -> " + spec.partitions());
            if (!dryRun) {
                admin.createPartitions(
                                Map.of(spec.name(), NewPartitions.increaseTo(spec.partitions())))
                        .all()
                        .get();
                awaitLeaders(List.of(spec.name()));
            }
        } else if (partitions > spec.partitions()) {
            drift.add(
                    "has "
                            + partitions
                            + " partitions, declared "
                            + spec.partitions()
                            + " (Kafka cannot remove partitions; left as is)");
        }

        if (spec.replicationFactor().isPresent()) {
            int rf = description.partitions().get(0).replicas().size();
            if (rf != spec.replicationFactor().get()) {
                drift.add(
                        "replication factor is "
                                + rf
                                + ", declared "
                                + spec.replicationFactor().get()
                                + " (change it with a partition reassignment; left as is)");
            }
        }

        Config current = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
        Map<String, String> toSet = new HashMap<>();
        for (Map.Entry<String, String> declared : spec.configs().entrySet()) {
            ConfigEntry entry = current == null ? null : current.get(declared.getKey());
            String actual = entry == null ? null : entry.value();
            if (!declared.getValue().equals(actual)) {
                toSet.put(declared.getKey(), declared.getValue());
                changed.add(declared.getKey() + " " + actual + " -> " + declared.getValue());
            }
        }
        if (!toSet.isEmpty() && !dryRun) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
            List<AlterConfigOp> ops =
                    toSet.entrySet().stream()
                            .map(
                                    e ->
                                            new AlterConfigOp(
                                                    new ConfigEntry(e.getKey(), e.getValue()),
                                                    AlterConfigOp.OpType.SET))
                            .toList();
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
            awaitConfigs(spec.name(), toSet);
        }

        if (!changed.isEmpty()) {
            List<String> details = new ArrayList<>(changed);
            details.addAll(drift);
            return new Change(spec.name(), Action.UPDATED, details);
        }
        if (!drift.isEmpty()) {
            return new Change(spec.name(), Action.DRIFT, drift);
        }
        return new Change(spec.name(), Action.UNCHANGED, List.of());
    }

    /** A description of what the cluster holds for the catalog's topics, for {@code describe}. */
    public List<String> describe(TopicCatalog catalog)
            throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<String> lines = new ArrayList<>();
        List<TopicSpec> present = new ArrayList<>();
        for (TopicSpec spec : catalog.topics()) {
            if (existing.contains(spec.name())) {
                present.add(spec);
            } else {
                lines.add(
                        spec.name() + ": MISSING (declared " + spec.partitions() + " partitions)");
            }
        }
        if (present.isEmpty()) {
            return lines;
        }
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(present.stream().map(TopicSpec::name).toList())
                        .allTopicNames()
                        .get();
        Map<ConfigResource, Config> configs = describeConfigs(present);
        for (TopicSpec spec : present) {
            TopicDescription d = descriptions.get(spec.name());
            Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            StringBuilder sb = new StringBuilder();
            sb.append(spec.name())
                    .append(": partitions=")
                    .append(d.partitions().size())
                    .append(" replication-factor=")
                    .append(d.partitions().get(0).replicas().size());
            for (ConfigEntry e : c.entries()) {
                boolean declared = spec.configs().containsKey(e.name());
                if (declared || e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    sb.append("\n    ").append(e.name()).append('=').append(e.value());
                    if (declared && !spec.configs().get(e.name()).equals(e.value())) {
                        sb.append("   (declared ").append(spec.configs().get(e.name())).append(')');
                    }
                }
            }
            lines.add(sb.toString());
        }
        return lines;
    }
}
