package io.recstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SortedIntsTest {

    @Test
    void roundTripsRandomSetsInAboutOneByteAGapUnder128() {
        Random random = new Random(3);
        for (int round = 0; round < 50; round++) {
            TreeSet<Integer> set = new TreeSet<>();
            int n = random.nextInt(2_000);
            while (set.size() < n) {
                set.add(random.nextInt(round % 2 == 0 ? 10_000 : Integer.MAX_VALUE));
            }
            int[] values = set.stream().mapToInt(Integer::intValue).toArray();
            byte[] packed = SortedInts.encode(values);
            assertThat(SortedInts.decode(packed)).containsExactly(values);
            assertThat(SortedInts.size(packed)).isEqualTo(n);
        }
        int[] dense = new int[1_000];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = 3 * i + 7;
        }
        assertThat(SortedInts.encode(dense)).hasSize(2 + 1_000);
        assertThat(SortedInts.decode(SortedInts.empty())).isEmpty();
        assertThat(SortedInts.decode(null)).isEmpty();
    }

    @Test
    void refusesUnsortedOrRepeatedValues() {
        assertThatThrownBy(() -> SortedInts.encode(new int[] {3, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SortedInts.encode(new int[] {2, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unionIsSortedAndDistinct() {
        assertThat(SortedInts.union(new int[] {1, 4, 9}, new int[] {0, 4, 5, 10}))
                .containsExactly(0, 1, 4, 5, 9, 10);
        assertThat(SortedInts.union(new int[0], new int[] {2})).containsExactly(2);
    }
}
