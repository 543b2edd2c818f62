package io.recstream.jobs.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recstream.jobs.events.Outcome;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.events.SlotKind;
import io.recstream.jobs.events.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The online metrics' arithmetic as the monitor job runs it, in memory: a bounded stream of
 * outcomes through {@link OnlineMetrics#compute} on a local environment, every signal collected.
 */
class OnlineMetricsTest {

    private static final long S = 1_000;

    /** Signal values by "signal version strategy windowEnd". */
    private static final Map<String, SignalValue> SIGNALS = new HashMap<>();

    private static Outcome outcome(
            String key,
            Strategy strategy,
            long close,
            int hitRank,
            SlotKind hitSlot,
            SlotKind... in) {
        Outcome o = new Outcome(key, "u-" + key, "v1", strategy, close - 5 * S, close, 10, hitRank);
        byte present = 0;
        for (SlotKind k : in) {
            present |= (byte) (1 << k.code());
        }
        o.setSlotsPresent(present);
        o.setHitSlot(hitSlot == null ? -1 : hitSlot.code());
        return o;
    }

    @BeforeAll
    static void run() throws Exception {
        List<Outcome> outcomes =
                List.of(
                        // window [0 s, 10 s): four MODEL lists, hits at ranks 0 and 2
                        outcome("a", Strategy.MODEL, 1 * S, 0, SlotKind.MODEL, SlotKind.MODEL),
                        outcome("b", Strategy.MODEL, 2 * S, 2, SlotKind.MODEL, SlotKind.MODEL),
                        outcome("c", Strategy.MODEL, 3 * S, -1, null, SlotKind.MODEL),
                        // its first hit is the exploration slot at rank 9
                        outcome(
                                "d",
                                Strategy.MODEL,
                                4 * S,
                                9,
                                SlotKind.EXPLORE,
                                SlotKind.MODEL,
                                SlotKind.EXPLORE),
                        // and one POPULAR list, a miss
                        outcome("e", Strategy.POPULAR, 5 * S, -1, null, SlotKind.POPULAR),
                        // window [10 s, 20 s): one MODEL hit at rank 1
                        outcome("f", Strategy.MODEL, 12 * S, 1, SlotKind.MODEL, SlotKind.MODEL));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<Outcome> in =
                env.fromData(outcomes)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Outcome>forMonotonousTimestamps()
                                        .withTimestampAssigner((o, t) -> o.getCloseTime()));
        List<SignalValue> out = new ArrayList<>();
        OnlineMetrics.compute(in, Duration.ofSeconds(10), Duration.ofSeconds(10))
                .executeAndCollect()
                .forEachRemaining(out::add);
        for (SignalValue v : out) {
            String key =
                    v.getSignal()
                            + " "
                            + v.getModelVersion()
                            + " "
                            + v.getStrategy()
                            + " "
                            + v.getWindowEnd();
            assertThat(SIGNALS.put(key, v)).as("one value per signal, key and window").isNull();
        }
    }

    private static double value(String signal, String strategy, long windowEnd) {
        SignalValue v = SIGNALS.get(signal + " v1 " + strategy + " " + windowEnd);
        assertThat(v).as("%s %s at %d", signal, strategy, windowEnd).isNotNull();
        return v.getValue();
    }

    private static double ndcg(int rank) {
        return 1 / (Math.log(rank + 2) / Math.log(2));
    }

    @Test
    void hitRateNdcgAndMrrPerStrategyFromTheFirstHitsRank() {
        assertThat(value(OnlineMetrics.OUTCOMES, "MODEL", 10 * S)).isEqualTo(4);
        assertThat(value(OnlineMetrics.HIT_RATE, "MODEL", 10 * S)).isEqualTo(0.75);
        assertThat(value(OnlineMetrics.NDCG, "MODEL", 10 * S))
                .isCloseTo((ndcg(0) + ndcg(2) + ndcg(9)) / 4, within(1e-9));
        assertThat(value(OnlineMetrics.MRR, "MODEL", 10 * S))
                .isCloseTo((1.0 + 1.0 / 3 + 1.0 / 10) / 4, within(1e-9));
        assertThat(value(OnlineMetrics.HIT_RATE, "POPULAR", 10 * S)).isZero();
        assertThat(value(OnlineMetrics.HIT_RATE, "MODEL", 20 * S)).isEqualTo(1.0);
        assertThat(value(OnlineMetrics.NDCG, "MODEL", 20 * S)).isCloseTo(ndcg(1), within(1e-9));
    }

    @Test
    void allStrategiesTogetherPerVersion() {
        assertThat(value(OnlineMetrics.OUTCOMES, OnlineMetrics.ALL, 10 * S)).isEqualTo(5);
        assertThat(value(OnlineMetrics.HIT_RATE, OnlineMetrics.ALL, 10 * S)).isEqualTo(0.6);
    }

    @Test
    void perSlotKindOverTheListsHoldingOneAHitOnlyIfTheFirstHitWasThere() {
        // four lists held a MODEL slot in the first window; the first hit was in one in two of them
        assertThat(value(OnlineMetrics.OUTCOMES, "slot:MODEL", 10 * S)).isEqualTo(4);
        assertThat(value(OnlineMetrics.HIT_RATE, "slot:MODEL", 10 * S)).isEqualTo(0.5);
        assertThat(value(OnlineMetrics.OUTCOMES, "slot:EXPLORE", 10 * S)).isEqualTo(1);
        assertThat(value(OnlineMetrics.HIT_RATE, "slot:EXPLORE", 10 * S)).isEqualTo(1.0);
        assertThat(value(OnlineMetrics.NDCG, "slot:EXPLORE", 10 * S))
                .isCloseTo(ndcg(9), within(1e-9));
        assertThat(value(OnlineMetrics.HIT_RATE, "slot:POPULAR", 10 * S)).isZero();
        assertThat(SIGNALS).doesNotContainKey("hit_rate_at_k v1 slot:FRESH " + 10 * S);
    }
}
