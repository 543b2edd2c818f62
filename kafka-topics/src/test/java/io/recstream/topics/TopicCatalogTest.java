package io.recstream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

    @Test
    void bundledCatalogDeclaresEveryTopicWithAParseableSchema() throws Exception {
        TopicCatalog catalog = TopicCatalog.bundled();
        for (String name :
                new String[] {
                    TopicCatalog.INTERACTIONS,
                    TopicCatalog.FEEDBACK,
                    TopicCatalog.RECOMMENDATIONS,
                    TopicCatalog.DRIFT_ALERTS,
                    TopicCatalog.DEAD_LETTERS,
                    TopicCatalog.MONITOR_SIGNALS,
                    TopicCatalog.ITEMS
                }) {
            TopicSpec spec = catalog.topic(name);
            assertThat(spec.configs()).containsKeys("cleanup.policy", "retention.ms");
            JsonNode schema = new ObjectMapper().readTree(TopicCatalog.schemaText(spec.schema()));
            assertThat(schema.get("type").asText()).isEqualTo("object");
            assertThat(schema.get("required")).isNotEmpty();
        }
    }

    @Test
    void errorsNameTheTopicAndField() {
        assertThatThrownBy(
                        () ->
                                TopicCatalog.parse(
                                        "topics:\n  - name: a\n    partitions: 0\n".getBytes(),
                                        "t.yaml"))
                .hasMessageContaining("topic 'a'")
                .hasMessageContaining("partitions");
        assertThatThrownBy(
                        () ->
                                TopicCatalog.parse(
                                        "topics:\n  - name: a\n    partitons: 3\n".getBytes(),
                                        "t.yaml"))
                .hasMessageContaining("unknown field 'partitons'");
        assertThatThrownBy(
                        () ->
                                TopicCatalog.parse(
                                        "topics:\n  - name: a\n    partitions: 1\n  - name: a\n    partitions: 1\n"
                                                .getBytes(),
                                        "t.yaml"))
                .hasMessageContaining("declared twice");
        assertThatThrownBy(() -> TopicCatalog.parse("nope: 1\n".getBytes(), "t.yaml"))
                .hasMessageContaining("'topics'");
    }
}
