package io.recstream.jobs.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ConsumedItemsTest {

    private static final long DAY = 86_400_000L;
    private static final long YEAR = 365 * DAY;

    @Test
    void keepsEveryItemOfAHeavyUserSortedAndCompact() {
        Random random = new Random(7);
        TreeSet<Integer> expected = new TreeSet<>();
        byte[] packed = null;
        long t = 0;
        for (int i = 0; i < 3_000; i++) {
            int item = random.nextInt(10_000);
            t += random.nextInt(3_600_000);
            packed = ConsumedItems.add(packed, item, t, YEAR, 5_000);
            expected.add(item);
        }
        assertThat(ConsumedItems.items(packed))
                .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
        assertThat(ConsumedItems.newest(packed)).isEqualTo(t);
        // about two bytes an item, plus a little per period
        assertThat(packed.length).isLessThan(2 * expected.size() + 12 * 64);
    }

    @Test
    void periodsOlderThanTheRetentionAreForgotten() {
        byte[] packed = ConsumedItems.add(null, 1, 0, YEAR, 100);
        packed = ConsumedItems.add(packed, 2, 200 * DAY, YEAR, 100);
        assertThat(ConsumedItems.items(packed)).containsExactly(1, 2);
        packed = ConsumedItems.add(packed, 3, 400 * DAY, YEAR, 100);
        assertThat(ConsumedItems.items(packed)).as("item 1 is 400 days old").containsExactly(2, 3);
        assertThat(ConsumedItems.expire(packed, 500 * DAY, YEAR)).isNotNull();
        assertThat(ConsumedItems.items(ConsumedItems.expire(packed, 500 * DAY, YEAR)))
                .containsExactly(2, 3);
        assertThat(ConsumedItems.items(ConsumedItems.expire(packed, 600 * DAY, YEAR)))
                .containsExactly(3);
        assertThat(ConsumedItems.expire(packed, 800 * DAY, YEAR)).isNull();
    }

    @Test
    void anItemConsumedAgainLivesInItsNewestPeriod() {
        byte[] packed = ConsumedItems.add(null, 1, 0, YEAR, 100);
        packed = ConsumedItems.add(packed, 1, 300 * DAY, YEAR, 100);
        packed = ConsumedItems.add(packed, 2, 390 * DAY, YEAR, 100);
        assertThat(ConsumedItems.items(packed))
                .as("its first period expired, its second did not")
                .containsExactly(1, 2);
        // an older copy arriving late does not move it back
        packed = ConsumedItems.add(packed, 1, 10 * DAY, YEAR, 100);
        assertThat(ConsumedItems.items(ConsumedItems.expire(packed, 420 * DAY, YEAR)))
                .containsExactly(1, 2);
    }

    @Test
    void beyondTheBoundTheOldestPeriodsGoFirst() {
        byte[] packed = null;
        for (int i = 0; i < 10; i++) {
            packed = ConsumedItems.add(packed, i, i * 40 * DAY, 10 * YEAR, 15);
        }
        for (int i = 10; i < 20; i++) {
            packed = ConsumedItems.add(packed, i, 9 * 40 * DAY, 10 * YEAR, 15);
        }
        int[] items = ConsumedItems.items(packed);
        assertThat(items.length).isLessThanOrEqualTo(15);
        assertThat(items).contains(19, 18, 10).doesNotContain(0, 1, 2);
    }

    @Test
    void oneFullPeriodTakesNoMoreItems() {
        byte[] packed = null;
        for (int i = 0; i < 50; i++) {
            packed = ConsumedItems.add(packed, i, 1_000 + i, YEAR, 20);
        }
        assertThat(ConsumedItems.items(packed)).hasSize(20);
    }

    @Test
    void emptyIsNothing() {
        assertThat(ConsumedItems.items(null)).isEmpty();
        assertThat(ConsumedItems.newest(null)).isEqualTo(Long.MIN_VALUE);
        assertThat(ConsumedItems.expire(null, 0, YEAR)).isNull();
    }
}
