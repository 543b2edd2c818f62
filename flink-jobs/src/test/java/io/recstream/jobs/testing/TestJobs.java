package io.recstream.jobs.testing;

import io.recstream.jobs.config.JobSetup;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.events.DeadLetter;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.recommend.RecommendJob;
import io.recstream.jobs.serde.RecordFormat;
import io.recstream.jobs.serde.ValidatingDeserializer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/** Starts the jobs on the test's MiniCluster with the integration tests' settings. */
public final class TestJobs {
    private TestJobs() {}

    /**
     * A MiniCluster of one TaskManager with {@code slots} slots, for {@code @RegisterExtension}.
     */
    public static org.apache.flink.test.junit5.MiniClusterExtension miniCluster(int slots) {
        return new org.apache.flink.test.junit5.MiniClusterExtension(
                new org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .build());
    }

    /**
     * Starts the recommend job from {@code in} to {@code out} and {@code dlq}: group and
     * transactional-id prefix {@code it-<name>}, 1 s checkpoints, a 2-minute popularity window;
     * {@code extraOptions} override any of these.
     *
     * @param failingSource wraps the source in a {@link FailingSource}
     */
    public static JobClient startRecommend(
            String bootstrap,
            Path model,
            int parallelism,
            String name,
            String in,
            String out,
            String dlq,
            boolean failingSource,
            String... extraOptions)
            throws Exception {
        List<String> options =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                bootstrap,
                                "--model",
                                model.toString(),
                                "--interactions-topic",
                                in,
                                "--recommendations-topic",
                                out,
                                "--dead-letters-topic",
                                dlq,
                                "--group-id",
                                "it-" + name,
                                "--transactional-id-prefix",
                                "it-" + name,
                                "--checkpoint-interval",
                                "1s",
                                "--transaction-timeout",
                                "2m",
                                "--parallelism",
                                Integer.toString(parallelism),
                                "--popularity.window",
                                "2m",
                                "--popularity.slide",
                                "20s",
                                "--restart-delay",
                                "200ms"));
        options.addAll(List.of(extraOptions));
        RecommendJobConfig config = RecommendJobConfig.fromArgs(options.toArray(String[]::new));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobSetup.configure(env, config);
        Source<Either<DeadLetter, Interaction>, ?, ?> source =
                JobSetup.kafkaSource(config, config.interactionsTopic, RecordFormat.INTERACTION);
        if (failingSource) {
            source = failing(source);
        }
        RecommendJob.forKafka(config, source).build(env);
        return env.executeAsync("it-" + name);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Source<Either<DeadLetter, Interaction>, ?, ?> failing(
            Source<Either<DeadLetter, Interaction>, ?, ?> source) {
        return new FailingSource(
                source, ValidatingDeserializer.typeOf(RecordFormat.INTERACTION), 200);
    }
}
