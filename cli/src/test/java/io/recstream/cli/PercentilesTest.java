package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1; // 1 .. 100
        }
        assertThat(Percentiles.nearestRank(hundred, 0.5)).isEqualTo(50);
        assertThat(Percentiles.nearestRank(hundred, 0.99)).isEqualTo(99);
        assertThat(Percentiles.nearestRank(hundred, 1.0)).isEqualTo(100);
        assertThat(Percentiles.nearestRank(hundred, 0.0)).isEqualTo(1);
        assertThat(Percentiles.nearestRank(new long[] {7}, 0.999)).isEqualTo(7);
        assertThat(Percentiles.nearestRank(new long[] {1, 2, 3, 4}, 0.5)).isEqualTo(2);
    }
}
