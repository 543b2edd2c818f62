package io.recstream.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DivergenceTest {

    @Test
    void closedFormValues() {
        double[] p = {0.5, 0.5};
        double[] q = {0.25, 0.75};
        double kl = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
        assertThat(Divergence.kl(p, q)).isCloseTo(kl, within(1e-12));
        double psi = (0.5 - 0.25) * Math.log(2) + (0.5 - 0.75) * Math.log(0.5 / 0.75);
        assertThat(Divergence.psi(p, q)).isCloseTo(psi, within(1e-12));
        double[] m = {0.375, 0.625};
        double js =
                0.5 * (0.5 * Math.log(0.5 / 0.375) + 0.5 * Math.log(0.5 / 0.625))
                        + 0.5 * (0.25 * Math.log(0.25 / 0.375) + 0.75 * Math.log(0.75 / 0.625));
        assertThat(Divergence.js(p, q)).isCloseTo(js, within(1e-12));
        assertThat(Divergence.kl(q, q)).isZero();
        assertThat(Divergence.js(p, q)).isEqualTo(Divergence.js(q, p), within(1e-15));
    }

    @Test
    void disjointDistributionsHitTheJsBound() {
        double[] p = {1, 0};
        double[] q = {0, 1};
        assertThat(Divergence.js(p, q)).isCloseTo(Math.log(2), within(1e-12));
    }

    @Test
    void smoothingMatchesTheDocumentedFormula() {
        double[] live = Divergence.smoothLive(new double[] {3, 0, 1}, 0.5);
        assertThat(live)
                .containsExactly(new double[] {3.5 / 5.5, 0.5 / 5.5, 1.5 / 5.5}, within(1e-15));
        double[] ref = Divergence.smoothReference(new double[] {0.5, 0.5, 0}, 100, 0.5);
        assertThat(ref)
                .containsExactly(
                        new double[] {50.5 / 101.5, 50.5 / 101.5, 0.5 / 101.5}, within(1e-15));
    }

    @Test
    void zeroBinsAndUnseenCategoriesStayFinite() {
        Histogram h = Histogram.categorical(Map.of("a", 0.7, "b", 0.3, "c", 0.0), 1_000);
        assertThat(h.labels()).containsExactly("a", "b", "c", Histogram.UNSEEN);
        assertThat(h.bucketOf("brand-new")).isEqualTo(3);
        double[] counts = new double[h.size()];
        counts[h.bucketOf("c")] = 40; // a category the reference gave probability 0
        counts[h.bucketOf("zzz")] = 60; // a category the reference never saw
        Histogram.Divergences d = h.compare(counts, Divergence.DEFAULT_ALPHA);
        assertThat(d.kl()).isFinite().isGreaterThan(3);
        assertThat(d.js()).isFinite().isLessThanOrEqualTo(Math.log(2));
        assertThat(d.psi()).isFinite().isGreaterThan(d.kl());
        Histogram.Divergences empty = h.compare(new double[h.size()], Divergence.DEFAULT_ALPHA);
        assertThat(empty.kl()).isFinite();
    }

    @Test
    void aLiveSampleFromTheReferenceScoresNearZero() {
        Histogram h = Histogram.categorical(Map.of("a", 0.5, "b", 0.25, "c", 0.25), 10_000);
        Histogram.Divergences same = h.compare(new double[] {500, 250, 250, 0}, 0.5);
        Histogram.Divergences shifted = h.compare(new double[] {100, 100, 800, 0}, 0.5);
        assertThat(same.kl()).isLessThan(0.001);
        assertThat(shifted.kl()).isGreaterThan(0.5);
    }

    @Test
    void scoreBinsUseTheReferenceEdges() {
        Histogram h =
                Histogram.binned(new double[] {0, 1, 2, 3}, new double[] {0.2, 0.5, 0.3}, 100);
        assertThat(h.binOf(-5)).isZero();
        assertThat(h.binOf(0.99)).isZero();
        assertThat(h.binOf(1)).isEqualTo(1);
        assertThat(h.binOf(2.5)).isEqualTo(2);
        assertThat(h.binOf(99)).isEqualTo(2);
    }
}
