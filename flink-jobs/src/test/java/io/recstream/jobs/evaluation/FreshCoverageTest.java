package io.recstream.jobs.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.Outcome;
import io.recstream.jobs.events.SlotKind;
import io.recstream.jobs.events.Strategy;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Fresh-item coverage per item, and outcomes judged per slot kind. */
class FreshCoverageTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void anItemCountsAsShownOnlyIfARecommendationHeldItWithinTheHourAfterAdmission()
            throws Exception {
        try (var h =
                new KeyedTwoInputStreamOperatorTestHarness<
                        String, CatalogueItem, Tuple2<String, Long>, Boolean>(
                        new KeyedCoProcessOperator<>(new FreshCoverage(Duration.ofHours(1))),
                        CatalogueItem::getItemId,
                        t -> t.f0,
                        Types.STRING)) {
            h.open();
            h.processWatermark1(new Watermark(Long.MAX_VALUE)); // the idle catalogue side
            h.processWatermark2(new Watermark(10_000));
            h.processElement1(new CatalogueItem("a", new String[0], true, 20_000), 20_000);
            h.processElement1(new CatalogueItem("b", new String[0], true, 20_000), 20_000);
            // created long ago: admitted at the current event time instead
            h.processElement1(new CatalogueItem("c", new String[0], true, 1), 1);
            h.processElement1(new CatalogueItem("w", new String[0], false, 20_000), 20_000);
            h.processElement2(Tuple2.of("a", 30_000L), 30_000);
            h.processElement2(Tuple2.of("b", 20_000 + HOUR + 1), 20_000 + HOUR + 1); // too late
            h.processElement2(Tuple2.of("c", 10_000 + HOUR), 10_000 + HOUR);
            h.processElement2(Tuple2.of("w", 30_000L), 30_000);
            h.processWatermark2(new Watermark(10_000 + HOUR));
            assertThat(h.extractOutputValues()).as("c's hour ended").containsExactly(true);
            h.processWatermark2(new Watermark(20_000 + HOUR));
            assertThat(h.extractOutputValues())
                    .as("a shown, b not; w was never admitted")
                    .containsExactlyInAnyOrder(true, true, false);
            h.processElement1(new CatalogueItem("a", new String[0], true, 50_000), 50_000);
            h.processWatermark2(new Watermark(50_000 + 2 * HOUR));
            assertThat(h.extractOutputValues()).as("an update does not admit it again").hasSize(3);
        }
    }

    @Test
    void anOutcomeJudgedForASlotKindHitsOnlyWhenTheFirstHitWasInSuchASlot() {
        Outcome o = new Outcome("k", "u", "v1", Strategy.MODEL, 1, 2, 10, 3);
        o.setSlotsPresent((byte) ((1 << SlotKind.MODEL.code()) | (1 << SlotKind.EXPLORE.code())));
        o.setHitSlot(SlotKind.EXPLORE.code());
        assertThat(o.hadSlot(SlotKind.MODEL)).isTrue();
        assertThat(o.hadSlot(SlotKind.FRESH)).isFalse();
        assertThat(o.forSlot(SlotKind.EXPLORE).isHit()).isTrue();
        assertThat(o.forSlot(SlotKind.EXPLORE).getHitRank()).isEqualTo(3);
        assertThat(o.forSlot(SlotKind.MODEL).isHit()).isFalse();
    }
}
