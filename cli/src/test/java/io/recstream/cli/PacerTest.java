package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void parsesMaxAndSpeedUps() {
        assertThat(Pacer.parseRate("max", "--rate")).isZero();
        assertThat(Pacer.parseRate("1x", "--rate")).isEqualTo(1.0);
        assertThat(Pacer.parseRate("60X", "--rate")).isEqualTo(60.0);
        assertThat(Pacer.parseRate("0.5x", "--rate")).isEqualTo(0.5);
        for (String bad : new String[] {"fast", "0x", "-2x", "x", "10", "NaNx", "Infinityx"}) {
            assertThatThrownBy(() -> Pacer.parseRate(bad, "--rate"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--rate")
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void eventsAreDueAtRecordedTimeDividedByTheSpeedUp() {
        Pacer hourPerSecond = new Pacer(1_000_000L, 3600);
        assertThat(hourPerSecond.dueNanos(1_000_000L)).isZero();
        assertThat(hourPerSecond.dueNanos(1_000_000L + 3_600_000L)).isEqualTo(1_000_000_000L);
        assertThat(hourPerSecond.dueNanos(1_000_000L + 90 * 60_000L)).isEqualTo(1_500_000_000L);
        Pacer asFastAsPossible = new Pacer(0, 0);
        assertThat(asFastAsPossible.dueNanos(Long.MAX_VALUE / 2)).isZero();
    }
}
