package io.recstream.jobs.launch;

import io.recstream.jobs.config.JobSetup;
import io.recstream.jobs.config.KafkaJobConfig;
import io.recstream.jobs.config.MonitorJobConfig;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.config.StartupChecks;
import io.recstream.jobs.monitor.MonitorJob;
import io.recstream.jobs.recommend.RecommendJob;
import java.util.Set;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The one launch sequence of both jobs, wherever they start (a cluster, the embedded MiniCluster of
 * the command line): configure the environment, run the start-up checks, build the graph.
 */
public final class JobLauncher {
    private JobLauncher() {}

    /** The recommend job on Kafka, built into {@code env} after its checks passed. */
    public static void recommend(StreamExecutionEnvironment env, RecommendJobConfig config) {
        checked(env, config, RecommendJob.SINK_NAMES);
        RecommendJob.forKafka(config).build(env);
    }

    /** The monitor job on Kafka, built into {@code env} after its checks passed. */
    public static void monitor(StreamExecutionEnvironment env, MonitorJobConfig config) {
        checked(env, config, MonitorJob.SINK_NAMES);
        MonitorJob.forKafka(config).build(env);
    }

    private static void checked(
            StreamExecutionEnvironment env, KafkaJobConfig config, Set<String> sinkNames) {
        JobSetup.configure(env, config);
        // on a cluster, checkpoint storage must be shared by every process; locally it need not
        StartupChecks.verify(
                config,
                env.getConfiguration(),
                !(env instanceof LocalStreamEnvironment),
                sinkNames);
    }
}
