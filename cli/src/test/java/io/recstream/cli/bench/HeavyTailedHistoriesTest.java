package io.recstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The state bench's heavy-tailed histories look like rating data: most short, a long tail. */
class HeavyTailedHistoriesTest {

    @Test
    void mostUsersHaveAFewDozenItemsAndATailHasThousands() {
        int[] counts = BenchCommand.heavyTailed(100_000, 5_000, 42L);
        int[] sorted = counts.clone();
        Arrays.sort(sorted);
        assertThat(sorted[0]).isGreaterThanOrEqualTo(1);
        assertThat(sorted[sorted.length - 1]).isLessThanOrEqualTo(5_000);
        assertThat(sorted[sorted.length / 2]).as("median").isBetween(35, 45);
        assertThat(sorted[(int) (sorted.length * 0.99)]).as("p99").isBetween(800, 1_300);
        assertThat(sorted[sorted.length - 1]).as("the tail").isGreaterThan(3_000);
        assertThat(Arrays.stream(counts).average().getAsDouble()).as("mean").isBetween(80.0, 120.0);
        assertThat(BenchCommand.heavyTailed(1_000, 5_000, 42L))
                .as("the same seed, the same users")
                .isEqualTo(Arrays.copyOf(BenchCommand.heavyTailed(1_000, 5_000, 42L), 1_000));
    }
}
