package io.recstream.cli.bench;

import java.util.Collection;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH micro-benchmarks (scoring, matrix multiply, KL) in this JVM, one parameter set at a
 * time, and returns the measured operations per second.
 */
final class MicroBenchmarks {
    private final boolean quick;

    MicroBenchmarks(boolean quick) {
        this.quick = quick;
    }

    /** Mean ops/s of {@code benchmark} with {@code params} as name, value pairs. */
    double opsPerSecond(Class<?> benchmark, String... params) {
        ChainedOptionsBuilder o =
                new OptionsBuilder()
                        .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                        .forks(0) // in this JVM: the hot path is native code, not JIT-sensitive
                        .threads(1)
                        .warmupIterations(quick ? 1 : 3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(quick ? 2 : 5)
                        .measurementTime(TimeValue.seconds(1))
                        .shouldFailOnError(true)
                        .verbosity(VerboseMode.SILENT);
        for (int i = 0; i < params.length; i += 2) {
            o.param(params[i], params[i + 1]);
        }
        try {
            Collection<RunResult> results = new Runner(o.build()).run();
            if (results.isEmpty()) {
                throw new IllegalStateException("JMH ran nothing for " + benchmark.getName());
            }
            return results.iterator().next().getPrimaryResult().getScore();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed on " + benchmark.getSimpleName(), e);
        }
    }
}
