package io.recstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencySamplesTest {

    @Test
    void percentilesAreTheSamplesAtFloorOfQTimesNInSortedOrder() {
        LatencySamples s = new LatencySamples();
        List<Long> all = new ArrayList<>();
        Random random = new Random(7);
        // more than the initial capacity, in random order, with repeats and a long tail
        for (int i = 0; i < 200_001; i++) {
            long ms = random.nextInt(100) == 0 ? 1_000 + random.nextInt(5_000) : random.nextInt(40);
            s.add(ms);
            all.add(ms);
        }
        Collections.sort(all);

        PipelineBench.Latency l = s.percentiles();

        assertThat(l.samples()).isEqualTo(200_001);
        assertThat(l.p50()).isEqualTo((double) all.get(100_000));
        assertThat(l.p99()).isEqualTo((double) all.get(198_000));
        assertThat(l.p999()).isEqualTo((double) all.get(199_800));
        assertThat(l.p999()).isGreaterThanOrEqualTo(1_000);
    }

    @Test
    void fewSamplesGiveTheLargestForHighQuantilesAndNoneGiveNaN() {
        LatencySamples s = new LatencySamples();
        assertThat(s.percentiles().p99()).isNaN();
        assertThat(s.percentiles().samples()).isZero();

        s.add(30);
        s.add(10);
        s.add(20);
        PipelineBench.Latency l = s.percentiles();
        assertThat(l.p50()).isEqualTo(20);
        assertThat(l.p99()).isEqualTo(30);
        assertThat(l.p999()).isEqualTo(30);
    }
}
