package io.recstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void shortFormsAndIso() {
        assertThat(DurationText.parse("500ms", "--x")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("30s", "--x")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("5m", "--x")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse("5min", "--x")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse(" 2 h ", "--x")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationText.parse("30D", "--x")).isEqualTo(Duration.ofDays(30));
        assertThat(DurationText.parse("PT1M30S", "--x")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("0s", "--x")).isZero();
    }

    @Test
    void errorsNameTheOption() {
        assertThatThrownBy(() -> DurationText.parse("soon", "--duration"))
                .hasMessage(
                        "--duration: 'soon' is not a duration (e.g. 500ms, 30s, 5m, 2h, 30d or"
                                + " PT5M)");
        assertThatThrownBy(() -> DurationText.parse("5 weeks", "--window"))
                .hasMessageStartingWith("--window: '5 weeks' is not a duration");
        assertThatThrownBy(() -> DurationText.parsePositive("0s", "--warm-up"))
                .hasMessage("--warm-up: must be > 0, got 0s");
    }

    @Test
    void formatIsReadBackAsTheSameDuration() {
        for (Duration d :
                new Duration[] {
                    Duration.ofMillis(1_500),
                    Duration.ofSeconds(90),
                    Duration.ofMinutes(15),
                    Duration.ofHours(36),
                    Duration.ofDays(365)
                }) {
            assertThat(DurationText.parse(DurationText.format(d), "--x")).isEqualTo(d);
        }
        assertThat(DurationText.format(Duration.ofMinutes(15))).isEqualTo("15m");
    }
}
