package io.recstream.cli;

import io.recstream.jobs.config.JobSetup;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.recommend.RecommendJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs the recommend job on a Flink MiniCluster in this JVM. */
final class EmbeddedJob {
    private EmbeddedJob() {}

    static JobClient start(RecommendJobConfig config, int parallelism) throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        JobSetup.configure(env, config);
        RecommendJob.forKafka(config).build(env);
        return env.executeAsync(RecommendJob.JOB_NAME);
    }
}
