package io.recstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recstream.jobs.drift.AlertRule;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.training.SyntheticWorld;
import io.recstream.training.Trainer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorJobConfigTest {

    @TempDir static Path tmp;
    private static String model;
    private static double referenceColdRate;

    @BeforeAll
    static void bundle() throws Exception {
        SyntheticWorld world = new SyntheticWorld(40, 4, 1.0, 0.8, 1L);
        Path dir =
                TestModels.train(
                        tmp.resolve("m"),
                        world,
                        60,
                        2_000,
                        0,
                        1_000_000,
                        Trainer.Options.defaults().withDimensions(4));
        model = dir.toString();
        referenceColdRate = ModelBundle.load(dir).profile().coldUserRate();
    }

    private static MonitorJobConfig config(String... extra) {
        String[] base = {"--bootstrap-servers", "h:9092", "--model", model};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return MonitorJobConfig.fromArgs(all);
    }

    @Test
    void defaultRulesAlertOnKlTheColdUserRateAndTheUnknownItemRate() {
        MonitorJobConfig c = config("--slide", "5m");
        assertThat(c.alertRules)
                .containsOnlyKeys(
                        "recommended_category_kl",
                        "input_category_kl",
                        "top1_score_kl",
                        "cold_user_rate",
                        "unknown_item_rate");
        AlertRule unknown = c.alertRules.get("unknown_item_rate");
        assertThat(unknown.enter()).isEqualTo(0.25);
        assertThat(unknown.exit()).isCloseTo(0.15, within(1e-12));
        AlertRule categories = c.alertRules.get("input_category_kl");
        assertThat(categories.enter()).isEqualTo(0.1);
        assertThat(categories.exit()).isEqualTo(0.05);
        assertThat(categories.cooldownMillis()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(c.alertRules.get("top1_score_kl").enter()).isEqualTo(0.2);
        AlertRule cold = c.alertRules.get("cold_user_rate");
        assertThat(cold.enter())
                .isCloseTo(referenceColdRate + Math.max(0.1, referenceColdRate), within(1e-12));
        assertThat(cold.exit()).isBetween(referenceColdRate, cold.enter());
        assertThat(c.k).isEqualTo(10);
    }

    @Test
    void thresholdsPerSignalFromOptions() {
        MonitorJobConfig c =
                config(
                        "--alert.recommended_category_psi.enter",
                        "0.25",
                        "--alert.cold_user_rate.enter",
                        "0.5",
                        "--alert.cold_user_rate.exit",
                        "0.3",
                        "--alert.enter-windows",
                        "3");
        assertThat(c.alertRules.get("recommended_category_psi").enter()).isEqualTo(0.25);
        assertThat(c.alertRules.get("recommended_category_psi").exit()).isEqualTo(0.125);
        assertThat(c.alertRules.get("cold_user_rate").exit()).isEqualTo(0.3);
        assertThat(c.alertRules.get("input_category_kl").enterWindows()).isEqualTo(3);
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(
                        () ->
                                config(
                                        "--alert.cold_user_rate.enter",
                                        "0.2",
                                        "--alert.cold_user_rate.exit",
                                        "0.4"))
                .hasMessageContaining("--alert.cold_user_rate.exit");
        assertThatThrownBy(() -> config("--alert.input_category_kl.enter", "high"))
                .hasMessageContaining("--alert.input_category_kl.enter");
        assertThatThrownBy(() -> config("--window", "1h", "--slide", "7m"))
                .hasMessageContaining("--window");
        assertThatThrownBy(() -> config("--alert.nonsense.enter", "1"))
                .hasMessageContaining("unknown option --alert.nonsense.enter");
        assertThatThrownBy(() -> config("--starting-offsets", "timestamp:soon"))
                .hasMessageContaining("--starting-offsets");
    }

    @Test
    void theClientPropertiesFileGoesByCommandConfigAndItsOldNameForARelease() throws Exception {
        Path file = java.nio.file.Files.writeString(tmp.resolve("client.properties"), "a.b=c\n");
        assertThat(config("--command-config", file.toString()).kafkaPropertiesFile)
                .isEqualTo(file.toString());
        assertThat(config("--kafka-properties", file.toString()).kafkaPropertiesFile)
                .as("the old name")
                .isEqualTo(file.toString());
        assertThat(config("--kafka-properties", file.toString()).kafkaProperties)
                .containsEntry("a.b", "c");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> config("--command-configs", file.toString()))
                .hasMessageContaining("did you mean --command-config?");
    }
}
