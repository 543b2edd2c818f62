package io.recstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed configuration reference is what the option declarations render. To write it again:
 * {@code ./mvnw -B -pl flink-jobs test -Dtest=ConfigurationReferenceTest
 * -Drecstream.docs.write=true}.
 */
class ConfigurationReferenceTest {

    private static final Path PAGE = Path.of("..", "docs", "configuration-reference.md");

    @Test
    void theCommittedReferenceIsUpToDate() throws Exception {
        String rendered = ConfigurationReference.render();
        if (Boolean.getBoolean("recstream.docs.write")) {
            Files.writeString(PAGE, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(PAGE)).as("%s exists", PAGE).isTrue();
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as(
                        "docs/configuration-reference.md is stale: write it again with ./mvnw -B -pl"
                                + " flink-jobs test -Dtest=ConfigurationReferenceTest"
                                + " -Drecstream.docs.write=true")
                .isEqualTo(rendered);
    }

    @Test
    void everyOptionOfBothJobsIsListed() {
        String rendered = ConfigurationReference.render();
        for (Options.Spec s : RecommendJobConfig.OPTIONS) {
            assertThat(rendered).contains("| `--" + s.name() + "` |");
        }
        for (Options.Spec s : MonitorJobConfig.OPTIONS) {
            assertThat(rendered).contains("| `--" + s.name() + "` |");
        }
        assertThat(rendered).contains("| `--command-config` |").doesNotContain("kafka-properties`");
    }
}
