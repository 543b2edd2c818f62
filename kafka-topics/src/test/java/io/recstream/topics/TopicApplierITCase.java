package io.recstream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recstream.testing.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code topics apply} against a real broker: creates, is idempotent, repairs config drift. */
class TopicApplierITCase {

    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

    @Test
    void appliesTheCatalogIdempotentlyAndRepairsDrift() throws Exception {
        TopicCatalog catalog = TopicCatalog.bundled();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicApplier applier = new TopicApplier(admin, Duration.ofSeconds(30));

            List<TopicApplier.Change> first = applier.apply(catalog, false);
            assertThat(first)
                    .extracting(TopicApplier.Change::action)
                    .containsOnly(TopicApplier.Action.CREATED);
            assertThat(first)
                    .extracting(TopicApplier.Change::topic)
                    .containsExactlyInAnyOrder(
                            "interactions",
                            "feedback",
                            "items",
                            "recommendations",
                            "drift-alerts",
                            "dead-letters",
                            "monitor-signals");
            var described = admin.describeTopics(List.of("interactions")).allTopicNames().get();
            assertThat(described.get("interactions").partitions()).hasSize(4);

            List<TopicApplier.Change> second = applier.apply(catalog, false);
            assertThat(second)
                    .extracting(TopicApplier.Change::action)
                    .containsOnly(TopicApplier.Action.UNCHANGED);

            // Someone changes retention by hand: apply reports and repairs it.
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "recommendations");
            admin.incrementalAlterConfigs(
                            Map.of(
                                    res,
                                    List.of(
                                            new AlterConfigOp(
                                                    new ConfigEntry("retention.ms", "1000"),
                                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
            applier.awaitConfigs("recommendations", Map.of("retention.ms", "1000"));
            assertThatThrownBy(
                            () ->
                                    new TopicApplier(admin, Duration.ofMillis(300))
                                            .awaitConfigs(
                                                    "recommendations",
                                                    Map.of("retention.ms", "2000")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("recommendations still describes {retention.ms=1000}");
            List<TopicApplier.Change> dryRun = applier.apply(catalog, true);
            assertThat(dryRun)
                    .filteredOn(c -> c.topic().equals("recommendations"))
                    .singleElement()
                    .satisfies(
                            c -> {
                                assertThat(c.action()).isEqualTo(TopicApplier.Action.UPDATED);
                                assertThat(c.details())
                                        .containsExactly("retention.ms 1000 -> 259200000");
                            });
            assertThat(applier.apply(catalog, false))
                    .filteredOn(c -> c.topic().equals("recommendations"))
                    .extracting(TopicApplier.Change::action)
                    .containsExactly(TopicApplier.Action.UPDATED);
            assertThat(
                            admin.describeConfigs(List.of(res))
                                    .all()
                                    .get()
                                    .get(res)
                                    .get("retention.ms")
                                    .value())
                    .isEqualTo("259200000");
            assertThat(applier.apply(catalog, false))
                    .extracting(TopicApplier.Change::action)
                    .containsOnly(TopicApplier.Action.UNCHANGED);

            // Fewer partitions declared than exist cannot be fixed: reported as drift.
            TopicCatalog shrunk =
                    TopicCatalog.parse(
                            "topics:\n  - name: interactions\n    partitions: 2\n".getBytes(),
                            "test.yaml");
            assertThat(applier.apply(shrunk, false))
                    .singleElement()
                    .extracting(TopicApplier.Change::action)
                    .isEqualTo(TopicApplier.Action.DRIFT);

            assertThat(applier.describe(catalog))
                    .anySatisfy(
                            line ->
                                    assertThat(line)
                                            .startsWith("interactions: partitions=4")
                                            .contains("retention.ms=604800000"));
        }
    }
}
