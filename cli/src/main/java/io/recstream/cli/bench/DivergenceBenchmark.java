package io.recstream.cli.bench;

import io.recstream.jobs.drift.Divergence;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** KL divergence of a smoothed live histogram against a reference, as each window computes it. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DivergenceBenchmark {

    @Param({"21"})
    public int bins;

    private double[] live;
    private double[] reference;

    @Setup
    public void open() {
        SplittableRandom random = new SplittableRandom(3);
        live = new double[bins];
        double[] counts = new double[bins];
        for (int i = 0; i < bins; i++) {
            live[i] = random.nextInt(1000);
            counts[i] = random.nextInt(1000) + 1;
        }
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        reference = new double[bins];
        for (int i = 0; i < bins; i++) {
            reference[i] = counts[i] / total;
        }
    }

    @Benchmark
    public double kl() {
        return Divergence.kl(Divergence.smoothLive(live, Divergence.DEFAULT_ALPHA), reference);
    }
}
