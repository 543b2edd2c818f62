package io.recstream.jobs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.SlotKind;
import io.recstream.model.Ranking;
import org.junit.jupiter.api.Test;

class SlotsTest {

    private static final Ranking.Ranked RANKED =
            new Ranking.Ranked(new int[] {1, 2, 3, 9}, new float[] {0.9f, 0.5f, 0.1f, 40f}, 3);

    @Test
    void freshItemsCompeteOnScoreAndTheExplorationItemTakesTheLastSlot() {
        Slots.Filled f =
                Slots.fill(RANKED, new int[] {100, 101}, new float[] {0.6f, 0.05f}, 102, 0f, 4);
        assertThat(f.items()).containsExactly(1, 100, 2, 102);
        assertThat(f.kinds())
                .containsExactly(SlotKind.MODEL, SlotKind.FRESH, SlotKind.MODEL, SlotKind.EXPLORE);
        assertThat(f.scores()).containsExactly(0.9f, 0.6f, 0.5f, 0f);
    }

    @Test
    void theFallbackFillsWhatTheModelAndFreshItemsLeaveAndExplorationIsNotRepeated() {
        Slots.Filled f = Slots.fill(RANKED, new int[] {100}, new float[] {0.2f}, 100, 0.2f, 6);
        assertThat(f.items()).containsExactly(1, 2, 100, 3, 9);
        assertThat(f.kinds())
                .containsExactly(
                        SlotKind.MODEL,
                        SlotKind.MODEL,
                        SlotKind.FRESH,
                        SlotKind.MODEL,
                        SlotKind.POPULAR);
    }

    @Test
    void aFallbackListGetsItsExplorationSlotToo() {
        Slots.Filled f = Slots.fallback(new int[] {5, 6, 7}, new float[] {3, 2, 1}, 200, 0f, 3);
        assertThat(f.items()).containsExactly(5, 6, 200);
        assertThat(f.kinds()).containsExactly(SlotKind.POPULAR, SlotKind.POPULAR, SlotKind.EXPLORE);
        Slots.Filled none = Slots.fallback(new int[] {5, 6, 7}, new float[] {3, 2, 1}, -1, 0f, 3);
        assertThat(none.items()).containsExactly(5, 6, 7);
    }
}
