package io.recstream.cli;

import io.recstream.jobs.config.MonitorJobConfig;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.jobs.monitor.MonitorJob;
import io.recstream.jobs.recommend.RecommendJob;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster in this JVM that runs several jobs side by side, as a session cluster does.
 */
public final class EmbeddedFlink implements AutoCloseable {
    private final MiniCluster cluster;

    private EmbeddedFlink(MiniCluster cluster) {
        this.cluster = cluster;
    }

    public static EmbeddedFlink start(int slots) throws Exception {
        return start(slots, null);
    }

    /**
     * @param flinkMetricsPort when not null, Flink's own metrics (checkpoints, backpressure) are
     *     served for Prometheus on this port by Flink's Prometheus reporter
     */
    public static EmbeddedFlink start(int slots, Integer flinkMetricsPort) throws Exception {
        Configuration conf = new Configuration();
        if (flinkMetricsPort != null) {
            conf.setString(
                    "metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", Integer.toString(flinkMetricsPort));
        }
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        // every checkpoint of a long run in the statistics, not the last 10 (bench soak)
        conf.set(org.apache.flink.configuration.WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);
        conf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .build());
        cluster.start();
        return new EmbeddedFlink(cluster);
    }

    /** An environment to build a job in; submit it with {@link #submit}. */
    public static StreamExecutionEnvironment environment() {
        return StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    }

    public JobID submit(StreamExecutionEnvironment env, String name) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return cluster.submitJob(graph).get().getJobID();
    }

    /** Submits the recommend job with {@code config}. */
    public JobID submitRecommend(RecommendJobConfig config) throws Exception {
        StreamExecutionEnvironment env = environment();
        io.recstream.jobs.launch.JobLauncher.recommend(env, config);
        return submit(env, RecommendJob.JOB_NAME);
    }

    /** Submits the monitor job with {@code config}. */
    public JobID submitMonitor(MonitorJobConfig config) throws Exception {
        StreamExecutionEnvironment env = environment();
        io.recstream.jobs.launch.JobLauncher.monitor(env, config);
        return submit(env, MonitorJob.JOB_NAME);
    }

    /**
     * The options every embedded job gets: connection, model, checkpointing and parallelism, plus
     * {@code extra}.
     */
    public static String[] jobArgs(
            String bootstrap,
            java.nio.file.Path commandConfig,
            String model,
            String checkpointInterval,
            int parallelism,
            String... extra) {
        java.util.List<String> args =
                new java.util.ArrayList<>(
                        java.util.List.of(
                                "--bootstrap-servers", bootstrap,
                                "--model", model,
                                "--checkpoint-interval", checkpointInterval,
                                "--transaction-timeout", "5m",
                                "--parallelism", Integer.toString(parallelism)));
        if (commandConfig != null) {
            args.addAll(java.util.List.of("--command-config", commandConfig.toString()));
        }
        args.addAll(java.util.List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Completed and failed checkpoints of a job, and each completed one's duration by id. */
    public record Checkpoints(
            long completed,
            long failed,
            java.util.SortedMap<Long, Long> durationMsById,
            java.util.SortedMap<Long, String> failureById) {}

    /** The job's checkpoint statistics (the recent history Flink keeps, 10 by default). */
    public Checkpoints checkpoints(JobID job) throws Exception {
        org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot stats =
                cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
        java.util.SortedMap<Long, Long> durations = new java.util.TreeMap<>();
        java.util.SortedMap<Long, String> failures = new java.util.TreeMap<>();
        for (org.apache.flink.runtime.checkpoint.AbstractCheckpointStats c :
                stats.getHistory().getCheckpoints()) {
            if (c.getStatus().isCompleted()) {
                durations.put(c.getCheckpointId(), c.getEndToEndDuration());
            } else if (c instanceof org.apache.flink.runtime.checkpoint.FailedCheckpointStats f) {
                failures.put(c.getCheckpointId(), String.valueOf(f.getFailureMessage()));
            }
        }
        return new Checkpoints(
                stats.getCounts().getNumberOfCompletedCheckpoints(),
                stats.getCounts().getNumberOfFailedCheckpoints(),
                durations,
                failures);
    }

    /** Waits for a bounded job to finish; throws if it failed. */
    public void await(JobID job) throws Exception {
        cluster.requestJobResult(job).get().toJobExecutionResult(getClass().getClassLoader());
    }

    public void cancel(JobID job) {
        try {
            cluster.cancelJob(job).get();
        } catch (Exception e) {
            // already finished or failed: nothing to cancel
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
